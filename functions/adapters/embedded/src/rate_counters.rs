//! Order rate-limit counters in the embedded store: one row per restaurant
//! and counter holding its current window and count. A write for a newer
//! window replaces the row, so old windows never pile up.

use crate::{EmbeddedStore, unavailable};
use async_trait::async_trait;
use redb::{ReadableTable, TableDefinition};
use tabletap_app::ports::{RateCounterStore, StoreError};
use tabletap_core::Timestamp;
use tabletap_core::ids::RestaurantId;

/// `<restaurant>/<counter>` -> (window start, epoch seconds; orders counted).
pub(crate) const RATE_COUNTERS: TableDefinition<&str, (i64, u32)> =
    TableDefinition::new("rate_counters");

#[async_trait]
impl RateCounterStore for EmbeddedStore {
    async fn take_rate_slot(
        &self,
        restaurant: &RestaurantId,
        counter: &str,
        window_start_epoch: i64,
        limit: u32,
        _forget_after: Timestamp,
    ) -> Result<bool, StoreError> {
        let key = format!("{restaurant}/{counter}");
        self.blocking(move |db| {
            let txn = db.begin_write().map_err(unavailable)?;
            let counted = {
                let mut table = txn.open_table(RATE_COUNTERS).map_err(unavailable)?;
                let current = table
                    .get(key.as_str())
                    .map_err(unavailable)?
                    .map(|entry| entry.value());
                let count = match current {
                    Some((window, count)) if window == window_start_epoch => count,
                    // A later request may carry an older window (clock
                    // skew between requests): it counts in its own window,
                    // which is over, so it is let through uncounted.
                    Some((window, _)) if window > window_start_epoch => return Ok(true),
                    _ => 0,
                };
                if count >= limit {
                    false
                } else {
                    table
                        .insert(key.as_str(), (window_start_epoch, count + 1))
                        .map_err(unavailable)?;
                    true
                }
            };
            txn.commit().map_err(unavailable)?;
            Ok(counted)
        })
        .await
    }
}
