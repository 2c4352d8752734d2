//! Item keys. Everything a restaurant owns lives in its partition
//! `R#<restaurant>`; the sort key names the kind of record. Ids are slugs or
//! ULIDs and never contain `#`, so one restaurant's keys cannot run into
//! another's. The one exception is the table-token item, keyed by the token
//! alone because a QR scan knows nothing else.

use crate::items::Item;
use crate::schema::{PK, SK};
use aws_sdk_dynamodb::types::AttributeValue;
use tabletap_core::Date;
use tabletap_core::ids::{RestaurantId, TableId};
use tabletap_core::order::OrderId;
use tabletap_core::token::TableToken;

/// The primary key of one item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ItemKey {
    pub pk: String,
    pub sk: String,
}

impl ItemKey {
    /// The key as the SDK's `Key` parameter wants it.
    pub fn to_item(&self) -> Item {
        Item::from([
            (PK.to_owned(), AttributeValue::S(self.pk.clone())),
            (SK.to_owned(), AttributeValue::S(self.sk.clone())),
        ])
    }
}

/// Sort-key prefix shared by a restaurant's tables, for listing them.
pub(crate) const TABLE_PREFIX: &str = "TABLE#";

pub(crate) fn restaurant_partition(restaurant: &RestaurantId) -> String {
    format!("R#{restaurant}")
}

fn in_restaurant(restaurant: &RestaurantId, sk: String) -> ItemKey {
    ItemKey {
        pk: restaurant_partition(restaurant),
        sk,
    }
}

pub(crate) fn restaurant(restaurant: &RestaurantId) -> ItemKey {
    in_restaurant(restaurant, "RESTAURANT".to_owned())
}

pub(crate) fn menu(restaurant: &RestaurantId) -> ItemKey {
    in_restaurant(restaurant, "MENU".to_owned())
}

pub(crate) fn table(restaurant: &RestaurantId, table: &TableId) -> ItemKey {
    in_restaurant(restaurant, format!("{TABLE_PREFIX}{table}"))
}

pub(crate) fn table_token(token: &TableToken) -> ItemKey {
    ItemKey {
        pk: format!("TOKEN#{}", token.as_str()),
        sk: "TOKEN".to_owned(),
    }
}

pub(crate) fn order(restaurant: &RestaurantId, id: &OrderId) -> ItemKey {
    in_restaurant(restaurant, format!("ORDER#{id}"))
}

/// Index partition of a restaurant's business day (`gsi1pk`).
pub(crate) fn orders_of_day(restaurant: &RestaurantId, day: Date) -> String {
    format!("R#{restaurant}#DAY#{day}")
}

/// Index partition of a restaurant's order changes (`gsi2pk`).
pub(crate) fn order_changes(restaurant: &RestaurantId) -> String {
    format!("R#{restaurant}#CHANGES")
}

pub(crate) fn order_sequence(restaurant: &RestaurantId, day: Date) -> ItemKey {
    in_restaurant(restaurant, format!("ORDER_SEQUENCE#{day}"))
}

/// One window of an order rate-limit counter (`table#<id>`,
/// `restaurant#dine-in`, ...).
pub(crate) fn rate_counter(restaurant: &RestaurantId, counter: &str, window_start: i64) -> ItemKey {
    in_restaurant(restaurant, format!("RATE#{counter}#{window_start}"))
}

/// A processed payment provider event (`evt_...`), for the webhook's dedupe.
pub(crate) fn payment_event(restaurant: &RestaurantId, event_id: &str) -> ItemKey {
    in_restaurant(restaurant, format!("PAYMENT_EVENT#{event_id}"))
}

/// Idempotency keys are any visible ASCII (a client's choice): they go last
/// in the sort key, so a `#` inside one cannot collide with anything.
pub(crate) fn idempotency(restaurant: &RestaurantId, key: &str) -> ItemKey {
    in_restaurant(restaurant, format!("IDEMPOTENCY#{key}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_scoped_by_restaurant() {
        let r = RestaurantId::parse("trattoria").unwrap();
        let t = TableId::parse("7").unwrap();
        assert_eq!(
            table(&r, &t),
            ItemKey {
                pk: "R#trattoria".into(),
                sk: "TABLE#7".into()
            }
        );
        let day = "2026-11-21".parse().unwrap();
        assert_eq!(orders_of_day(&r, day), "R#trattoria#DAY#2026-11-21");
        assert_eq!(order_sequence(&r, day).sk, "ORDER_SEQUENCE#2026-11-21");
        assert_eq!(idempotency(&r, "a#b").sk, "IDEMPOTENCY#a#b");
    }
}
