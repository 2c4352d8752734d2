//! The embedded store's change feed: the local stand-in for the DynamoDB
//! stream. Every order write appends a change in the same transaction, so a
//! change is recorded exactly when its order is, and survives a crash until
//! the consumer (the local dispatcher) has handled it and removes it.

use crate::{EmbeddedStore, decode, encode, unavailable};
use redb::{ReadableDatabase, ReadableTable, TableDefinition, WriteTransaction};
use serde::{Deserialize, Serialize};
use tabletap_app::ports::StoreError;
use tabletap_app::use_cases::dispatch_accepted_orders::OrderChange;
use tabletap_core::ids::RestaurantId;
use tabletap_core::order::{OrderId, OrderStatus};

/// Position -> change, positions counting up from 1.
pub(crate) const ORDER_CHANGES: TableDefinition<u64, &[u8]> = TableDefinition::new("order_changes");

#[derive(Serialize, Deserialize)]
struct StoredChange {
    restaurant_id: RestaurantId,
    order_id: OrderId,
    old_status: Option<OrderStatus>,
    new_status: OrderStatus,
}

/// Appends a change inside the caller's write transaction.
pub(crate) fn append_change(
    txn: &WriteTransaction,
    restaurant_id: &RestaurantId,
    order_id: &OrderId,
    old_status: Option<OrderStatus>,
    new_status: OrderStatus,
) -> Result<(), StoreError> {
    let mut changes = txn.open_table(ORDER_CHANGES).map_err(unavailable)?;
    let next = match changes.last().map_err(unavailable)? {
        Some((position, _)) => position.value() + 1,
        None => 1,
    };
    let bytes = encode(&StoredChange {
        restaurant_id: restaurant_id.clone(),
        order_id: order_id.clone(),
        old_status,
        new_status,
    })?;
    changes
        .insert(next, bytes.as_slice())
        .map_err(unavailable)?;
    Ok(())
}

impl EmbeddedStore {
    /// The oldest changes not yet removed, at most `limit`, with their
    /// positions.
    pub async fn order_changes(&self, limit: usize) -> Result<Vec<(u64, OrderChange)>, StoreError> {
        self.blocking(move |db| {
            let txn = db.begin_read().map_err(unavailable)?;
            let changes = txn.open_table(ORDER_CHANGES).map_err(unavailable)?;
            let mut result = Vec::new();
            for entry in changes.iter().map_err(unavailable)?.take(limit) {
                let (position, bytes) = entry.map_err(unavailable)?;
                let stored: StoredChange = decode(bytes.value())?;
                result.push((
                    position.value(),
                    OrderChange {
                        restaurant_id: stored.restaurant_id,
                        order_id: stored.order_id,
                        old_status: stored.old_status,
                        new_status: stored.new_status,
                    },
                ));
            }
            Ok(result)
        })
        .await
    }

    /// Removes every change up to and including `position`: they are handled.
    pub async fn remove_order_changes_through(&self, position: u64) -> Result<(), StoreError> {
        self.blocking(move |db| {
            let txn = db.begin_write().map_err(unavailable)?;
            txn.open_table(ORDER_CHANGES)
                .map_err(unavailable)?
                .retain_in(..=position, |_, _| false)
                .map_err(unavailable)?;
            txn.commit().map_err(unavailable)
        })
        .await
    }

    /// Waits until an order changes (returns at once if one changed since
    /// the last wait). Read [`Self::order_changes`] afterwards.
    pub async fn order_changed(&self) {
        self.order_changed.notified().await;
    }
}
