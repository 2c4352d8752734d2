//! Payments on DynamoDB: processed payment event ids (`R#<restaurant>` /
//! `PAYMENT_EVENT#<evt id>`, written with `attribute_not_exists`, TTL a month
//! later) and the conditional UpdateItem that records a payment on an order.
//! An unpaid takeout order carries `expires_at_epoch` (TTL) while it is
//! PENDING_PAYMENT; every write that moves it on removes the attribute.

use crate::DynamoDbStore;
use crate::errors::{is_condition_failure, unavailable};
use crate::items::{Envelope, Item, from_item, from_value, to_item, to_value};
use crate::keys;
use crate::schema::{EXPIRES_AT_EPOCH, PK};
use async_trait::async_trait;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue, ReturnValuesOnConditionCheckFailure};
use tabletap_app::payments::PaymentEventRecord;
use tabletap_app::ports::{PaymentEventStore, StatusUpdate, StoreError};
use tabletap_core::Timestamp;
use tabletap_core::ids::RestaurantId;
use tabletap_core::order::{Order, OrderId, OrderStatus, StatusChange};
use tabletap_core::payment::OrderPayment;

/// How long after an unpaid order's expiry DynamoDB may delete it: Stripe
/// retries a webhook for up to three days, and a payment that arrives late
/// must still find its order to be flagged for a refund.
pub(crate) const UNPAID_ORDER_KEPT_AFTER_EXPIRY: jiff::SignedDuration =
    jiff::SignedDuration::from_hours(72);

/// The TTL instant of a new order: only unpaid takeout orders have one.
pub(crate) fn order_ttl(order: &Order) -> Option<Timestamp> {
    if order.status != OrderStatus::PendingPayment {
        return None;
    }
    order
        .expires_at
        .and_then(|at| at.checked_add(UNPAID_ORDER_KEPT_AFTER_EXPIRY).ok())
}

#[async_trait]
impl PaymentEventStore for DynamoDbStore {
    async fn payment_event_processed(
        &self,
        restaurant: &RestaurantId,
        event_id: &str,
    ) -> Result<bool, StoreError> {
        Ok(self
            .get_item(&keys::payment_event(restaurant, event_id))
            .await?
            .is_some())
    }

    async fn record_payment_event(&self, record: &PaymentEventRecord) -> Result<bool, StoreError> {
        let mut envelope = Envelope::new(
            keys::payment_event(&record.restaurant_id, &record.event_id),
            "payment_event",
        );
        envelope.expires_at = Some(record.expires_at);
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(to_item(record, envelope)?))
            .condition_expression("attribute_not_exists(#pk)")
            .expression_attribute_names("#pk", PK)
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(error) if is_condition_failure(&error) => Ok(false),
            Err(error) => Err(unavailable("PutItem", error)),
        }
    }
}

impl DynamoDbStore {
    /// See `OrderStore::update_order_payment`: one UpdateItem, condition
    /// `status = :expected`.
    pub(crate) async fn set_order_payment(
        &self,
        restaurant: &RestaurantId,
        id: &OrderId,
        expected: OrderStatus,
        to: Option<OrderStatus>,
        payment: &OrderPayment,
        at: Timestamp,
    ) -> Result<StatusUpdate, StoreError> {
        let key = keys::order(restaurant, id);
        if let Some(to) = to
            && !expected.can_become(to)
        {
            return Ok(match self.get_item(&key).await? {
                None => StatusUpdate::NotFound,
                Some(item) => StatusUpdate::Conflict {
                    current: status_of(item)?,
                },
            });
        }
        let mut update = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key.to_item()))
            .condition_expression("#status = :expected")
            .expression_attribute_names("#status", "status")
            .expression_attribute_names("#payment", "payment")
            .expression_attribute_names("#updated_at", "updated_at")
            .expression_attribute_names("#changed", crate::schema::GSI2_SK)
            .expression_attribute_values(
                ":changed",
                AttributeValue::S(tabletap_core::board::change_sort_key(at, id)),
            )
            .expression_attribute_values(":expected", to_value(&expected)?)
            .expression_attribute_values(":payment", to_value(payment)?)
            .expression_attribute_values(":at", to_value(&at)?)
            .return_values(ReturnValue::AllNew)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
        let expression = match to {
            Some(to) => {
                update = update
                    .expression_attribute_names("#history", "history")
                    .expression_attribute_values(":to", to_value(&to)?)
                    .expression_attribute_values(
                        ":change",
                        AttributeValue::L(vec![to_value(&StatusChange::new(to, at))?]),
                    );
                let set = "SET #payment = :payment, #updated_at = :at, #changed = :changed, \
                           #status = :to, #history = list_append(#history, :change)";
                if expected == OrderStatus::PendingPayment {
                    update = update.expression_attribute_names("#ttl", EXPIRES_AT_EPOCH);
                    format!("{set} REMOVE #ttl")
                } else {
                    set.to_owned()
                }
            }
            None => "SET #payment = :payment, #updated_at = :at, #changed = :changed".to_owned(),
        };
        match update.update_expression(expression).send().await {
            Ok(output) => {
                let item = output.attributes.ok_or_else(|| {
                    StoreError::Corrupt(anyhow::anyhow!(
                        "UpdateItem returned no attributes for order {id}"
                    ))
                })?;
                Ok(StatusUpdate::Applied(Box::new(from_item(item)?)))
            }
            Err(error) => match error.as_service_error() {
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
        .remove("status")
        .ok_or_else(|| StoreError::Corrupt(anyhow::anyhow!("a stored order has no status")))?;
    from_value(value)
}
