//! Seeds a fresh table on DynamoDB Local with what the sample events in
//! `events/` refer to (the demo restaurant, its menu, table 7 with the
//! token of `events/api/get-table.json`, order A-042 ACCEPTED), and prints
//! the table's name. Used by the cold-start benchmark
//! (`scripts/bench/cold-start.sh`); needs TABLETAP_DYNAMODB_ENDPOINT.

use tabletap_app::ports::{MenuStore, OrderStore, RestaurantStore, TableStore};
use tabletap_core::fixtures::{berlin, sample_menu, sample_order};
use tabletap_core::ids::TableId;
use tabletap_core::table::Table;
use tabletap_core::token::TableToken;
use tabletap_store_dynamodb::local::fresh_test_store;

#[tokio::main]
async fn main() {
    let store = fresh_test_store("tabletap-bench").await;
    store.put_restaurant(&berlin()).await.unwrap();
    store.put_menu(&sample_menu()).await.unwrap();
    store
        .put_table(&Table {
            restaurant_id: berlin().id,
            id: TableId::parse("7").unwrap(),
            label: "Table 7".into(),
            token: TableToken::from_random_bytes([7; 16]),
        })
        .await
        .unwrap();
    store.create_order(&sample_order(), None).await.unwrap();
    println!("{}", store.table_name());
}
