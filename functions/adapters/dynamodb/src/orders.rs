//! Orders and their idempotency records. An order lives in its restaurant's
//! partition (`ORDER#<ulid>`) and carries the index keys that list it under
//! its business day. A new order and its idempotency record are written in
//! one transaction, each only if its key is free.

use crate::DynamoDbStore;
use crate::errors::{is_condition_failure, unavailable, unavailable_because};
use crate::items::{Envelope, Item, from_item, to_item};
use crate::keys;
use crate::schema::{EXPIRES_AT_EPOCH, GSI1, GSI1_PK, GSI2, GSI2_PK, GSI2_SK, PK};
use crate::transactions::{MAX_ATTEMPTS, Reasons, Transaction, back_off, build_put, write};
use async_trait::async_trait;
use aws_sdk_dynamodb::types::builders::PutBuilder;
use aws_sdk_dynamodb::types::{AttributeValue, Put, ReturnValuesOnConditionCheckFailure};
use tabletap_app::idempotency::IdempotencyRecord;
use tabletap_app::ports::{CreateOrderOutcome, OrderStore, StatusUpdate, StoreError};
use tabletap_core::board::{ChangeMark, change_sort_key};
use tabletap_core::ids::RestaurantId;
use tabletap_core::order::StatusChange;
use tabletap_core::order::{Order, OrderId, OrderStatus};
use tabletap_core::{Date, Timestamp};

#[async_trait]
impl OrderStore for DynamoDbStore {
    async fn next_order_sequence(
        &self,
        restaurant: &RestaurantId,
        day: Date,
    ) -> Result<u32, StoreError> {
        self.bump_order_sequence(restaurant, day).await
    }

    async fn create_order(
        &self,
        order: &Order,
        idempotency: Option<&IdempotencyRecord>,
    ) -> Result<CreateOrderOutcome, StoreError> {
        match idempotency {
            None => self
                .put_new_order(order)
                .await
                .map(|()| CreateOrderOutcome::Created),
            Some(record) => self.put_new_order_with_key(order, record).await,
        }
    }

    async fn get_idempotency_record(
        &self,
        restaurant: &RestaurantId,
        key: &str,
    ) -> Result<Option<IdempotencyRecord>, StoreError> {
        self.get_record(&keys::idempotency(restaurant, key)).await
    }

    async fn get_order(
        &self,
        restaurant: &RestaurantId,
        id: &OrderId,
    ) -> Result<Option<Order>, StoreError> {
        self.get_record(&keys::order(restaurant, id)).await
    }

    async fn apply_status_change(
        &self,
        restaurant: &RestaurantId,
        id: &OrderId,
        from: OrderStatus,
        change: &StatusChange,
    ) -> Result<StatusUpdate, StoreError> {
        self.change_order_status(restaurant, id, from, change).await
    }

    /// One Query on the keys-only change index: an idle board's poll
    /// finds nothing there and reads no order (0.5 RCU, measured in
    /// docs/staff.md). Eventually consistent like every index; the
    /// cursor's overlap re-reads the last seconds.
    async fn list_order_changes(
        &self,
        restaurant: &RestaurantId,
        since: Timestamp,
    ) -> Result<Vec<ChangeMark>, StoreError> {
        self.query_order_changes(restaurant, since).await
    }

    async fn update_order_payment(
        &self,
        restaurant: &RestaurantId,
        id: &OrderId,
        expected: OrderStatus,
        to: Option<OrderStatus>,
        payment: &tabletap_core::payment::OrderPayment,
        at: Timestamp,
    ) -> Result<StatusUpdate, StoreError> {
        self.set_order_payment(restaurant, id, expected, to, payment, at)
            .await
    }

    /// Reads the day index, which (like every DynamoDB index) is eventually
    /// consistent: an order placed a moment ago may be missing for a moment.
    async fn list_orders_for_day(
        &self,
        restaurant: &RestaurantId,
        day: Date,
    ) -> Result<Vec<Order>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(GSI1)
            .key_condition_expression("#day = :day")
            .expression_attribute_names("#day", GSI1_PK)
            .expression_attribute_values(
                ":day",
                AttributeValue::S(keys::orders_of_day(restaurant, day)),
            )
            .scan_index_forward(true);
        self.query_records(query).await
    }
}

impl DynamoDbStore {
    pub(crate) async fn query_order_changes(
        &self,
        restaurant: &RestaurantId,
        since: Timestamp,
    ) -> Result<Vec<ChangeMark>, StoreError> {
        let mut marks = Vec::new();
        let mut start = None;
        loop {
            let page = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(GSI2)
                .key_condition_expression("#p = :p AND #s >= :since")
                .expression_attribute_names("#p", GSI2_PK)
                .expression_attribute_names("#s", GSI2_SK)
                .expression_attribute_values(
                    ":p",
                    AttributeValue::S(keys::order_changes(restaurant)),
                )
                .expression_attribute_values(
                    ":since",
                    AttributeValue::S(format!("{:020}", since.as_microsecond().max(0))),
                )
                .set_exclusive_start_key(start)
                .return_consumed_capacity(aws_sdk_dynamodb::types::ReturnConsumedCapacity::Total)
                .send()
                .await
                .map_err(|e| unavailable("Query", e))?;
            if let Some(used) = page.consumed_capacity().and_then(|c| c.capacity_units()) {
                self.record_read_units(used);
            }
            for item in page.items() {
                let Some(AttributeValue::S(sort_key)) = item.get(GSI2_SK) else {
                    return Err(StoreError::Corrupt(anyhow::anyhow!(
                        "a change index item has no sort key"
                    )));
                };
                marks.push(parse_change_key(sort_key)?);
            }
            match page.last_evaluated_key {
                Some(key) if !key.is_empty() => start = Some(key),
                _ => return Ok(marks),
            }
        }
    }

    fn order_put(&self, order: &Order) -> Result<Put, StoreError> {
        let mut envelope = Envelope::new(keys::order(&order.restaurant_id, &order.id), "order");
        envelope.by_day = Some((
            keys::orders_of_day(&order.restaurant_id, order.business_date),
            order.id.to_string(),
        ));
        envelope.by_change = Some((
            keys::order_changes(&order.restaurant_id),
            change_sort_key(order.updated_at, &order.id),
        ));
        envelope.expires_at = crate::payments::order_ttl(order);
        build_put(new_item_put(&self.table, to_item(order, envelope)?))
    }

    async fn put_new_order(&self, order: &Order) -> Result<(), StoreError> {
        let put = self.order_put(order)?;
        let request = self
            .client
            .put_item()
            .table_name(put.table_name)
            .set_item(Some(put.item))
            .set_condition_expression(put.condition_expression)
            .set_expression_attribute_names(put.expression_attribute_names);
        match request.send().await {
            Ok(_) => Ok(()),
            Err(error) if is_condition_failure(&error) => Err(order_id_taken(order)),
            Err(error) => Err(unavailable("PutItem", error)),
        }
    }

    async fn put_new_order_with_key(
        &self,
        order: &Order,
        record: &IdempotencyRecord,
    ) -> Result<CreateOrderOutcome, StoreError> {
        let record_key = keys::idempotency(&record.restaurant_id, &record.key_digest);
        let mut envelope = Envelope::new(record_key.clone(), "idempotency");
        envelope.expires_at = Some(record.expires_at);
        // A record DynamoDB's TTL has not deleted yet but that has expired
        // frees its key: the new record replaces it. On a lost condition,
        // DynamoDB hands back the record that won.
        let record_put = build_put(
            Put::builder()
                .table_name(&self.table)
                .set_item(Some(to_item(record, envelope)?))
                .condition_expression("attribute_not_exists(#pk) OR #expires <= :now")
                .expression_attribute_names("#pk", PK)
                .expression_attribute_names("#expires", EXPIRES_AT_EPOCH)
                .expression_attribute_values(
                    ":now",
                    AttributeValue::N(record.created_at.as_second().to_string()),
                )
                .return_values_on_condition_check_failure(
                    ReturnValuesOnConditionCheckFailure::AllOld,
                ),
        )?;
        let order_put = self.order_put(order)?;
        for attempt in 0..MAX_ATTEMPTS {
            let writes = vec![write(order_put.clone()), write(record_put.clone())];
            let reasons = match self.transact_write(writes).await? {
                Transaction::Written => return Ok(CreateOrderOutcome::Created),
                Transaction::Cancelled(reasons) => reasons,
            };
            let reasons = Reasons(&reasons);
            if reasons.condition_failed(1) {
                let winner: Option<IdempotencyRecord> = match reasons.0[1].item() {
                    Some(item) => Some(from_item(item.clone())?),
                    None => self.get_record(&record_key).await?,
                };
                let winner = winner.filter(|w| !w.is_expired(record.created_at));
                match winner {
                    Some(winner) => return Ok(CreateOrderOutcome::IdempotencyKeyTaken(winner)),
                    // The record expired in between: the key is free again.
                    None => continue,
                }
            }
            if reasons.condition_failed(0) {
                return Err(order_id_taken(order));
            }
            if !reasons.conflicted() {
                return Err(unavailable_because(format!(
                    "DynamoDB cancelled the order write: {:?}",
                    reasons.codes()
                )));
            }
            back_off(attempt).await;
        }
        Err(unavailable_because(format!(
            "order write kept colliding after {MAX_ATTEMPTS} attempts"
        )))
    }
}

/// A put that only creates: it fails if an item with the key exists.
fn new_item_put(table: &str, item: Item) -> PutBuilder {
    Put::builder()
        .table_name(table)
        .set_item(Some(item))
        .condition_expression("attribute_not_exists(#pk)")
        .expression_attribute_names("#pk", PK)
}

/// Order ids are ULIDs with 80 random bits: a clash means a broken random
/// source or a replayed write, which needs a person, like the embedded store.
fn order_id_taken(order: &Order) -> StoreError {
    StoreError::Corrupt(anyhow::anyhow!(
        "order id {} already exists in restaurant {}",
        order.id,
        order.restaurant_id
    ))
}

fn parse_change_key(sort_key: &str) -> Result<ChangeMark, StoreError> {
    let corrupt = || StoreError::Corrupt(anyhow::anyhow!("bad change index key {sort_key:?}"));
    let (micros, id) = sort_key.split_once('#').ok_or_else(corrupt)?;
    let updated_at = micros
        .parse::<i64>()
        .ok()
        .and_then(|m| Timestamp::from_microsecond(m).ok())
        .ok_or_else(corrupt)?;
    Ok(ChangeMark {
        order_id: OrderId::parse(id).map_err(|_| corrupt())?,
        updated_at,
    })
}
