//! Prices a cart without placing it, so the site shows the server's totals
//! (tax included) before the diner sends anything. The same rules as placing
//! an order: a cart that quotes cleanly places cleanly, unless the menu
//! changes in between.

use crate::error::AppError;
use crate::ports::{MenuStore, RestaurantStore};
use crate::use_cases::get_menu::get_menu;
use tabletap_core::cart::{CartRequest, PricedCart, price_cart};

pub async fn quote_cart<S>(
    store: &S,
    restaurant_id: &str,
    cart: &CartRequest,
) -> Result<PricedCart, AppError>
where
    S: RestaurantStore + MenuStore + ?Sized,
{
    let (restaurant, menu) = get_menu(store, restaurant_id).await?;
    Ok(price_cart(&menu, restaurant.tax_mode, cart)?)
}
