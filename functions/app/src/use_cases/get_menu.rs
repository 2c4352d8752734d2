//! A restaurant's menu, with the restaurant settings the site needs to show
//! it (currency, locale, tax mode).

use crate::error::AppError;
use crate::ports::{MenuStore, RestaurantStore};
use tabletap_core::ids::RestaurantId;
use tabletap_core::menu::Menu;
use tabletap_core::restaurant::Restaurant;

pub async fn get_menu<S>(store: &S, restaurant_id: &str) -> Result<(Restaurant, Menu), AppError>
where
    S: RestaurantStore + MenuStore + ?Sized,
{
    let id = RestaurantId::parse(restaurant_id)
        .map_err(|_| AppError::RestaurantNotFound(restaurant_id.to_owned()))?;
    let restaurant = store
        .get_restaurant(&id)
        .await?
        .ok_or_else(|| AppError::RestaurantNotFound(restaurant_id.to_owned()))?;
    let menu = store.get_menu(&id).await?.ok_or(AppError::MenuNotFound)?;
    Ok((restaurant, menu))
}
