//! What the dispatcher did for an order: `<restaurant>/<order>/<step>` ->
//! when.

use crate::{EmbeddedStore, unavailable};
use async_trait::async_trait;
use redb::{ReadableDatabase, TableDefinition};
use tabletap_app::ports::{DispatchLog, DispatchStep, StoreError};
use tabletap_core::Timestamp;
use tabletap_core::ids::RestaurantId;
use tabletap_core::order::OrderId;

pub(crate) const DISPATCH_STEPS: TableDefinition<&str, &[u8]> =
    TableDefinition::new("dispatch_steps");

fn step_key(restaurant: &RestaurantId, order: &OrderId, step: DispatchStep) -> String {
    format!("{restaurant}/{order}/{}", step.as_str())
}

#[async_trait]
impl DispatchLog for EmbeddedStore {
    async fn dispatch_steps_done(
        &self,
        restaurant: &RestaurantId,
        order: &OrderId,
    ) -> Result<Vec<DispatchStep>, StoreError> {
        let keys = DispatchStep::ALL.map(|step| (step, step_key(restaurant, order, step)));
        self.blocking(move |db| {
            let txn = db.begin_read().map_err(unavailable)?;
            let steps = txn.open_table(DISPATCH_STEPS).map_err(unavailable)?;
            let mut done = Vec::new();
            for (step, key) in &keys {
                if steps.get(key.as_str()).map_err(unavailable)?.is_some() {
                    done.push(*step);
                }
            }
            Ok(done)
        })
        .await
    }

    async fn record_dispatch_step(
        &self,
        restaurant: &RestaurantId,
        order: &OrderId,
        step: DispatchStep,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let key = step_key(restaurant, order, step);
        let value = at.to_string();
        self.blocking(move |db| {
            let txn = db.begin_write().map_err(unavailable)?;
            txn.open_table(DISPATCH_STEPS)
                .map_err(unavailable)?
                .insert(key.as_str(), value.as_bytes())
                .map_err(unavailable)?;
            txn.commit().map_err(unavailable)
        })
        .await
    }
}
