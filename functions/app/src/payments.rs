//! The payment ports: create a PaymentIntent, and turn a signed webhook
//! request into a verified [`PaymentEvent`]. Stripe (and its signature
//! scheme) lives in the `tabletap-payments-stripe` adapter; use cases see
//! only these traits and types.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tabletap_core::Timestamp;
use tabletap_core::ids::RestaurantId;
use tabletap_core::money::{Amount, Currency};
use tabletap_core::order::OrderId;
use tabletap_core::payment::PaymentProvider;

/// What the server asks the provider for: the amount it computed itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentIntentRequest {
    pub restaurant_id: RestaurantId,
    pub order_id: OrderId,
    /// "T-007", shown in the provider's dashboard.
    pub order_number: String,
    pub amount: Amount,
    pub currency: Currency,
    /// Derived from the order id, so a retry after a lost answer returns
    /// the PaymentIntent already created instead of a second one.
    pub idempotency_key: String,
}

impl PaymentIntentRequest {
    pub fn idempotency_key_for(order_id: &OrderId) -> String {
        format!("tabletap-order-{order_id}")
    }
}

/// A PaymentIntent as the site needs it to collect the card.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreatedPaymentIntent {
    pub intent_id: String,
    pub client_secret: String,
}

#[derive(Debug, thiserror::Error)]
pub enum PaymentGatewayError {
    /// Network trouble, rate limits, the provider being down: try again.
    #[error("the payment provider is unavailable: {0:#}")]
    Unavailable(#[source] anyhow::Error),
    /// The provider refused the request (bad key, unsupported currency):
    /// needs a person.
    #[error("the payment provider refused the request: {0:#}")]
    Refused(#[source] anyhow::Error),
}

/// Creates PaymentIntents. Stripe in AWS and with localstripe; locally
/// without Stripe, a test gateway that makes ids up.
#[async_trait]
pub trait PaymentGateway: Send + Sync {
    fn provider(&self) -> PaymentProvider;
    /// Stripe's publishable key for the site (`None` for the test provider).
    fn publishable_key(&self) -> Option<&str>;
    async fn create_payment_intent(
        &self,
        request: &PaymentIntentRequest,
    ) -> Result<CreatedPaymentIntent, PaymentGatewayError>;
    /// Refunds a PaymentIntent in full; returns the provider's refund id.
    async fn refund_payment(&self, request: &RefundRequest) -> Result<String, PaymentGatewayError>;
}

/// A full refund of a cancelled order's payment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundRequest {
    pub restaurant_id: RestaurantId,
    pub order_id: OrderId,
    pub intent_id: String,
    /// Derived from the order id: the provider refunds once, whatever the
    /// retries.
    pub idempotency_key: String,
}

impl RefundRequest {
    pub fn idempotency_key_for(order_id: &OrderId) -> String {
        format!("tabletap-refund-{order_id}")
    }
}

/// Why a webhook request was refused before anything was read from it.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WebhookRejection {
    #[error("the Stripe-Signature header is missing")]
    MissingSignature,
    #[error("the signature does not match the payload")]
    BadSignature,
    #[error("the signature's timestamp is outside the tolerance")]
    StaleTimestamp,
    #[error("the signed payload is not a payment event we can read: {0}")]
    Unreadable(String),
}

/// Checks a webhook's signature over the raw body and reads the event.
pub trait WebhookVerifier: Send + Sync {
    fn verify(
        &self,
        payload: &str,
        signature: Option<&str>,
        now: Timestamp,
    ) -> Result<PaymentEvent, WebhookRejection>;
}

/// A verified event, reduced to what the use case needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentEvent {
    /// `evt_...`, unique per event; redeliveries repeat it.
    pub id: String,
    pub created: Timestamp,
    pub kind: PaymentEventKind,
    /// The PaymentIntent the event is about (absent for other objects).
    pub intent: Option<EventIntent>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PaymentEventKind {
    Succeeded,
    Failed,
    Canceled,
    /// Any other type, kept by name for the log.
    Other(String),
}

/// A PaymentIntent as an event shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventIntent {
    pub id: String,
    pub amount: i64,
    pub currency: String,
    /// From the metadata we set at creation; absent on foreign intents.
    pub order_id: Option<String>,
    pub restaurant_id: Option<String>,
    /// `last_payment_error.message` on failures.
    pub failure_message: Option<String>,
}

/// Remembers a processed event id so a redelivery is a no-op. Scoped by
/// restaurant like every other record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentEventRecord {
    pub restaurant_id: RestaurantId,
    pub event_id: String,
    pub event_type: String,
    pub order_id: OrderId,
    pub processed_at: Timestamp,
    /// Stripe retries for up to three days; a month is plenty.
    pub expires_at: Timestamp,
}

/// How long a processed event id is remembered.
pub const EVENT_MEMORY: jiff::SignedDuration = jiff::SignedDuration::from_hours(24 * 30);
