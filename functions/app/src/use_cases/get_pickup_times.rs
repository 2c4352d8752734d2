//! The pickup times a takeout customer can choose from right now.

use crate::error::AppError;
use crate::ports::{Clock, RestaurantStore};
use tabletap_core::ids::RestaurantId;
use tabletap_core::restaurant::Restaurant;
use tabletap_core::takeout::PickupSlot;

pub async fn get_pickup_times<S>(
    store: &S,
    clock: &dyn Clock,
    restaurant_id: &str,
) -> Result<(Restaurant, Vec<PickupSlot>), AppError>
where
    S: RestaurantStore + ?Sized,
{
    let not_found = || AppError::RestaurantNotFound(restaurant_id.to_owned());
    let id = RestaurantId::parse(restaurant_id).map_err(|_| not_found())?;
    let restaurant = store.get_restaurant(&id).await?.ok_or_else(not_found)?;
    let slots = restaurant
        .pickup_slots(clock.now())
        .map_err(|e| AppError::Unexpected(e.into()))?;
    Ok((restaurant, slots))
}
