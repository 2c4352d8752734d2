//! Payments in the embedded store: processed payment event ids (the
//! webhook's dedupe) and the one conditional write that records a payment
//! on an order. Unpaid orders have no TTL here; local mode's expiry sweep
//! (`expire_unpaid_orders`) marks them EXPIRED instead.

use crate::{EmbeddedStore, encode, unavailable};
use async_trait::async_trait;
use redb::{ReadableTable, TableDefinition};
use tabletap_app::payments::PaymentEventRecord;
use tabletap_app::ports::{PaymentEventStore, StatusUpdate, StoreError};
use tabletap_core::Timestamp;
use tabletap_core::ids::RestaurantId;
use tabletap_core::order::{OrderId, OrderStatus};
use tabletap_core::payment::OrderPayment;

/// `<restaurant>/<event id>` -> [`PaymentEventRecord`].
pub(crate) const PAYMENT_EVENTS: TableDefinition<&str, &[u8]> =
    TableDefinition::new("payment_events");

fn event_key(restaurant: &RestaurantId, event_id: &str) -> String {
    format!("{restaurant}/{event_id}")
}

#[async_trait]
impl PaymentEventStore for EmbeddedStore {
    async fn payment_event_processed(
        &self,
        restaurant: &RestaurantId,
        event_id: &str,
    ) -> Result<bool, StoreError> {
        let key = event_key(restaurant, event_id);
        self.blocking(move |db| {
            let txn = redb::ReadableDatabase::begin_read(db).map_err(unavailable)?;
            let table = txn.open_table(PAYMENT_EVENTS).map_err(unavailable)?;
            Ok(table.get(key.as_str()).map_err(unavailable)?.is_some())
        })
        .await
    }

    async fn record_payment_event(&self, record: &PaymentEventRecord) -> Result<bool, StoreError> {
        let key = event_key(&record.restaurant_id, &record.event_id);
        let bytes = encode(record)?;
        self.blocking(move |db| {
            let txn = db.begin_write().map_err(unavailable)?;
            {
                let mut table = txn.open_table(PAYMENT_EVENTS).map_err(unavailable)?;
                if table.get(key.as_str()).map_err(unavailable)?.is_some() {
                    return Ok(false);
                }
                table
                    .insert(key.as_str(), bytes.as_slice())
                    .map_err(unavailable)?;
            }
            txn.commit().map_err(unavailable)?;
            Ok(true)
        })
        .await
    }
}

impl EmbeddedStore {
    /// Every restaurant's id, for local mode's expiry sweep.
    pub async fn list_restaurant_ids(&self) -> Result<Vec<RestaurantId>, StoreError> {
        self.blocking(|db| {
            let txn = redb::ReadableDatabase::begin_read(db).map_err(unavailable)?;
            let table = txn.open_table(crate::RESTAURANTS).map_err(unavailable)?;
            let mut ids = Vec::new();
            for entry in table.iter().map_err(unavailable)? {
                let (key, _) = entry.map_err(unavailable)?;
                if let Ok(id) = RestaurantId::parse(key.value()) {
                    ids.push(id);
                }
            }
            Ok(ids)
        })
        .await
    }

    /// See `OrderStore::update_order_payment`.
    pub(crate) async fn set_order_payment(
        &self,
        restaurant: &RestaurantId,
        id: &OrderId,
        expected: OrderStatus,
        to: Option<OrderStatus>,
        payment: &OrderPayment,
        at: Timestamp,
    ) -> Result<StatusUpdate, StoreError> {
        let payment = payment.clone();
        self.update_order(restaurant, id, expected, to.is_some(), move |order| {
            match to {
                Some(to) => order.transition(to, at).map(|_| ()).map_err(|_| ())?,
                None => order.updated_at = at,
            }
            order.payment = Some(payment);
            Ok(())
        })
        .await
    }
}
