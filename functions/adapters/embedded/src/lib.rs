//! The embedded store: one redb file on local disk, durable across restarts,
//! implementing the same ports as the DynamoDB adapter and passing the same
//! contract tests.
//!
//! Records are stored as JSON under string keys laid out like the DynamoDB
//! single-table design (`<restaurant>/<...>`), so every key is scoped by
//! restaurant. redb serialises write transactions, which makes each
//! conditional write (check, then write) atomic.

mod change_feed;
mod dispatch_log;
mod payments;
mod rate_counters;
mod ticket_ledger;

use anyhow::Context;
use async_trait::async_trait;
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::path::Path;
use std::sync::Arc;
use tabletap_app::idempotency::IdempotencyRecord;
use tabletap_app::ports::{
    CreateOrderOutcome, MenuStore, OrderStore, RestaurantStore, StatusUpdate, StoreError,
    TableStore,
};
use tabletap_core::board::{ChangeMark, change_sort_key};
use tabletap_core::ids::{RestaurantId, TableId};
use tabletap_core::menu::Menu;
use tabletap_core::order::StatusChange;
use tabletap_core::order::{Order, OrderId, OrderStatus};
use tabletap_core::restaurant::Restaurant;
use tabletap_core::table::{Table, TokenLookup};
use tabletap_core::token::TableToken;
use tabletap_core::{Date, Timestamp};

const RESTAURANTS: TableDefinition<&str, &[u8]> = TableDefinition::new("restaurants");
const MENUS: TableDefinition<&str, &[u8]> = TableDefinition::new("menus");
const TABLES: TableDefinition<&str, &[u8]> = TableDefinition::new("tables");
/// Token -> [`TokenLookup`]; revoked tokens stay so they can say "replaced".
const TABLE_TOKENS: TableDefinition<&str, &[u8]> = TableDefinition::new("table_tokens");
const ORDERS: TableDefinition<&str, &[u8]> = TableDefinition::new("orders");
/// `<restaurant>/<business date>/<order id>` -> (): orders of a day in id
/// (= time) order, like the DynamoDB GSI.
const ORDERS_BY_DAY: TableDefinition<&str, ()> = TableDefinition::new("orders_by_day");
/// `<restaurant>/<updated_at sort key>` -> (): every order's last change,
/// so a board's poll reads only what changed (see `list_order_changes`).
pub(crate) const ORDERS_BY_CHANGE: TableDefinition<&str, ()> =
    TableDefinition::new("orders_by_change");
const ORDER_COUNTERS: TableDefinition<&str, u32> = TableDefinition::new("order_counters");
const IDEMPOTENCY: TableDefinition<&str, &[u8]> = TableDefinition::new("idempotency");

#[derive(Clone)]
pub struct EmbeddedStore {
    db: Arc<Database>,
    /// Woken after every order write, for the change feed's consumer.
    order_changed: Arc<tokio::sync::Notify>,
}

fn unavailable(error: impl Into<anyhow::Error>) -> StoreError {
    StoreError::Unavailable(error.into())
}

fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(value).map_err(|e| StoreError::Corrupt(e.into()))
}

fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt(e.into()))
}

fn table_key(restaurant: &RestaurantId, table: &TableId) -> String {
    format!("{restaurant}/{table}")
}

fn order_key(restaurant: &RestaurantId, id: &OrderId) -> String {
    format!("{restaurant}/{id}")
}

fn change_key(restaurant: &RestaurantId, at: Timestamp, id: &OrderId) -> String {
    format!("{restaurant}/{}", change_sort_key(at, id))
}

/// Moves an order's entry in the change index from its old `updated_at`
/// to its new one, in the write transaction that changed it.
pub(crate) fn reindex_change(
    txn: &redb::WriteTransaction,
    restaurant: &RestaurantId,
    id: &OrderId,
    old: Option<Timestamp>,
    new: Timestamp,
) -> Result<(), StoreError> {
    let mut index = txn.open_table(ORDERS_BY_CHANGE).map_err(unavailable)?;
    if let Some(old) = old {
        index
            .remove(change_key(restaurant, old, id).as_str())
            .map_err(unavailable)?;
    }
    index
        .insert(change_key(restaurant, new, id).as_str(), ())
        .map_err(unavailable)?;
    Ok(())
}

fn day_prefix(restaurant: &RestaurantId, day: Date) -> String {
    format!("{restaurant}/{day}/")
}

/// Every key that starts with `prefix` sorts between `prefix` and `prefix`
/// followed by the highest character.
fn prefix_end(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

fn parse_change_key(sort_key: &str) -> Result<ChangeMark, StoreError> {
    let corrupt = || StoreError::Corrupt(anyhow::anyhow!("bad change index key {sort_key:?}"));
    let (micros, id) = sort_key.split_once('#').ok_or_else(corrupt)?;
    let updated_at = micros
        .parse::<i64>()
        .ok()
        .and_then(|m| Timestamp::from_microsecond(m).ok())
        .ok_or_else(corrupt)?;
    let order_id = OrderId::parse(id).map_err(|_| corrupt())?;
    Ok(ChangeMark {
        order_id,
        updated_at,
    })
}

impl EmbeddedStore {
    /// Opens (or creates) the store file, creating any missing tables.
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create the data folder {}", parent.display()))?;
        }
        let db = Database::create(path).with_context(|| {
            format!(
                "cannot open the data file {} (is another TableTap server using it?)",
                path.display()
            )
        })?;
        Self::with_tables(db)
    }

    /// Whether `error` from [`open`](Self::open) means another process
    /// (a running server) holds the data file.
    pub fn is_in_use(error: &anyhow::Error) -> bool {
        error.chain().any(|e| {
            matches!(
                e.downcast_ref::<redb::DatabaseError>(),
                Some(redb::DatabaseError::DatabaseAlreadyOpen)
            )
        })
    }

    /// A store that lives in memory only, for tests.
    pub fn in_memory() -> anyhow::Result<Self> {
        let db = Database::builder().create_with_backend(redb::backends::InMemoryBackend::new())?;
        Self::with_tables(db)
    }

    fn with_tables(db: Database) -> anyhow::Result<Self> {
        let txn = db.begin_write()?;
        txn.open_table(RESTAURANTS)?;
        txn.open_table(MENUS)?;
        txn.open_table(TABLES)?;
        txn.open_table(TABLE_TOKENS)?;
        txn.open_table(ORDERS)?;
        txn.open_table(ORDERS_BY_DAY)?;
        txn.open_table(ORDERS_BY_CHANGE)?;
        txn.open_table(ORDER_COUNTERS)?;
        txn.open_table(IDEMPOTENCY)?;
        txn.open_table(change_feed::ORDER_CHANGES)?;
        txn.open_table(dispatch_log::DISPATCH_STEPS)?;
        txn.open_table(payments::PAYMENT_EVENTS)?;
        txn.open_table(rate_counters::RATE_COUNTERS)?;
        txn.open_table(ticket_ledger::TICKETS)?;
        txn.open_table(ticket_ledger::TICKETS_DUE)?;
        txn.open_table(ticket_ledger::DELIVERY_ALERTS)?;
        txn.commit()?;
        Ok(Self {
            db: Arc::new(db),
            order_changed: Arc::new(tokio::sync::Notify::new()),
        })
    }

    /// Runs blocking redb work off the async runtime's worker threads.
    async fn blocking<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Database) -> Result<T, StoreError> + Send + 'static,
    {
        let db = Arc::clone(&self.db);
        tokio::task::spawn_blocking(move || work(&db))
            .await
            .map_err(unavailable)?
    }

    async fn get_json<T>(
        &self,
        table: TableDefinition<'static, &'static str, &'static [u8]>,
        key: String,
    ) -> Result<Option<T>, StoreError>
    where
        T: DeserializeOwned + Send + 'static,
    {
        self.blocking(move |db| {
            let txn = db.begin_read().map_err(unavailable)?;
            let table = txn.open_table(table).map_err(unavailable)?;
            match table.get(key.as_str()).map_err(unavailable)? {
                Some(bytes) => decode(bytes.value()).map(Some),
                None => Ok(None),
            }
        })
        .await
    }

    async fn put_json<T>(
        &self,
        table: TableDefinition<'static, &'static str, &'static [u8]>,
        key: String,
        value: &T,
    ) -> Result<(), StoreError>
    where
        T: Serialize,
    {
        let bytes = encode(value)?;
        self.blocking(move |db| {
            let txn = db.begin_write().map_err(unavailable)?;
            txn.open_table(table)
                .map_err(unavailable)?
                .insert(key.as_str(), bytes.as_slice())
                .map_err(unavailable)?;
            txn.commit().map_err(unavailable)
        })
        .await
    }
}

impl EmbeddedStore {
    /// The one read-check-edit-write of an order, in one write transaction:
    /// the order must be in `expected`, `edit` changes it (an `Err` leaves
    /// it untouched and answers `Conflict`), the day index moves with its
    /// `updated_at`, and when `feeds_change` the change feed gets `expected
    /// -> the new status` (and the dispatcher is woken).
    pub(crate) async fn update_order<F>(
        &self,
        restaurant: &RestaurantId,
        id: &OrderId,
        expected: OrderStatus,
        feeds_change: bool,
        edit: F,
    ) -> Result<StatusUpdate, StoreError>
    where
        F: FnOnce(&mut Order) -> Result<(), ()> + Send + 'static,
    {
        let key = order_key(restaurant, id);
        let outcome = self
            .blocking(move |db| {
                let txn = db.begin_write().map_err(unavailable)?;
                let (updated, previous) = {
                    let mut orders = txn.open_table(ORDERS).map_err(unavailable)?;
                    let mut order: Order = match orders.get(key.as_str()).map_err(unavailable)? {
                        Some(bytes) => decode(bytes.value())?,
                        None => return Ok(StatusUpdate::NotFound),
                    };
                    if order.status != expected {
                        return Ok(StatusUpdate::Conflict {
                            current: order.status,
                        });
                    }
                    let previous = order.updated_at;
                    let current = order.status;
                    if edit(&mut order).is_err() {
                        return Ok(StatusUpdate::Conflict { current });
                    }
                    orders
                        .insert(key.as_str(), encode(&order)?.as_slice())
                        .map_err(unavailable)?;
                    (order, previous)
                };
                reindex_change(
                    &txn,
                    &updated.restaurant_id,
                    &updated.id,
                    Some(previous),
                    updated.updated_at,
                )?;
                if feeds_change {
                    change_feed::append_change(
                        &txn,
                        &updated.restaurant_id,
                        &updated.id,
                        Some(expected),
                        updated.status,
                    )?;
                }
                txn.commit().map_err(unavailable)?;
                Ok(StatusUpdate::Applied(Box::new(updated)))
            })
            .await;
        if feeds_change && matches!(outcome, Ok(StatusUpdate::Applied(_))) {
            self.order_changed.notify_one();
        }
        outcome
    }
}

#[async_trait]
impl RestaurantStore for EmbeddedStore {
    async fn put_restaurant(&self, restaurant: &Restaurant) -> Result<(), StoreError> {
        self.put_json(RESTAURANTS, restaurant.id.to_string(), restaurant)
            .await
    }

    async fn get_restaurant(&self, id: &RestaurantId) -> Result<Option<Restaurant>, StoreError> {
        self.get_json(RESTAURANTS, id.to_string()).await
    }
}

#[async_trait]
impl MenuStore for EmbeddedStore {
    async fn put_menu(&self, menu: &Menu) -> Result<(), StoreError> {
        self.put_json(MENUS, menu.restaurant_id.to_string(), menu)
            .await
    }

    async fn get_menu(&self, restaurant: &RestaurantId) -> Result<Option<Menu>, StoreError> {
        self.get_json(MENUS, restaurant.to_string()).await
    }
}

#[async_trait]
impl TableStore for EmbeddedStore {
    async fn put_table(&self, table: &Table) -> Result<(), StoreError> {
        let table = table.clone();
        let key = table_key(&table.restaurant_id, &table.id);
        let bytes = encode(&table)?;
        let active = encode(&TokenLookup::Active(table.clone()))?;
        let revoked = encode(&TokenLookup::Revoked {
            restaurant_id: table.restaurant_id.clone(),
            table_id: table.id.clone(),
        })?;
        self.blocking(move |db| {
            let txn = db.begin_write().map_err(unavailable)?;
            {
                let mut tables = txn.open_table(TABLES).map_err(unavailable)?;
                let mut tokens = txn.open_table(TABLE_TOKENS).map_err(unavailable)?;
                let previous: Option<Table> = match tables.get(key.as_str()).map_err(unavailable)? {
                    Some(old) => Some(decode(old.value())?),
                    None => None,
                };
                if let Some(previous) = previous
                    && previous.token != table.token
                {
                    tokens
                        .insert(previous.token.as_str(), revoked.as_slice())
                        .map_err(unavailable)?;
                }
                tables
                    .insert(key.as_str(), bytes.as_slice())
                    .map_err(unavailable)?;
                tokens
                    .insert(table.token.as_str(), active.as_slice())
                    .map_err(unavailable)?;
            }
            txn.commit().map_err(unavailable)
        })
        .await
    }

    async fn get_table(
        &self,
        restaurant: &RestaurantId,
        table: &TableId,
    ) -> Result<Option<Table>, StoreError> {
        self.get_json(TABLES, table_key(restaurant, table)).await
    }

    async fn list_tables(&self, restaurant: &RestaurantId) -> Result<Vec<Table>, StoreError> {
        let prefix = format!("{restaurant}/");
        self.blocking(move |db| {
            let txn = db.begin_read().map_err(unavailable)?;
            let tables = txn.open_table(TABLES).map_err(unavailable)?;
            let end = prefix_end(&prefix);
            tables
                .range(prefix.as_str()..end.as_str())
                .map_err(unavailable)?
                .map(|entry| decode(entry.map_err(unavailable)?.1.value()))
                .collect()
        })
        .await
    }

    async fn delete_table(
        &self,
        restaurant: &RestaurantId,
        table: &TableId,
    ) -> Result<bool, StoreError> {
        let key = table_key(restaurant, table);
        let revoked = encode(&TokenLookup::Revoked {
            restaurant_id: restaurant.clone(),
            table_id: table.clone(),
        })?;
        self.blocking(move |db| {
            let txn = db.begin_write().map_err(unavailable)?;
            let found = {
                let mut tables = txn.open_table(TABLES).map_err(unavailable)?;
                let mut tokens = txn.open_table(TABLE_TOKENS).map_err(unavailable)?;
                let removed: Option<Table> =
                    match tables.remove(key.as_str()).map_err(unavailable)? {
                        Some(old) => Some(decode(old.value())?),
                        None => None,
                    };
                if let Some(removed) = &removed {
                    tokens
                        .insert(removed.token.as_str(), revoked.as_slice())
                        .map_err(unavailable)?;
                }
                removed.is_some()
            };
            txn.commit().map_err(unavailable)?;
            Ok(found)
        })
        .await
    }

    async fn lookup_table_token(
        &self,
        token: &TableToken,
    ) -> Result<Option<TokenLookup>, StoreError> {
        self.get_json(TABLE_TOKENS, token.as_str().to_owned()).await
    }
}

#[async_trait]
impl OrderStore for EmbeddedStore {
    async fn next_order_sequence(
        &self,
        restaurant: &RestaurantId,
        day: Date,
    ) -> Result<u32, StoreError> {
        let key = format!("{restaurant}/{day}");
        self.blocking(move |db| {
            let txn = db.begin_write().map_err(unavailable)?;
            let next = {
                let mut counters = txn.open_table(ORDER_COUNTERS).map_err(unavailable)?;
                let current = counters
                    .get(key.as_str())
                    .map_err(unavailable)?
                    .map(|v| v.value())
                    .unwrap_or(0);
                let next = current + 1;
                counters.insert(key.as_str(), next).map_err(unavailable)?;
                next
            };
            txn.commit().map_err(unavailable)?;
            Ok(next)
        })
        .await
    }

    async fn create_order(
        &self,
        order: &Order,
        idempotency: Option<&IdempotencyRecord>,
    ) -> Result<CreateOrderOutcome, StoreError> {
        let key = order_key(&order.restaurant_id, &order.id);
        let day_key = format!(
            "{}{}",
            day_prefix(&order.restaurant_id, order.business_date),
            order.id
        );
        let bytes = encode(order)?;
        let (restaurant_id, order_id, status, updated_at) = (
            order.restaurant_id.clone(),
            order.id.clone(),
            order.status,
            order.updated_at,
        );
        let idempotency = idempotency
            .map(|record| {
                Ok::<_, StoreError>((
                    format!("{}/{}", record.restaurant_id, record.key_digest),
                    encode(record)?,
                    record.created_at,
                ))
            })
            .transpose()?;
        let outcome = self
            .blocking(move |db| {
                let txn = db.begin_write().map_err(unavailable)?;
                {
                    if let Some((idem_key, idem_bytes, now)) = &idempotency {
                        let mut records = txn.open_table(IDEMPOTENCY).map_err(unavailable)?;
                        let existing = records
                            .get(idem_key.as_str())
                            .map_err(unavailable)?
                            .map(|entry| decode::<IdempotencyRecord>(entry.value()))
                            .transpose()?;
                        // An expired record frees its key: the new one replaces it.
                        if let Some(existing) = existing.filter(|r| !r.is_expired(*now)) {
                            // Dropping the transaction aborts it: nothing written.
                            return Ok(CreateOrderOutcome::IdempotencyKeyTaken(existing));
                        }
                        records
                            .insert(idem_key.as_str(), idem_bytes.as_slice())
                            .map_err(unavailable)?;
                    }
                    let mut orders = txn.open_table(ORDERS).map_err(unavailable)?;
                    if orders.get(key.as_str()).map_err(unavailable)?.is_some() {
                        return Err(StoreError::Corrupt(anyhow::anyhow!(
                            "order id {key} already exists"
                        )));
                    }
                    orders
                        .insert(key.as_str(), bytes.as_slice())
                        .map_err(unavailable)?;
                    txn.open_table(ORDERS_BY_DAY)
                        .map_err(unavailable)?
                        .insert(day_key.as_str(), ())
                        .map_err(unavailable)?;
                }
                reindex_change(&txn, &restaurant_id, &order_id, None, updated_at)?;
                change_feed::append_change(&txn, &restaurant_id, &order_id, None, status)?;
                txn.commit().map_err(unavailable)?;
                Ok(CreateOrderOutcome::Created)
            })
            .await;
        if matches!(outcome, Ok(CreateOrderOutcome::Created)) {
            self.order_changed.notify_one();
        }
        outcome
    }

    async fn get_idempotency_record(
        &self,
        restaurant: &RestaurantId,
        key: &str,
    ) -> Result<Option<IdempotencyRecord>, StoreError> {
        self.get_json(IDEMPOTENCY, format!("{restaurant}/{key}"))
            .await
    }

    async fn get_order(
        &self,
        restaurant: &RestaurantId,
        id: &OrderId,
    ) -> Result<Option<Order>, StoreError> {
        self.get_json(ORDERS, order_key(restaurant, id)).await
    }

    async fn apply_status_change(
        &self,
        restaurant: &RestaurantId,
        id: &OrderId,
        from: OrderStatus,
        change: &StatusChange,
    ) -> Result<StatusUpdate, StoreError> {
        let change = change.clone();
        self.update_order(restaurant, id, from, true, move |order| {
            order.apply(change).map(|_| ()).map_err(|_| ())
        })
        .await
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

    async fn list_order_changes(
        &self,
        restaurant: &RestaurantId,
        since: Timestamp,
    ) -> Result<Vec<ChangeMark>, StoreError> {
        let prefix = format!("{restaurant}/");
        // Sort keys are `<µs>#<order id>`; `#` sorts before digits, so the
        // bare time is a lower bound for every id at that instant.
        let start = format!("{prefix}{:020}", since.as_microsecond().max(0));
        self.blocking(move |db| {
            let txn = db.begin_read().map_err(unavailable)?;
            let index = txn.open_table(ORDERS_BY_CHANGE).map_err(unavailable)?;
            let end = prefix_end(&prefix);
            let mut marks = Vec::new();
            for entry in index
                .range(start.as_str()..end.as_str())
                .map_err(unavailable)?
            {
                let (key, _) = entry.map_err(unavailable)?;
                marks.push(parse_change_key(&key.value()[prefix.len()..])?);
            }
            Ok(marks)
        })
        .await
    }

    async fn list_orders_for_day(
        &self,
        restaurant: &RestaurantId,
        day: Date,
    ) -> Result<Vec<Order>, StoreError> {
        let prefix = day_prefix(restaurant, day);
        let restaurant = restaurant.clone();
        self.blocking(move |db| {
            let txn = db.begin_read().map_err(unavailable)?;
            let by_day = txn.open_table(ORDERS_BY_DAY).map_err(unavailable)?;
            let orders = txn.open_table(ORDERS).map_err(unavailable)?;
            let end = prefix_end(&prefix);
            let mut result = Vec::new();
            for entry in by_day
                .range(prefix.as_str()..end.as_str())
                .map_err(unavailable)?
            {
                let (key, _) = entry.map_err(unavailable)?;
                let order_id = &key.value()[prefix.len()..];
                let order_key = format!("{restaurant}/{order_id}");
                match orders.get(order_key.as_str()).map_err(unavailable)? {
                    Some(bytes) => result.push(decode(bytes.value())?),
                    None => {
                        return Err(StoreError::Corrupt(anyhow::anyhow!(
                            "day index names missing order {order_key}"
                        )));
                    }
                }
            }
            Ok(result)
        })
        .await
    }
}
