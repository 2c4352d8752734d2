//! Stripe webhook requests: the signature is checked by async-stripe-webhook
//! (HMAC-SHA256 over `"{t}.{raw body}"`, any `v1` entry, 300 s tolerance)
//! against our clock; then the event is read with a narrow serde shape.
//!
//! async-stripe-webhook also parses the whole event into its typed model,
//! which fails for payloads with fewer fields than the API version it was
//! generated for (localstripe's, or an account pinned to another version).
//! It checks the signature before parsing, so a parse failure still means a
//! verified payload, and we read the few fields we need ourselves.

use serde::Deserialize;
use std::collections::HashMap;
use std::fmt;
use stripe_webhook::{Webhook, WebhookError};
use tabletap_app::payments::{
    EventIntent, PaymentEvent, PaymentEventKind, WebhookRejection, WebhookVerifier,
};
use tabletap_core::Timestamp;

/// How far a signature's timestamp may be from our clock (async-stripe's
/// fixed tolerance, the same as Stripe's own libraries).
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

/// A `Stripe-Signature` header value for `payload`, made exactly as Stripe
/// makes it. For tests and local mode's test payments only.
pub fn sign_payload(payload: &str, secret: &str, at: Timestamp) -> String {
    Webhook::generate_test_header(payload, secret, Some(at.as_second()))
}

impl WebhookVerifier for StripeWebhookVerifier {
    fn verify(
        &self,
        payload: &str,
        signature: Option<&str>,
        now: Timestamp,
    ) -> Result<PaymentEvent, WebhookRejection> {
        let signature = signature.ok_or(WebhookRejection::MissingSignature)?;
        match Webhook::construct_event_with_timestamp(
            payload,
            signature,
            &self.secret,
            now.as_second(),
        ) {
            Ok(_) | Err(WebhookError::BadParse(_)) => read_event(payload),
            Err(WebhookError::BadTimestamp(_)) => Err(WebhookRejection::StaleTimestamp),
            Err(WebhookError::BadSignature | WebhookError::BadHeader(_)) => {
                Err(WebhookRejection::BadSignature)
            }
            Err(WebhookError::BadKey) => Err(WebhookRejection::BadSignature),
        }
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
