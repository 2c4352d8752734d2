//! Replacing a table's QR code (a sticker walked off, or a link was shared):
//! the new token works at once and the old one answers "replaced".

use crate::error::AppError;
use crate::ports::TableStore;
use crate::random;
use tabletap_core::ids::{RestaurantId, TableId};
use tabletap_core::table::Table;

pub async fn rotate_table_token<S>(
    store: &S,
    restaurant: &RestaurantId,
    table: &TableId,
) -> Result<Table, AppError>
where
    S: TableStore + ?Sized,
{
    let mut current = store
        .get_table(restaurant, table)
        .await?
        .ok_or_else(|| AppError::UnknownTable(table.to_string()))?;
    current.token = random::table_token();
    store.put_table(&current).await?;
    tracing::info!(%restaurant, %table, "table token rotated");
    Ok(current)
}
