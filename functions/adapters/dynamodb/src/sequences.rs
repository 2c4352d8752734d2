//! Order numbers: one counter item per restaurant per business day
//! (`ORDER_SEQUENCE#<day>`), bumped with an atomic `ADD`, so concurrent
//! orders never share a number and no read is needed.

use crate::DynamoDbStore;
use crate::errors::unavailable;
use crate::items::from_value;
use crate::keys;
use crate::schema::{ENTITY, EXPIRES_AT_EPOCH};
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use tabletap_app::ports::StoreError;
use tabletap_core::{Date, Timestamp};

const LAST_SEQUENCE: &str = "last_sequence";

/// A counter is useless once its day is over; keeping it a week after its
/// last use leaves room for late-night business days and clock skew.
const COUNTER_LIFETIME: jiff::SignedDuration = jiff::SignedDuration::from_hours(7 * 24);

impl DynamoDbStore {
    pub(crate) async fn bump_order_sequence(
        &self,
        restaurant: &tabletap_core::ids::RestaurantId,
        day: Date,
    ) -> Result<u32, StoreError> {
        let expires = Timestamp::now()
            .saturating_add(COUNTER_LIFETIME)
            .unwrap_or_else(|_| Timestamp::now());
        let output = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(keys::order_sequence(restaurant, day).to_item()))
            .update_expression("ADD #last :one SET #entity = :entity, #expires = :expires")
            .expression_attribute_names("#last", LAST_SEQUENCE)
            .expression_attribute_names("#entity", ENTITY)
            .expression_attribute_names("#expires", EXPIRES_AT_EPOCH)
            .expression_attribute_values(":one", AttributeValue::N("1".to_owned()))
            .expression_attribute_values(":entity", AttributeValue::S("order_sequence".to_owned()))
            .expression_attribute_values(
                ":expires",
                AttributeValue::N(expires.as_second().to_string()),
            )
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(|e| unavailable("UpdateItem", e))?;
        let value = output
            .attributes
            .and_then(|mut attributes| attributes.remove(LAST_SEQUENCE))
            .ok_or_else(|| {
                StoreError::Corrupt(anyhow::anyhow!(
                    "the order counter update returned no {LAST_SEQUENCE}"
                ))
            })?;
        from_value(value)
    }
}
