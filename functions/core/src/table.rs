//! Tables and the QR tokens that stand for them.

use crate::ids::{RestaurantId, TableId};
use crate::token::TableToken;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    pub restaurant_id: RestaurantId,
    pub id: TableId,
    /// What the diner and the ticket show: "Table 7", "Terrace 2".
    pub label: String,
    /// The token in the table's current QR code.
    pub token: TableToken,
}

/// What a token in a QR link resolves to. Rotating a table's code keeps the
/// old token as `Revoked`, so a diner with an old sticker gets a helpful
/// answer instead of "not found".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum TokenLookup {
    Active(Table),
    Revoked {
        restaurant_id: RestaurantId,
        table_id: TableId,
    },
}
