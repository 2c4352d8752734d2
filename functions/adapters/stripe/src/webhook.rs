//! Stripe webhook requests: the signature is checked here, as Stripe's own
//! libraries check it (HMAC-SHA256 with the endpoint's secret over
//! `"{t}.{raw body}"`, any `v1` entry of `Stripe-Signature`, 300 s
//! tolerance against our clock); then the event is read with a narrow serde
//! shape.
//!
//! Not async-stripe-webhook: its `construct_event` also parses the whole
//! event into its typed model of every Stripe object, which put ~5 MB of
//! code into the webhook function (one zip over 4 MB), logged an ERROR for
//! each payload with fewer fields than the API version it was generated
//! for (localstripe's, or an account pinned to another version), and gave
//! us nothing: we read five fields.

use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;
use std::collections::HashMap;
use std::fmt;
use tabletap_app::payments::{
    EventIntent, PaymentEvent, PaymentEventKind, WebhookRejection, WebhookVerifier,
};
use tabletap_core::Timestamp;

/// How far a signature's timestamp may be from our clock (the same as
/// Stripe's own libraries).
pub const SIGNATURE_TOLERANCE_SECS: i64 = 300;

/// Verifies with the endpoint's signing secret (`whsec_...`). `Debug`
/// never shows the secret.
pub struct StripeWebhookVerifier {
    secret: String,
}

impl StripeWebhookVerifier {
    pub fn new(secret: impl Into<String>) -> Self {
        Self {
            secret: secret.into(),
        }
    }
}

impl fmt::Debug for StripeWebhookVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StripeWebhookVerifier(<secret redacted>)")
    }
}

fn mac(secret: &str, timestamp: &str, payload: &str) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(payload.as_bytes());
    mac
}

fn hex_decode(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// A `Stripe-Signature` header value for `payload`, made exactly as Stripe
/// makes it. For tests and local mode's test payments only.
pub fn sign_payload(payload: &str, secret: &str, at: Timestamp) -> String {
    let t = at.as_second().to_string();
    let digest = mac(secret, &t, payload).finalize().into_bytes();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("t={t},v1={hex}")
}

impl WebhookVerifier for StripeWebhookVerifier {
    fn verify(
        &self,
        payload: &str,
        signature: Option<&str>,
        now: Timestamp,
    ) -> Result<PaymentEvent, WebhookRejection> {
        let header = signature.ok_or(WebhookRejection::MissingSignature)?;
        let mut timestamp = None;
        let mut candidates = Vec::new();
        for part in header.split(',') {
            match part.trim().split_once('=') {
                Some(("t", t)) => timestamp = Some(t),
                Some(("v1", v1)) => candidates.push(v1),
                _ => {}
            }
        }
        let t = timestamp.ok_or(WebhookRejection::BadSignature)?;
        let seconds: i64 = t.parse().map_err(|_| WebhookRejection::BadSignature)?;
        let expected = mac(&self.secret, t, payload);
        // verify_slice compares in constant time.
        let matches = candidates.iter().any(|candidate| {
            hex_decode(candidate).is_some_and(|bytes| expected.clone().verify_slice(&bytes).is_ok())
        });
        if !matches {
            return Err(WebhookRejection::BadSignature);
        }
        if (now.as_second() - seconds).abs() > SIGNATURE_TOLERANCE_SECS {
            return Err(WebhookRejection::StaleTimestamp);
        }
        read_event(payload)
    }
}

#[derive(Deserialize)]
struct RawEvent {
    id: String,
    created: i64,
    #[serde(rename = "type")]
    kind: String,
    data: RawData,
}

#[derive(Deserialize)]
struct RawData {
    object: serde_json::Value,
}

#[derive(Deserialize)]
struct RawIntent {
    id: String,
    amount: i64,
    currency: String,
    #[serde(default)]
    metadata: HashMap<String, String>,
    #[serde(default)]
    last_payment_error: Option<RawPaymentError>,
}

#[derive(Deserialize)]
struct RawPaymentError {
    #[serde(default)]
    message: Option<String>,
}

fn read_event(payload: &str) -> Result<PaymentEvent, WebhookRejection> {
    let unreadable = |e: serde_json::Error| WebhookRejection::Unreadable(e.to_string());
    let raw: RawEvent = serde_json::from_str(payload).map_err(unreadable)?;
    let created = Timestamp::from_second(raw.created)
        .map_err(|e| WebhookRejection::Unreadable(format!("created: {e}")))?;
    let kind = match raw.kind.as_str() {
        "payment_intent.succeeded" => PaymentEventKind::Succeeded,
        "payment_intent.payment_failed" => PaymentEventKind::Failed,
        "payment_intent.canceled" => PaymentEventKind::Canceled,
        other => PaymentEventKind::Other(other.to_owned()),
    };
    let intent = if matches!(kind, PaymentEventKind::Other(_)) {
        None
    } else {
        let mut raw: RawIntent = serde_json::from_value(raw.data.object).map_err(unreadable)?;
        Some(EventIntent {
            id: raw.id,
            amount: raw.amount,
            currency: raw.currency,
            order_id: raw.metadata.remove("order_id"),
            restaurant_id: raw.metadata.remove("restaurant_id"),
            failure_message: raw.last_payment_error.and_then(|e| e.message),
        })
    };
    Ok(PaymentEvent {
        id: raw.id,
        created,
        kind,
        intent,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_secret";

    fn event(kind: &str) -> String {
        serde_json::json!({
            "id": "evt_1", "object": "event", "created": 1_795_000_000, "livemode": false,
            "pending_webhooks": 1, "type": kind, "api_version": "2020-08-27",
            "data": {"object": {"id": "pi_1", "object": "payment_intent", "amount": 2150,
                "currency": "eur", "status": "succeeded",
                "metadata": {"order_id": "01kaj3v2m8g000000000000007", "restaurant_id": "demo"},
                "last_payment_error": {"message": "Your card was declined."}}}
        })
        .to_string()
    }

    fn at(second: i64) -> Timestamp {
        Timestamp::from_second(second).unwrap()
    }

    #[test]
    fn a_signed_event_is_read() {
        let payload = event("payment_intent.payment_failed");
        let header = sign_payload(&payload, SECRET, at(1_795_000_010));
        let verified = StripeWebhookVerifier::new(SECRET)
            .verify(&payload, Some(&header), at(1_795_000_020))
            .unwrap();
        assert_eq!(verified.id, "evt_1");
        assert_eq!(verified.kind, PaymentEventKind::Failed);
        let intent = verified.intent.unwrap();
        assert_eq!((intent.id.as_str(), intent.amount), ("pi_1", 2150));
        assert_eq!(intent.restaurant_id.as_deref(), Some("demo"));
        assert_eq!(
            intent.failure_message.as_deref(),
            Some("Your card was declined.")
        );
    }

    #[test]
    fn wrong_secrets_edits_and_old_signatures_are_refused() {
        let verifier = StripeWebhookVerifier::new(SECRET);
        let payload = event("payment_intent.succeeded");
        let now = at(1_795_000_000);
        let other = sign_payload(&payload, "whsec_other", now);
        assert_eq!(
            verifier.verify(&payload, Some(&other), now),
            Err(WebhookRejection::BadSignature)
        );
        let good = sign_payload(&payload, SECRET, now);
        let edited = payload.replace("2150", "1");
        assert_eq!(
            verifier.verify(&edited, Some(&good), now),
            Err(WebhookRejection::BadSignature)
        );
        let old = sign_payload(&payload, SECRET, at(1_795_000_000 - 301));
        assert_eq!(
            verifier.verify(&payload, Some(&old), now),
            Err(WebhookRejection::StaleTimestamp)
        );
        assert_eq!(
            verifier.verify(&payload, None, now),
            Err(WebhookRejection::MissingSignature)
        );
        assert_eq!(
            verifier.verify(&payload, Some("garbage"), now),
            Err(WebhookRejection::BadSignature)
        );
    }

    #[test]
    fn a_header_with_several_signatures_matches_any_v1() {
        // Stripe sends one v1 per active secret while a secret is rolled.
        let payload = event("payment_intent.succeeded");
        let now = at(1_795_000_000);
        let good = sign_payload(&payload, SECRET, now);
        let v1 = good.split_once(",v1=").unwrap().1;
        let header = format!(
            "t={},v1={},v0=abc,v1={v1}",
            now.as_second(),
            "00".repeat(32)
        );
        let verified = StripeWebhookVerifier::new(SECRET).verify(&payload, Some(&header), now);
        assert_eq!(verified.unwrap().id, "evt_1");
    }

    #[test]
    fn the_signature_is_stripes_documented_scheme() {
        // Stripe's docs: HMAC-SHA256 keyed with the whole whsec_ secret over
        // "{t}.{payload}", hex; checked against a value computed apart from
        // this module (Python: hmac.new(b"whsec_test_secret",
        // b"1795000000.{}", hashlib.sha256).hexdigest()).
        assert_eq!(
            sign_payload("{}", SECRET, at(1_795_000_000)),
            "t=1795000000,v1=75efa4fc275c5bc35e5909773e8be54d738edd7e1aa75226c9775d66159b2548"
        );
    }

    #[test]
    fn other_event_types_carry_no_intent() {
        let payload = event("charge.refunded");
        let now = at(1_795_000_000);
        let header = sign_payload(&payload, SECRET, now);
        let verified = StripeWebhookVerifier::new(SECRET)
            .verify(&payload, Some(&header), now)
            .unwrap();
        assert_eq!(
            verified.kind,
            PaymentEventKind::Other("charge.refunded".into())
        );
        assert_eq!(verified.intent, None);
    }
}
