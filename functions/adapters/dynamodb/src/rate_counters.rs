//! Order rate-limit counters on DynamoDB: one item per restaurant, counter
//! and window (`R#<restaurant>` / `RATE#<counter>#<window start>`), bumped
//! by one conditional UpdateItem (`ADD`, condition "below the limit"), so
//! no read is needed and concurrent Lambdas never count past the limit.
//! TTL removes a window's item an hour after it ended.

use crate::DynamoDbStore;
use crate::errors::{is_condition_failure, unavailable};
use crate::keys;
use crate::schema::{ENTITY, EXPIRES_AT_EPOCH};
use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use tabletap_app::ports::{RateCounterStore, StoreError};
use tabletap_core::Timestamp;
use tabletap_core::ids::RestaurantId;

const COUNT: &str = "orders_counted";

#[async_trait]
impl RateCounterStore for DynamoDbStore {
    async fn take_rate_slot(
        &self,
        restaurant: &RestaurantId,
        counter: &str,
        window_start_epoch: i64,
        limit: u32,
        forget_after: Timestamp,
    ) -> Result<bool, StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(
                keys::rate_counter(restaurant, counter, window_start_epoch).to_item(),
            ))
            .update_expression("ADD #count :one SET #entity = :entity, #expires = :expires")
            .condition_expression("attribute_not_exists(#count) OR #count < :limit")
            .expression_attribute_names("#count", COUNT)
            .expression_attribute_names("#entity", ENTITY)
            .expression_attribute_names("#expires", EXPIRES_AT_EPOCH)
            .expression_attribute_values(":one", AttributeValue::N("1".to_owned()))
            .expression_attribute_values(":limit", AttributeValue::N(limit.to_string()))
            .expression_attribute_values(":entity", AttributeValue::S("rate_counter".to_owned()))
            .expression_attribute_values(
                ":expires",
                AttributeValue::N(forget_after.as_second().to_string()),
            )
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(error) if is_condition_failure(&error) => Ok(false),
            Err(error) => Err(unavailable("UpdateItem", error)),
        }
    }
}
