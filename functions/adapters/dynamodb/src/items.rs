//! Records to items and back with serde_dynamo. A record's fields become
//! top-level attributes (so an order's `status` can be the subject of a
//! condition) next to the key, index, TTL and entity attributes the adapter
//! adds; those extra attributes are ignored when reading back.

use crate::keys::ItemKey;
use crate::schema::{ENTITY, EXPIRES_AT_EPOCH, GSI1_PK, GSI1_SK, GSI2_PK, GSI2_SK, PK, SK};
use anyhow::anyhow;
use aws_sdk_dynamodb::types::AttributeValue;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_dynamo::aws_sdk_dynamodb_1 as dynamo;
use std::collections::HashMap;
use tabletap_app::ports::StoreError;
use tabletap_core::Timestamp;

pub(crate) type Item = HashMap<String, AttributeValue>;

/// What the adapter stores around a record besides its own fields.
pub(crate) struct Envelope {
    pub key: ItemKey,
    pub entity: &'static str,
    /// `(gsi1pk, gsi1sk)` for items listed through the index.
    pub by_day: Option<(String, String)>,
    /// `(gsi2pk, gsi2sk)` for items in the change index.
    pub by_change: Option<(String, String)>,
    /// When DynamoDB may delete the item.
    pub expires_at: Option<Timestamp>,
}

impl Envelope {
    pub fn new(key: ItemKey, entity: &'static str) -> Self {
        Self {
            key,
            entity,
            by_day: None,
            by_change: None,
            expires_at: None,
        }
    }
}

/// A record as a stored item. Fails (as `Corrupt`: a programming error, not
/// an outage) if a record field would shadow one of the adapter's attributes.
pub(crate) fn to_item<T: Serialize>(record: &T, envelope: Envelope) -> Result<Item, StoreError> {
    let mut item = dynamo::to_item(record)
        .map_err(|e| corrupt(anyhow!(e).context("cannot encode a record")))?;
    let mut add = |name: &str, value: AttributeValue| match item.insert(name.to_owned(), value) {
        None => Ok(()),
        Some(_) => Err(corrupt(anyhow!(
            "record field {name:?} clashes with a store attribute"
        ))),
    };
    add(PK, AttributeValue::S(envelope.key.pk))?;
    add(SK, AttributeValue::S(envelope.key.sk))?;
    add(ENTITY, AttributeValue::S(envelope.entity.to_owned()))?;
    if let Some((pk, sk)) = envelope.by_day {
        add(GSI1_PK, AttributeValue::S(pk))?;
        add(GSI1_SK, AttributeValue::S(sk))?;
    }
    if let Some((pk, sk)) = envelope.by_change {
        add(GSI2_PK, AttributeValue::S(pk))?;
        add(GSI2_SK, AttributeValue::S(sk))?;
    }
    if let Some(at) = envelope.expires_at {
        add(
            EXPIRES_AT_EPOCH,
            AttributeValue::N(at.as_second().to_string()),
        )?;
    }
    Ok(item)
}

/// An item read back as its record.
pub(crate) fn from_item<T: DeserializeOwned>(item: Item) -> Result<T, StoreError> {
    let described = describe(&item);
    dynamo::from_item(item)
        .map_err(|e| corrupt(anyhow!(e).context(format!("cannot decode item {described}"))))
}

/// One attribute value, such as an expression value.
pub(crate) fn to_value<T: Serialize>(value: &T) -> Result<AttributeValue, StoreError> {
    dynamo::to_attribute_value(value)
        .map_err(|e| corrupt(anyhow!(e).context("cannot encode a value")))
}

pub(crate) fn from_value<T: DeserializeOwned>(value: AttributeValue) -> Result<T, StoreError> {
    dynamo::from_attribute_value(value)
        .map_err(|e| corrupt(anyhow!(e).context("cannot decode a value")))
}

fn corrupt(error: anyhow::Error) -> StoreError {
    StoreError::Corrupt(error)
}

/// The item's key for error messages; never its content (it may hold
/// customer details) nor a table token (a bearer secret).
fn describe(item: &Item) -> String {
    let text = |name: &str| {
        item.get(name)
            .and_then(|v| v.as_s().ok())
            .map_or("?", String::as_str)
    };
    let pk = text(PK);
    let pk = if pk.starts_with("TOKEN#") {
        "TOKEN#…"
    } else {
        pk
    };
    format!("{pk}/{}", text(SK))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Sample {
        name: String,
    }

    fn key() -> ItemKey {
        ItemKey {
            pk: "R#r".into(),
            sk: "X".into(),
        }
    }

    #[test]
    fn envelope_attributes_are_added_and_ignored_on_read() {
        let mut envelope = Envelope::new(key(), "sample");
        envelope.expires_at = Some(Timestamp::from_second(1_800_000_000).unwrap());
        let item = to_item(&Sample { name: "n".into() }, envelope).unwrap();
        assert_eq!(
            item[EXPIRES_AT_EPOCH],
            AttributeValue::N("1800000000".into())
        );
        assert_eq!(item[ENTITY], AttributeValue::S("sample".into()));
        assert_eq!(
            from_item::<Sample>(item).unwrap(),
            Sample { name: "n".into() }
        );
    }

    #[test]
    fn a_field_that_shadows_a_key_is_refused() {
        #[derive(Serialize)]
        struct Clash {
            pk: String,
        }
        let result = to_item(&Clash { pk: "x".into() }, Envelope::new(key(), "clash"));
        assert!(matches!(result, Err(StoreError::Corrupt(_))));
    }
}
