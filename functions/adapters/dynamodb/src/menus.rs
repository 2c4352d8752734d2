//! Menus: the whole menu as one item, `R#<id>` / `MENU`, so a diner's page
//! costs one read and an import replaces it in one write. A menu must stay
//! under DynamoDB's 400 KB item limit (hundreds of items fit).

use crate::DynamoDbStore;
use crate::items::{Envelope, to_item};
use crate::keys;
use async_trait::async_trait;
use tabletap_app::ports::{MenuStore, StoreError};
use tabletap_core::ids::RestaurantId;
use tabletap_core::menu::Menu;

#[async_trait]
impl MenuStore for DynamoDbStore {
    async fn put_menu(&self, menu: &Menu) -> Result<(), StoreError> {
        let envelope = Envelope::new(keys::menu(&menu.restaurant_id), "menu");
        self.put_item(to_item(menu, envelope)?).await
    }

    async fn get_menu(&self, restaurant: &RestaurantId) -> Result<Option<Menu>, StoreError> {
        self.get_record(&keys::menu(restaurant)).await
    }
}
