//! A diner follows their order with the access token they got when placing it.

use crate::error::AppError;
use crate::ports::OrderStore;
use tabletap_core::ids::RestaurantId;
use tabletap_core::order::{Order, OrderId};
use tabletap_core::token::AccessToken;

pub async fn get_order<S>(
    store: &S,
    restaurant_id: &str,
    order_id: &str,
    token: &str,
) -> Result<Order, AppError>
where
    S: OrderStore + ?Sized,
{
    let (Ok(restaurant), Ok(id), Ok(token)) = (
        RestaurantId::parse(restaurant_id),
        OrderId::parse(order_id),
        AccessToken::parse(token),
    ) else {
        return Err(AppError::OrderNotFound);
    };
    let order = store
        .get_order(&restaurant, &id)
        .await?
        .ok_or(AppError::OrderNotFound)?;
    if !order.access_token_digest.matches(&token) {
        return Err(AppError::OrderNotFound);
    }
    Ok(order)
}
