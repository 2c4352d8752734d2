//! The dispatcher's record of what it did for an order: one small item per
//! step, `DISPATCH#<order>#<step>` in the restaurant's partition, kept for
//! a while after the order (TTL) in case the stream redelivers late.

use crate::DynamoDbStore;
use crate::errors::unavailable;
use crate::keys::restaurant_partition;
use crate::schema::{ENTITY, EXPIRES_AT_EPOCH, PK, SK};
use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use tabletap_app::ports::{DispatchLog, DispatchStep, StoreError};
use tabletap_core::Timestamp;
use tabletap_core::ids::RestaurantId;
use tabletap_core::order::OrderId;

/// Streams keep records for 24 hours; a month covers any redelivery and
/// leaves the trail for support questions ("did the receipt go out?").
const STEP_LIFETIME: jiff::SignedDuration = jiff::SignedDuration::from_hours(30 * 24);

fn steps_prefix(order: &OrderId) -> String {
    format!("DISPATCH#{order}#")
}

#[async_trait]
impl DispatchLog for DynamoDbStore {
    async fn dispatch_steps_done(
        &self,
        restaurant: &RestaurantId,
        order: &OrderId,
    ) -> Result<Vec<DispatchStep>, StoreError> {
        let prefix = steps_prefix(order);
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .consistent_read(true)
            .key_condition_expression("#pk = :pk AND begins_with(#sk, :prefix)")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#sk", SK)
            .expression_attribute_values(":pk", AttributeValue::S(restaurant_partition(restaurant)))
            .expression_attribute_values(":prefix", AttributeValue::S(prefix.clone()))
            .projection_expression("#sk")
            .send()
            .await
            .map_err(|e| unavailable("Query", e))?;
        let done = output
            .items()
            .iter()
            .filter_map(|item| item.get(SK)?.as_s().ok())
            .filter_map(|sk| {
                let name = sk.strip_prefix(&prefix)?;
                DispatchStep::ALL.into_iter().find(|s| s.as_str() == name)
            })
            .collect();
        Ok(done)
    }

    async fn record_dispatch_step(
        &self,
        restaurant: &RestaurantId,
        order: &OrderId,
        step: DispatchStep,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let expires = at.saturating_add(STEP_LIFETIME).unwrap_or(at);
        self.client
            .put_item()
            .table_name(&self.table)
            .item(PK, AttributeValue::S(restaurant_partition(restaurant)))
            .item(
                SK,
                AttributeValue::S(format!("{}{}", steps_prefix(order), step.as_str())),
            )
            .item(ENTITY, AttributeValue::S("dispatch_step".to_owned()))
            .item("at", AttributeValue::S(at.to_string()))
            .item(
                EXPIRES_AT_EPOCH,
                AttributeValue::N(expires.as_second().to_string()),
            )
            .send()
            .await
            .map_err(|e| unavailable("PutItem", e))?;
        Ok(())
    }
}
