//! What a diner's phone asks first: which restaurant and table is this?

use crate::error::AppError;
use crate::ports::{RestaurantStore, TableStore};
use tabletap_core::restaurant::Restaurant;
use tabletap_core::table::{Table, TokenLookup};
use tabletap_core::token::TableToken;

pub struct TableContext {
    pub table: Table,
    pub restaurant: Restaurant,
}

pub async fn get_table<S>(store: &S, token: &str) -> Result<TableContext, AppError>
where
    S: TableStore + RestaurantStore + ?Sized,
{
    // A malformed token cannot exist in the store: same answer as unknown.
    let token = TableToken::parse(token).map_err(|_| AppError::TableNotFound)?;
    let table = match store.lookup_table_token(&token).await? {
        Some(TokenLookup::Active(table)) => table,
        Some(TokenLookup::Revoked { .. }) => return Err(AppError::TableRevoked),
        None => return Err(AppError::TableNotFound),
    };
    let restaurant = store
        .get_restaurant(&table.restaurant_id)
        .await?
        .ok_or_else(|| AppError::RestaurantNotFound(table.restaurant_id.to_string()))?;
    Ok(TableContext { table, restaurant })
}
