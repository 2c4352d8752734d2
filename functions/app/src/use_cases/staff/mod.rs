//! The staff side: the orders board, its changes feed, bumps and cancels,
//! reprints and 86. Who may call these is decided before they run
//! (tabletap-api checks the route's access level against the caller's
//! roles); they take an already checked restaurant.

pub mod act_on_order;
pub mod list_board_orders;
pub mod order_changes;
pub mod reprint_tickets;
pub mod set_availability;

use crate::error::AppError;
use crate::ports::RestaurantStore;
use tabletap_core::ids::RestaurantId;
use tabletap_core::order::OrderId;
use tabletap_core::restaurant::Restaurant;

pub(crate) async fn restaurant<S>(store: &S, id: &RestaurantId) -> Result<Restaurant, AppError>
where
    S: RestaurantStore + ?Sized,
{
    store
        .get_restaurant(id)
        .await?
        .ok_or_else(|| AppError::RestaurantNotFound(id.to_string()))
}

/// An order id from a path; a malformed one reads as "no such order".
pub fn parse_order_id(text: &str) -> Result<OrderId, AppError> {
    OrderId::parse(text).map_err(|_| AppError::OrderNotFound)
}
