//! Restaurants: one item per restaurant, `R#<id>` / `RESTAURANT`.

use crate::DynamoDbStore;
use crate::items::{Envelope, to_item};
use crate::keys;
use async_trait::async_trait;
use tabletap_app::ports::{RestaurantStore, StoreError};
use tabletap_core::ids::RestaurantId;
use tabletap_core::restaurant::Restaurant;

#[async_trait]
impl RestaurantStore for DynamoDbStore {
    async fn put_restaurant(&self, restaurant: &Restaurant) -> Result<(), StoreError> {
        let envelope = Envelope::new(keys::restaurant(&restaurant.id), "restaurant");
        self.put_item(to_item(restaurant, envelope)?).await
    }

    async fn get_restaurant(&self, id: &RestaurantId) -> Result<Option<Restaurant>, StoreError> {
        self.get_record(&keys::restaurant(id)).await
    }
}
