//! Creating PaymentIntents through async-stripe's client (hyper + rustls).

use async_trait::async_trait;
use std::collections::HashMap;
use std::fmt;
use std::time::Duration;
use stripe::{Client, ClientBuilder, IdempotencyKey, RequestStrategy, StripeError, StripeRequest};
use stripe_core::payment_intent::CreatePaymentIntent;
use stripe_core::refund::CreateRefund;
use tabletap_app::payments::{
    CreatedPaymentIntent, PaymentGateway, PaymentGatewayError, PaymentIntentRequest, RefundRequest,
};
use tabletap_core::payment::PaymentProvider;

/// Where and as whom to talk to Stripe. `Debug` never shows the key.
#[derive(Clone)]
pub struct StripeConfig {
    pub secret_key: String,
    pub publishable_key: Option<String>,
    /// `None` for api.stripe.com; localstripe's URL in tests.
    pub api_base: Option<String>,
}

impl fmt::Debug for StripeConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StripeConfig")
            .field("secret_key", &"<redacted>")
            .field("publishable_key", &self.publishable_key)
            .field("api_base", &self.api_base)
            .finish()
    }
}

pub struct StripeGateway {
    client: Client,
    publishable_key: Option<String>,
}

impl StripeGateway {
    pub fn new(config: &StripeConfig) -> anyhow::Result<Self> {
        // hyper-rustls asks rustls for the process's default crypto
        // provider, which rustls cannot pick by itself when a build enables
        // more than one (the local server also compiles ring). Install
        // aws-lc-rs unless the process already chose one.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let mut builder = ClientBuilder::new(config.secret_key.clone())
            // API Gateway gives a request 30 s; leave room to answer.
            .timeout(Duration::from_secs(10));
        if let Some(base) = &config.api_base {
            builder = builder.url(base.trim_end_matches('/').to_owned() + "/");
        }
        let client = builder
            .build()
            .map_err(|e| anyhow::anyhow!("cannot set up the Stripe client: {e}"))?;
        Ok(Self {
            client,
            publishable_key: config.publishable_key.clone(),
        })
    }
}

/// The two fields of Stripe's PaymentIntent the site needs.
#[derive(miniserde::Deserialize)]
struct IntentIdAndSecret {
    id: String,
    client_secret: Option<String>,
}

#[async_trait]
impl PaymentGateway for StripeGateway {
    fn provider(&self) -> PaymentProvider {
        PaymentProvider::Stripe
    }

    fn publishable_key(&self) -> Option<&str> {
        self.publishable_key.as_deref()
    }

    async fn create_payment_intent(
        &self,
        request: &PaymentIntentRequest,
    ) -> Result<CreatedPaymentIntent, PaymentGatewayError> {
        let currency: stripe_types::Currency = request
            .currency
            .code()
            .to_ascii_lowercase()
            .parse()
            .unwrap_or_else(|never| match never {});
        let metadata = HashMap::from([
            ("order_id".to_owned(), request.order_id.to_string()),
            (
                "restaurant_id".to_owned(),
                request.restaurant_id.to_string(),
            ),
            ("order_number".to_owned(), request.order_number.clone()),
        ]);
        // No description or receipt_email: TableTap sends its own receipt,
        // and the order number is in the metadata.
        let create = CreatePaymentIntent::new(request.amount.minor(), currency).metadata(metadata);
        let key = IdempotencyKey::new(&request.idempotency_key).map_err(|e| {
            PaymentGatewayError::Refused(anyhow::anyhow!("bad idempotency key: {e}"))
        })?;
        let created: IntentIdAndSecret = create
            .build()
            .customize()
            .request_strategy(RequestStrategy::Idempotent(key))
            .send(&self.client)
            .await
            .map_err(classify)?;
        let client_secret = created.client_secret.ok_or_else(|| {
            PaymentGatewayError::Refused(anyhow::anyhow!(
                "Stripe returned PaymentIntent {} without a client secret",
                created.id
            ))
        })?;
        Ok(CreatedPaymentIntent {
            intent_id: created.id,
            client_secret,
        })
    }

    async fn refund_payment(&self, request: &RefundRequest) -> Result<String, PaymentGatewayError> {
        let key = IdempotencyKey::new(&request.idempotency_key).map_err(|e| {
            PaymentGatewayError::Refused(anyhow::anyhow!("bad idempotency key: {e}"))
        })?;
        let refund: RefundId = CreateRefund::new()
            .payment_intent(request.intent_id.clone())
            .build()
            .customize()
            .request_strategy(RequestStrategy::Idempotent(key))
            .send(&self.client)
            .await
            .map_err(|e| classify_as(e, "Stripe CreateRefund failed"))?;
        Ok(refund.id)
    }
}

/// The one field of Stripe's Refund we keep.
#[derive(miniserde::Deserialize)]
struct RefundId {
    id: String,
}

/// Rate limits, Stripe's own 5xx and network trouble are worth a retry;
/// any other refusal (bad key, invalid currency) is not.
fn classify(error: StripeError) -> PaymentGatewayError {
    classify_as(error, "Stripe CreatePaymentIntent failed")
}

fn classify_as(error: StripeError, what: &'static str) -> PaymentGatewayError {
    let retry = match &error {
        StripeError::Stripe(_, status) => *status == 429 || *status >= 500,
        StripeError::ClientError(_) | StripeError::Timeout => true,
        StripeError::JSONDeserialize(_) | StripeError::ConfigError(_) => false,
    };
    let error = anyhow::Error::new(error).context(what);
    if retry {
        PaymentGatewayError::Unavailable(error)
    } else {
        PaymentGatewayError::Refused(error)
    }
}
