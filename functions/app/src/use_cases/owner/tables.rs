//! The restaurant's tables with their ordering links, in the order people
//! count them, for the owner's tables page, the QR sheet and the command
//! lines.

use crate::error::AppError;
use crate::ports::{RestaurantStore, TableStore};
use crate::use_cases::staff::restaurant;
use tabletap_core::ids::{RestaurantId, TableId};
use tabletap_core::restaurant::Restaurant;
use tabletap_core::table::{Table, table_order};

pub async fn list_tables<S>(
    store: &S,
    id: &RestaurantId,
) -> Result<(Restaurant, Vec<Table>), AppError>
where
    S: RestaurantStore + TableStore + ?Sized,
{
    let restaurant = restaurant(store, id).await?;
    let mut tables = store.list_tables(id).await?;
    tables.sort_by(|a, b| table_order(a.id.as_str(), b.id.as_str()));
    Ok((restaurant, tables))
}

/// One table (by the id in a path) and its restaurant.
pub async fn get_table<S>(
    store: &S,
    id: &RestaurantId,
    table: &str,
) -> Result<(Restaurant, Table), AppError>
where
    S: RestaurantStore + TableStore + ?Sized,
{
    let restaurant = restaurant(store, id).await?;
    let unknown = || AppError::UnknownTable(table.to_owned());
    let table_id = TableId::parse(table).map_err(|_| unknown())?;
    let table = store.get_table(id, &table_id).await?.ok_or_else(unknown)?;
    Ok((restaurant, table))
}
