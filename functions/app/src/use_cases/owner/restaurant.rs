//! The restaurant as one document an owner reads and saves: the restaurant
//! file of `import_restaurant` (settings, menu, tables), with a version so
//! that a save made from an out-of-date copy changes nothing.
//!
//! Saving replaces the menu: the diner site reads the menu fresh on every
//! view, quote and order, so a change shows at once; orders already placed
//! keep the snapshot of the lines they were priced with.

use crate::error::AppError;
use crate::ports::{MenuStore, RestaurantStore, TableStore};
use crate::use_cases::import_restaurant::{
    FileFormat, ImportReport, RestaurantFile, check_restaurant_text, import_restaurant,
    restaurant_file,
};
use sha2::{Digest, Sha256};
use tabletap_core::ids::RestaurantId;

/// The restaurant file as stored now, and its version.
#[derive(Debug, Clone, PartialEq)]
pub struct RestaurantDocument {
    pub file: RestaurantFile,
    /// Changes whenever anything in the file changes (an 86 too); sent as
    /// the ETag and expected back in If-Match.
    pub version: String,
}

impl RestaurantDocument {
    fn of(file: RestaurantFile) -> Result<Self, AppError> {
        let canonical =
            serde_json::to_vec(&file).map_err(|e| AppError::Unexpected(anyhow::Error::new(e)))?;
        let digest = Sha256::digest(&canonical);
        let version = digest[..12]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>();
        Ok(Self { file, version })
    }

    /// The file written out in `format`, as an owner downloads it.
    pub fn render(&self, format: FileFormat) -> Result<String, AppError> {
        let unexpected = |e: String| AppError::Unexpected(anyhow::anyhow!(e));
        match format {
            FileFormat::Json => {
                serde_json::to_string_pretty(&self.file).map_err(|e| unexpected(e.to_string()))
            }
            FileFormat::Yaml => {
                serde_norway::to_string(&self.file).map_err(|e| unexpected(e.to_string()))
            }
        }
    }
}

pub async fn get_restaurant_document<S>(
    store: &S,
    id: &RestaurantId,
) -> Result<RestaurantDocument, AppError>
where
    S: RestaurantStore + MenuStore + TableStore + ?Sized,
{
    let restaurant = store
        .get_restaurant(id)
        .await?
        .ok_or_else(|| AppError::RestaurantNotFound(id.to_string()))?;
    let menu = store.get_menu(id).await?.ok_or(AppError::MenuNotFound)?;
    let tables = store.list_tables(id).await?;
    RestaurantDocument::of(restaurant_file(&restaurant, &menu, &tables))
}

/// Saves a whole restaurant file for restaurant `id`. Every rule is checked
/// first (a refused file names its line and changes nothing). With
/// `if_match`, the save only goes ahead if the stored document still has
/// that version. The check and the writes are not one transaction: two
/// saves in the same instant can both pass it, and the later one wins.
pub async fn save_restaurant_document<S>(
    store: &S,
    id: &RestaurantId,
    format: FileFormat,
    text: &str,
    if_match: Option<&str>,
) -> Result<(ImportReport, RestaurantDocument), AppError>
where
    S: RestaurantStore + MenuStore + TableStore + ?Sized,
{
    let checked = check_restaurant_text(format, "your file", text)?;
    if &checked.restaurant.id != id {
        return Err(AppError::InvalidInput {
            code: "restaurant_id_mismatch",
            message: format!(
                "This file is for restaurant {:?}, not {id:?}; its restaurant id cannot be changed here.",
                checked.restaurant.id.as_str()
            ),
        });
    }
    // Without If-Match the file replaces whatever is stored (an import);
    // a restaurant not stored yet is created (`tabletap-local import` of a
    // new restaurant on a running server). The caller is an owner of `id`.
    if let Some(expected) = if_match {
        let current = get_restaurant_document(store, id).await?;
        if current.version != expected {
            return Err(AppError::EditedElsewhere);
        }
    }
    let report = import_restaurant(store, checked).await?;
    tracing::info!(restaurant = %id, items = report.items, tables_created = report.tables_created, tables_removed = report.tables_removed, "restaurant file saved");
    let saved = get_restaurant_document(store, id).await?;
    Ok((report, saved))
}
