//! The orders of one business day for the board: default today in the
//! restaurant's zone, optionally only some statuses, oldest first, with a
//! changes cursor to poll from.

use super::restaurant;
use crate::error::AppError;
use crate::ports::{Clock, OrderStore, RestaurantStore};
use tabletap_core::Date;
use tabletap_core::board::ChangeCursor;
use tabletap_core::ids::RestaurantId;
use tabletap_core::order::{Order, OrderStatus};
use tabletap_core::restaurant::Restaurant;

pub struct BoardOrders {
    pub restaurant: Restaurant,
    pub day: Date,
    pub orders: Vec<Order>,
    /// Poll `order_changes` with this to hear of everything after this read.
    pub cursor: ChangeCursor,
}

pub async fn list_board_orders<S>(
    store: &S,
    clock: &dyn Clock,
    restaurant_id: &RestaurantId,
    day: Option<Date>,
    statuses: &[OrderStatus],
) -> Result<BoardOrders, AppError>
where
    S: RestaurantStore + OrderStore + ?Sized,
{
    let restaurant = restaurant(store, restaurant_id).await?;
    // Stamped before the read: a change during the read is seen again by
    // the first poll rather than missed.
    let now = clock.now();
    let day = match day {
        Some(day) => day,
        None => restaurant
            .business_date(now)
            .map_err(|e| AppError::Unexpected(e.into()))?,
    };
    let mut orders = store.list_orders_for_day(restaurant_id, day).await?;
    if !statuses.is_empty() {
        orders.retain(|o| statuses.contains(&o.status));
    }
    orders.sort_by_key(|o| o.placed_at);
    Ok(BoardOrders {
        restaurant,
        day,
        orders,
        cursor: ChangeCursor::at(now),
    })
}
