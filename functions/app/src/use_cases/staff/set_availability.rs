//! "86": an item or one option sold out, or back. The menu is one record
//! read fresh by every menu view, quote and order (no cache), so the next
//! diner sees it at once and a cart that still names it is refused.

use crate::error::AppError;
use crate::ports::MenuStore;
use tabletap_core::ids::RestaurantId;
use tabletap_core::menu::Menu;

pub async fn set_availability<S>(
    store: &S,
    restaurant_id: &RestaurantId,
    item_id: &str,
    option_id: Option<&str>,
    available: bool,
) -> Result<Menu, AppError>
where
    S: MenuStore + ?Sized,
{
    let mut menu = store
        .get_menu(restaurant_id)
        .await?
        .ok_or(AppError::MenuNotFound)?;
    if menu.set_availability(item_id, option_id, available)? {
        store.put_menu(&menu).await?;
        tracing::info!(restaurant = %restaurant_id, item = item_id, option = option_id, available, "availability changed");
    }
    Ok(menu)
}
