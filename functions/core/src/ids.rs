//! Identifiers chosen by people (restaurant "trattoria-roma", item
//! "margherita", station "grill"): short lowercase slugs that are safe in
//! storage keys, MQTT topics and URLs. Parsing is the only way to make one.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "{kind} {value:?} is not valid: use 1 to 64 characters from a-z, 0-9, '-' and '_', starting with a letter or digit"
)]
pub struct BadId {
    pub kind: &'static str,
    pub value: String,
}

const MAX_ID_LEN: usize = 64;

fn is_slug(value: &str) -> bool {
    let bytes = value.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= MAX_ID_LEN
        && (bytes[0].is_ascii_lowercase() || bytes[0].is_ascii_digit())
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-' || *b == b'_')
}

macro_rules! slug_id {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(value: impl Into<String>) -> Result<Self, BadId> {
                let value = value.into();
                if is_slug(&value) {
                    Ok(Self(value))
                } else {
                    Err(BadId { kind: $kind, value })
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = BadId;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }
    };
}

slug_id!(
    /// One restaurant (location). Scopes every key, topic and printer.
    RestaurantId,
    "restaurant id"
);
slug_id!(CategoryId, "category id");
slug_id!(ItemId, "item id");
slug_id!(OptionGroupId, "option group id");
slug_id!(OptionId, "option id");
slug_id!(
    /// A kitchen station (bar, grill, pizza). Tickets are split per station.
    StationId,
    "station id"
);
slug_id!(TableId, "table id");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_validated() {
        assert!(ItemId::parse("margherita").is_ok());
        assert!(TableId::parse("12").is_ok());
        assert!(StationId::parse("cold_kitchen-2").is_ok());
        for bad in ["", "Margherita", "-x", "a b", "a/b", "é", &"x".repeat(65)] {
            let err = ItemId::parse(bad).unwrap_err();
            assert_eq!(err.kind, "item id");
        }
    }

    #[test]
    fn ids_deserialize_only_when_valid() {
        assert!(serde_json::from_str::<RestaurantId>("\"demo\"").is_ok());
        assert!(serde_json::from_str::<RestaurantId>("\"../etc\"").is_err());
    }
}
