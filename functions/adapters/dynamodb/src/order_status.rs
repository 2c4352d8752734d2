//! Status changes as one conditional `UpdateItem`: apply only if the stored
//! status is still the expected one, append to the history and set
//! `updated_at` in the same write. The state machine is checked before
//! writing, so a refused change costs a read, never a write.

use crate::DynamoDbStore;
use crate::errors::unavailable;
use crate::items::{Item, from_item, from_value, to_value};
use crate::keys;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue, ReturnValuesOnConditionCheckFailure};
use tabletap_app::ports::{StatusUpdate, StoreError};
use tabletap_core::board::change_sort_key;
use tabletap_core::ids::RestaurantId;
use tabletap_core::order::{Order, OrderId, OrderStatus, StatusChange};

const STATUS: &str = "status";

impl DynamoDbStore {
    pub(crate) async fn change_order_status(
        &self,
        restaurant: &RestaurantId,
        id: &OrderId,
        from: OrderStatus,
        change: &StatusChange,
    ) -> Result<StatusUpdate, StoreError> {
        let (to, at) = (change.status, change.at);
        let key = keys::order(restaurant, id);
        if !from.can_become(to) {
            // Same answers as a write that lost: where the order stands now.
            return Ok(match self.get_item(&key).await? {
                None => StatusUpdate::NotFound,
                Some(item) => StatusUpdate::Conflict {
                    current: status_of(item)?,
                },
            });
        }
        let change = AttributeValue::L(vec![to_value(change)?]);
        // An unpaid order's TTL ends when it stops waiting for payment.
        let (remove_ttl, ttl_names) = if from == OrderStatus::PendingPayment {
            (
                " REMOVE #ttl",
                Some(std::collections::HashMap::from([(
                    "#ttl".to_owned(),
                    crate::schema::EXPIRES_AT_EPOCH.to_owned(),
                )])),
            )
        } else {
            ("", None)
        };
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key.to_item()))
            .condition_expression("#status = :from")
            .update_expression(format!(
                "SET #status = :to, #updated_at = :at, #history = list_append(#history, :change), #changed = :changed{remove_ttl}"
            ))
            .set_expression_attribute_names(ttl_names)
            .expression_attribute_names("#status", STATUS)
            .expression_attribute_names("#updated_at", "updated_at")
            .expression_attribute_names("#history", "history")
            .expression_attribute_names("#changed", crate::schema::GSI2_SK)
            .expression_attribute_values(":changed", AttributeValue::S(change_sort_key(at, id)))
            .expression_attribute_values(":from", to_value(&from)?)
            .expression_attribute_values(":to", to_value(&to)?)
            .expression_attribute_values(":at", to_value(&at)?)
            .expression_attribute_values(":change", change)
            .return_values(ReturnValue::AllNew)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        match result {
            Ok(output) => {
                let item = output.attributes.ok_or_else(|| {
                    StoreError::Corrupt(anyhow::anyhow!(
                        "UpdateItem returned no attributes for order {id}"
                    ))
                })?;
                let order: Order = from_item(item)?;
                Ok(StatusUpdate::Applied(Box::new(order)))
            }
            Err(error) => match error.as_service_error() {
                // The failed condition returns the item as it is, or nothing
                // when there is no such order.
                Some(UpdateItemError::ConditionalCheckFailedException(failed)) => {
                    Ok(match failed.item() {
                        Some(item) => StatusUpdate::Conflict {
                            current: status_of(item.clone())?,
                        },
                        None => StatusUpdate::NotFound,
                    })
                }
                _ => Err(unavailable("UpdateItem", error)),
            },
        }
    }
}

fn status_of(mut item: Item) -> Result<OrderStatus, StoreError> {
    let value = item
        .remove(STATUS)
        .ok_or_else(|| StoreError::Corrupt(anyhow::anyhow!("a stored order has no status")))?;
    from_value(value)
}
