//! Idempotency keys make a retried POST return the order it already created.
//!
//! A record is written in the same atomic step as the order. It remembers a
//! fingerprint of the request, so reusing a key for a different cart is an
//! error rather than a silent replay of the wrong order.

use crate::error::AppError;
use crate::ports::OrderStore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tabletap_core::Timestamp;
use tabletap_core::ids::RestaurantId;
use tabletap_core::order::{Order, OrderId};
use tabletap_core::token::AccessToken;

/// How long a key is remembered. Clients retry within seconds; a day covers
/// a phone that comes back online much later.
pub const KEY_LIFETIME: jiff::SignedDuration = jiff::SignedDuration::from_hours(24);

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdempotencyRecord {
    pub restaurant_id: RestaurantId,
    pub key: String,
    pub request_fingerprint: String,
    pub order_id: OrderId,
    /// The order's access token, kept so a replay can hand it out again.
    /// The record expires after [`KEY_LIFETIME`].
    pub access_token: AccessToken,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("Idempotency-Key must be 1 to 255 visible ASCII characters")]
pub struct BadIdempotencyKey;

/// Checks a client-supplied key.
pub fn parse_key(key: &str) -> Result<String, BadIdempotencyKey> {
    let ok = !key.is_empty() && key.len() <= 255 && key.bytes().all(|b| b.is_ascii_graphic());
    if ok {
        Ok(key.to_owned())
    } else {
        Err(BadIdempotencyKey)
    }
}

/// SHA-256 over the parts that make two requests "the same request".
pub fn fingerprint(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The order a retried request gets back: the one its key already created,
/// if the request is the same one (same fingerprint); reusing a key for a
/// different request is refused.
pub async fn order_for_replay<S>(
    store: &S,
    record: &IdempotencyRecord,
    fingerprint: &str,
) -> Result<Order, AppError>
where
    S: OrderStore + ?Sized,
{
    if record.request_fingerprint != fingerprint {
        return Err(AppError::IdempotencyKeyReused);
    }
    store
        .get_order(&record.restaurant_id, &record.order_id)
        .await?
        .ok_or_else(|| {
            AppError::Unexpected(anyhow::anyhow!(
                "idempotency record points at missing order {}",
                record.order_id
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_checked() {
        assert!(parse_key("b1c4a9e0-5e7f-4bb1-9d7e-3f1c2a8d4e55").is_ok());
        assert!(parse_key("").is_err());
        assert!(parse_key("has space").is_err());
        assert!(parse_key(&"k".repeat(256)).is_err());
    }

    #[test]
    fn fingerprints_separate_their_parts() {
        assert_ne!(fingerprint(&[b"ab", b"c"]), fingerprint(&[b"a", b"bc"]));
        assert_eq!(fingerprint(&[b"x"]), fingerprint(&[b"x"]));
    }
}
