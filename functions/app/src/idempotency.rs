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
use tabletap_core::token::{AccessToken, TOKEN_BYTES};

/// How long a key is remembered. Clients retry within seconds; a day covers
/// a phone that comes back online much later.
pub const KEY_LIFETIME: jiff::SignedDuration = jiff::SignedDuration::from_hours(24);

/// What the store keeps of a key: neither the key nor the order's access
/// token, so reading the table (a backup, a support export) gives nobody an
/// order's token. A replay derives the token again from the key the client
/// sends and the record's salt ([`IdempotencyKey::access_token`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdempotencyRecord {
    pub restaurant_id: RestaurantId,
    /// [`IdempotencyKey::digest`]: the record's name in the store.
    pub key_digest: String,
    pub request_fingerprint: String,
    pub order_id: OrderId,
    /// Random, hex; with the key it gives the order's access token.
    pub token_salt: String,
    pub created_at: Timestamp,
    /// After this the record is ignored and its key may be used again.
    pub expires_at: Timestamp,
}

impl IdempotencyRecord {
    /// A new record for an order placed now with `key`, and the order's
    /// access token (which only `key`'s holder can derive again).
    pub fn new(
        restaurant_id: RestaurantId,
        key: &IdempotencyKey,
        request_fingerprint: String,
        order_id: OrderId,
        token_salt: String,
        now: Timestamp,
    ) -> (Self, AccessToken) {
        let token = key.access_token(&token_salt);
        let record = Self {
            restaurant_id,
            key_digest: key.digest(),
            request_fingerprint,
            order_id,
            token_salt,
            created_at: now,
            expires_at: now.saturating_add(KEY_LIFETIME).unwrap_or(now),
        };
        (record, token)
    }

    pub fn is_expired(&self, now: Timestamp) -> bool {
        self.expires_at <= now
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("Idempotency-Key must be 1 to 255 visible ASCII characters")]
pub struct BadIdempotencyKey;

/// A client's Idempotency-Key, checked. Lives only for the request.
#[derive(Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl std::fmt::Debug for IdempotencyKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdempotencyKey(..)")
    }
}

impl IdempotencyKey {
    /// Hex SHA-256 of the key: what the store files the record under.
    pub fn digest(&self) -> String {
        fingerprint(&[b"tabletap idempotency key", self.0.as_bytes()])
    }

    /// The access token of the order this key placed: SHA-256 over the
    /// record's salt and the key, cut to a token's length.
    pub fn access_token(&self, salt: &str) -> AccessToken {
        let mut hasher = Sha256::new();
        for part in [
            b"tabletap order access token".as_slice(),
            salt.as_bytes(),
            self.0.as_bytes(),
        ] {
            hasher.update((part.len() as u64).to_be_bytes());
            hasher.update(part);
        }
        let digest = hasher.finalize();
        let mut bytes = [0u8; TOKEN_BYTES];
        bytes.copy_from_slice(&digest[..TOKEN_BYTES]);
        AccessToken::from_random_bytes(bytes)
    }
}

/// A new order's idempotency record (when the request has a key) and its
/// access token: derived from the key when there is one, random otherwise.
pub fn record_and_token(
    restaurant: &RestaurantId,
    key: Option<&IdempotencyKey>,
    fingerprint: &str,
    order_id: &OrderId,
    now: Timestamp,
) -> (Option<IdempotencyRecord>, AccessToken) {
    match key {
        Some(key) => {
            let (record, token) = IdempotencyRecord::new(
                restaurant.clone(),
                key,
                fingerprint.to_owned(),
                order_id.clone(),
                crate::random::salt(),
                now,
            );
            (Some(record), token)
        }
        None => (None, crate::random::access_token()),
    }
}

/// Checks a client-supplied key.
pub fn parse_key(key: &str) -> Result<IdempotencyKey, BadIdempotencyKey> {
    let ok = !key.is_empty() && key.len() <= 255 && key.bytes().all(|b| b.is_ascii_graphic());
    if ok {
        Ok(IdempotencyKey(key.to_owned()))
    } else {
        Err(BadIdempotencyKey)
    }
}

/// The record a retried request finds: `None` when there is none or it has
/// expired (its key is free again).
pub async fn live_record<S>(
    store: &S,
    restaurant: &RestaurantId,
    key: &IdempotencyKey,
    now: Timestamp,
) -> Result<Option<IdempotencyRecord>, AppError>
where
    S: OrderStore + ?Sized,
{
    Ok(store
        .get_idempotency_record(restaurant, &key.digest())
        .await?
        .filter(|record| !record.is_expired(now)))
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
    fn the_record_holds_neither_key_nor_token() {
        let key = parse_key("b1c4a9e0-5e7f-4bb1-9d7e-3f1c2a8d4e55").unwrap();
        let at: Timestamp = "2026-12-07T18:00:00Z".parse().unwrap();
        let (record, token) = IdempotencyRecord::new(
            RestaurantId::parse("demo").unwrap(),
            &key,
            "fp".into(),
            OrderId::new(at, 7),
            "5a17".into(),
            at,
        );
        let stored = serde_json::to_string(&record).unwrap();
        assert!(!stored.contains("b1c4a9e0"), "no key in {stored}");
        assert!(!stored.contains(token.as_str()), "no token in {stored}");
        // The key's holder gets the same token back; another key or salt
        // gets another.
        assert_eq!(key.access_token(&record.token_salt), token);
        assert_ne!(parse_key("other").unwrap().access_token("5a17"), token);
        assert_ne!(key.access_token("5a18"), token);
        assert!(!record.is_expired(at));
        assert!(record.is_expired(record.expires_at));
    }

    #[test]
    fn fingerprints_separate_their_parts() {
        assert_ne!(fingerprint(&[b"ab", b"c"]), fingerprint(&[b"a", b"bc"]));
        assert_eq!(fingerprint(&[b"x"]), fingerprint(&[b"x"]));
    }
}
