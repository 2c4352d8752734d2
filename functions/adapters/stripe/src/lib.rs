//! Stripe behind TableTap's payment ports (`tabletap_app::payments`):
//! [`StripeGateway`] creates PaymentIntents and refunds them over HTTPS, and
//! [`StripeWebhookVerifier`] checks `Stripe-Signature` itself (HMAC-SHA256,
//! no Stripe library: the webhook function links no Stripe code) before
//! reading an event.
//!
//! Both read only the fields TableTap needs from Stripe's answers, so a
//! newer API version (or localstripe, which returns a subset of the
//! fields) cannot make a payment unreadable.

mod gateway;
mod webhook;

pub use gateway::{STRIPE_API_VERSION, StripeConfig, StripeGateway};
pub use webhook::{SIGNATURE_TOLERANCE_SECS, StripeWebhookVerifier, sign_payload};
