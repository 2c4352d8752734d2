//! Payments in local mode. With `--stripe-secret-key` (and the endpoint's
//! `--stripe-webhook-secret`) the server uses Stripe's API, or any
//! Stripe-compatible one named by `--stripe-api-base` (localstripe in the
//! tests). Without them it offers clearly labelled test payments: a made-up
//! PaymentIntent, paid through `POST .../test-payment`, which signs a
//! `payment_intent.succeeded` event with the local webhook secret and sends
//! it through the very same webhook handler and signature check.

use crate::cli::ServeArgs;
use anyhow::Context;
use async_trait::async_trait;
use std::path::Path;
use std::sync::Arc;
use tabletap_api::Payments;
use tabletap_app::payments::{
    CreatedPaymentIntent, PaymentGateway, PaymentGatewayError, PaymentIntentRequest, RefundRequest,
    WebhookVerifier,
};
use tabletap_core::payment::PaymentProvider;
use tabletap_payments_stripe::{StripeConfig, StripeGateway, StripeWebhookVerifier};

/// What the server was configured with.
pub struct LocalPayments {
    pub payments: Payments,
    /// None: no Stripe key and test payments off, so takeout is not offered.
    pub provider: Option<PaymentProvider>,
    pub publishable_key: Option<String>,
    /// Signs test payments (test provider only).
    pub webhook_secret: String,
}

pub fn configure(args: &ServeArgs, data_dir: &Path) -> anyhow::Result<LocalPayments> {
    let webhook_secret = match (&args.stripe_secret_key, &args.stripe_webhook_secret) {
        (_, Some(secret)) => secret.clone(),
        (Some(_), None) => anyhow::bail!(
            "--stripe-webhook-secret is required with --stripe-secret-key: it is the signing secret (whsec_...) of the webhook endpoint that points at /api/stripe/webhook"
        ),
        (None, None) => local_webhook_secret(data_dir)?,
    };
    let webhook = Arc::new(StripeWebhookVerifier::new(webhook_secret.clone()));
    let test_payments = args.dev_test_payments || !args.no_demo;
    let (gateway, provider, publishable_key): (Option<Arc<dyn PaymentGateway>>, _, _) = match &args
        .stripe_secret_key
    {
        Some(secret_key) => {
            let gateway = StripeGateway::new(&StripeConfig {
                secret_key: secret_key.clone(),
                publishable_key: args.stripe_publishable_key.clone(),
                api_base: args.stripe_api_base.clone(),
            })?;
            (
                Some(Arc::new(gateway)),
                Some(PaymentProvider::Stripe),
                args.stripe_publishable_key.clone(),
            )
        }
        None if test_payments => (
            Some(Arc::new(TestGateway)),
            Some(PaymentProvider::Test),
            None,
        ),
        None => {
            tracing::info!(
                "takeout is not offered: no --stripe-secret-key, and test payments are off (they need the demo or --dev-test-payments)"
            );
            (None, None, None)
        }
    };
    Ok(LocalPayments {
        payments: Payments {
            webhook: gateway
                .as_ref()
                .map(|_| webhook as Arc<dyn WebhookVerifier>),
            gateway,
        },
        provider,
        publishable_key,
        webhook_secret,
    })
}

/// A webhook secret made once per data folder and kept in it (mode 0600),
/// so test payments signed before a restart still verify after it.
fn local_webhook_secret(data_dir: &Path) -> anyhow::Result<String> {
    let path = data_dir.join("payments").join("webhook-secret");
    if let Ok(secret) = std::fs::read_to_string(&path)
        && !secret.trim().is_empty()
    {
        return Ok(secret.trim().to_owned());
    }
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes)
        .map_err(|e| anyhow::anyhow!("the operating system's random generator failed: {e}"))?;
    let secret = format!("whsec_local_{}", hex(&bytes));
    std::fs::create_dir_all(path.parent().expect("has a parent"))
        .with_context(|| format!("cannot create {}", path.display()))?;
    write_private(&path, &secret).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(secret)
}

#[cfg(unix)]
pub(crate) fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(not(unix))]
pub(crate) fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn random_hex(len: usize) -> String {
    let mut bytes = vec![0u8; len.div_ceil(2)];
    getrandom::fill(&mut bytes).expect("the operating system's random generator failed");
    let mut text = hex(&bytes);
    text.truncate(len);
    text
}

/// The test provider's PaymentIntents: made up locally, paid only through
/// the test-payment route. No money moves.
pub struct TestGateway;

#[async_trait]
impl PaymentGateway for TestGateway {
    fn provider(&self) -> PaymentProvider {
        PaymentProvider::Test
    }

    fn publishable_key(&self) -> Option<&str> {
        None
    }

    async fn create_payment_intent(
        &self,
        request: &PaymentIntentRequest,
    ) -> Result<CreatedPaymentIntent, PaymentGatewayError> {
        let intent_id = format!("pi_test_{}", random_hex(24));
        tracing::info!(order = %request.order_id, intent = %intent_id, amount = request.amount.minor(), "TEST payment intent created (no money moves)");
        Ok(CreatedPaymentIntent {
            client_secret: format!("{intent_id}_secret_{}", random_hex(24)),
            intent_id,
        })
    }

    async fn refund_payment(&self, request: &RefundRequest) -> Result<String, PaymentGatewayError> {
        let refund_id = format!("re_test_{}", random_hex(24));
        tracing::info!(order = %request.order_id, intent = %request.intent_id, refund = %refund_id, "TEST refund (no money moves)");
        Ok(refund_id)
    }
}
