//! `tabletap-local qr-sheet`: the printable QR sheet of a restaurant's
//! tables, written exactly as `tabletap-ops qr-sheet` writes it for a
//! deployed stack (same renderer, same options).

use anyhow::Context;
use tabletap_app::ports::{RestaurantStore, TableStore};
use tabletap_core::ids::RestaurantId;
use tabletap_qrsheet::Sheet;
use tabletap_qrsheet::command::SheetArgs;
use tabletap_store_embedded::EmbeddedStore;

#[derive(clap::Args)]
pub struct QrSheetArgs {
    #[arg(long, default_value = "demo")]
    restaurant: String,
    /// Base URL of the links in the codes: this machine's address as phones
    /// on the restaurant Wi-Fi reach it (the server's --public-url).
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    public_url: String,
    #[command(flatten)]
    sheet: SheetArgs,
}

impl QrSheetArgs {
    pub async fn run(self, store: &EmbeddedStore) -> anyhow::Result<()> {
        let id = RestaurantId::parse(self.restaurant)?;
        let restaurant = store.get_restaurant(&id).await?.with_context(|| {
            format!("there is no restaurant \"{id}\": import its file first (tabletap-local import FILE)")
        })?;
        let tables = store.list_tables(&id).await?;
        let summary = self.sheet.write(Sheet::for_restaurant(
            &restaurant,
            &tables,
            &self.public_url,
        ))?;
        println!("{summary}");
        Ok(())
    }

    /// The same sheet from a running server (its tables and links).
    pub async fn run_on_server(self, data_dir: &std::path::Path) -> anyhow::Result<()> {
        let id = RestaurantId::parse(self.restaurant)?;
        let server = crate::remote::RunningServer::find(data_dir, &id)?;
        let sheet = Sheet {
            restaurant_name: server.restaurant_name(&id).await?,
            tables: server.tables(&id).await?,
            caption: tabletap_qrsheet::DEFAULT_CAPTION.to_owned(),
        };
        let summary = self.sheet.write(sheet)?;
        println!(
            "{summary} (links of the running server, {})",
            server.public_url
        );
        Ok(())
    }
}
