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

/// The order people count tables in: "2" before "10", "bar-2" before
/// "bar-10" (runs of digits compare as numbers, the rest as text).
pub fn table_order(a: &str, b: &str) -> std::cmp::Ordering {
    /// Digit runs sort before text and by value (length of the number
    /// without leading zeros, then its digits); text runs by their bytes.
    fn key(s: &str) -> Vec<(u8, usize, &str)> {
        let mut out = Vec::new();
        let mut rest = s;
        while let Some(first) = rest.chars().next() {
            let digits = first.is_ascii_digit();
            let end = rest
                .find(|c: char| c.is_ascii_digit() != digits)
                .unwrap_or(rest.len());
            let (run, tail) = rest.split_at(end);
            out.push(if digits {
                let value = run.trim_start_matches('0');
                (0, value.len(), value)
            } else {
                (1, 0, run)
            });
            rest = tail;
        }
        out
    }
    key(a).cmp(&key(b)).then_with(|| a.cmp(b))
}

/// The link a table's QR code holds: `<site>/t/<token>`.
pub fn table_link(site_url: &str, token: &TableToken) -> String {
    format!("{}/t/{}", site_url.trim_end_matches('/'), token.as_str())
}
