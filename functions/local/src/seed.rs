//! The demo restaurant and the table links printed at start.

use tabletap_app::ports::{RestaurantStore, TableStore};
use tabletap_app::use_cases::import_restaurant::{check_restaurant_file, import_restaurant};
use tabletap_core::ids::RestaurantId;
use tabletap_qrsheet::{Sheet, SheetTable};
use tabletap_store_embedded::EmbeddedStore;

const DEMO_FILE: &str = include_str!("../demo/trattoria.yaml");

/// Loads the demo restaurant unless the store already has it, so edits made
/// while running (and orders) survive restarts.
pub async fn seed_demo_if_empty(store: &EmbeddedStore) -> anyhow::Result<RestaurantId> {
    let file = check_restaurant_file("trattoria.yaml", DEMO_FILE)?;
    let id = file.restaurant.id.clone();
    if store.get_restaurant(&id).await?.is_none() {
        let report = import_restaurant(store, file).await?;
        tracing::info!(restaurant = %report.restaurant, items = report.items, tables = report.tables_created, "seeded the demo restaurant");
    }
    Ok(id)
}

/// Prints each table's ordering link, in the order people count tables.
/// The tables come from the store, or from a running server's owner API
/// (remote.rs): either way as the QR sheet lists them.
pub fn print_table_links(restaurant: &RestaurantId, tables: &[SheetTable]) {
    if tables.is_empty() {
        println!(
            "Restaurant {restaurant} has no tables yet. Import a restaurant file with tables."
        );
    }
    for table in tables {
        println!("  {:<12} {}", table.label, table.link);
    }
}

/// The links of a restaurant's tables in the store, as the sheet has them
/// (none for a restaurant not imported yet).
pub async fn table_links(
    store: &EmbeddedStore,
    restaurant: &RestaurantId,
    public_url: &str,
) -> anyhow::Result<Vec<SheetTable>> {
    let Some(found) = store.get_restaurant(restaurant).await? else {
        return Ok(Vec::new());
    };
    let tables = store.list_tables(restaurant).await?;
    Ok(Sheet::for_restaurant(&found, &tables, public_url).tables)
}
