//! What changed since a board's last poll. An idle poll is one read of
//! the store's change index that finds nothing: no order is read.

use crate::error::AppError;
use crate::ports::{Clock, OrderStore};
use tabletap_core::board::ChangeCursor;
use tabletap_core::ids::RestaurantId;
use tabletap_core::order::Order;

pub struct OrderChanges {
    /// The changed orders as they are now, oldest change first.
    pub orders: Vec<Order>,
    pub cursor: ChangeCursor,
}

pub async fn order_changes<S>(
    store: &S,
    clock: &dyn Clock,
    restaurant_id: &RestaurantId,
    cursor: &str,
) -> Result<OrderChanges, AppError>
where
    S: OrderStore + ?Sized,
{
    let cursor = ChangeCursor::decode(cursor)?;
    let now = clock.now();
    let listed = store
        .list_order_changes(restaurant_id, cursor.read_from())
        .await?;
    let (changed, next) = cursor.advance(listed, now);
    let mut orders = Vec::with_capacity(changed.len());
    for id in changed {
        // Consistent reads: the order as it is now, whatever the index said.
        if let Some(order) = store.get_order(restaurant_id, &id).await? {
            orders.push(order);
        }
    }
    Ok(OrderChanges {
        orders,
        cursor: next,
    })
}
