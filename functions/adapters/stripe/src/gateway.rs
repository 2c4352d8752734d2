//! Stripe's API for the two calls TableTap makes: create a PaymentIntent,
//! refund one. Plain HTTPS on the very stack the AWS SDK's client links
//! (hyper-util's client, hyper-rustls with the system's roots, rustls on
//! aws-lc-rs), with form bodies and serde reads of the two or three fields
//! used, instead of async-stripe's client and its generated models, which
//! were ~10 MB of the takeout and act-on-order functions.
//!
//! Each call carries an `Idempotency-Key` derived from the order, so a
//! retried request (ours, or a client's) charges or refunds once, and pins
//! the API version its reads were written against.

use async_trait::async_trait;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::fmt;
use std::time::Duration;
use tabletap_app::payments::{
    CreatedPaymentIntent, PaymentGateway, PaymentGatewayError, PaymentIntentRequest, RefundRequest,
};
use tabletap_core::payment::PaymentProvider;

/// The Stripe API version the requests and reads below follow.
pub const STRIPE_API_VERSION: &str = "2026-09-30.endive";

const STRIPE_API: &str = "https://api.stripe.com";

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

type Https = Client<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>;

/// The whole request (connect, TLS, answer) within this; API Gateway gives
/// a request 30 s, so this leaves room to answer.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

pub struct StripeGateway {
    /// Built on the first call, not at cold start: reading the system's
    /// root certificates takes a few ms that only a payment needs (most
    /// act-on-order calls never refund).
    http: tokio::sync::OnceCell<Https>,
    base: String,
    secret_key: String,
    publishable_key: Option<String>,
}

impl StripeGateway {
    pub fn new(config: &StripeConfig) -> anyhow::Result<Self> {
        // rustls asks for the process's default crypto provider when a
        // build enables more than one (the local server also compiles
        // ring). Install aws-lc-rs unless the process already chose one.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        Ok(Self {
            http: tokio::sync::OnceCell::new(),
            base: config
                .api_base
                .as_deref()
                .unwrap_or(STRIPE_API)
                .trim_end_matches('/')
                .to_owned(),
            secret_key: config.secret_key.clone(),
            publishable_key: config.publishable_key.clone(),
        })
    }

    fn client(&self) -> Result<Https, PaymentGatewayError> {
        let mut http = HttpConnector::new();
        http.set_connect_timeout(Some(Duration::from_secs(5)));
        http.enforce_http(false);
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_native_roots()
            .map_err(|e| {
                PaymentGatewayError::Unavailable(anyhow::anyhow!(
                    "no TLS root certificates on this system to reach Stripe with: {e}"
                ))
            })?
            // http only for a local stand-in (localstripe) in api_base.
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        Ok(Client::builder(TokioExecutor::new()).build(https))
    }

    /// `POST /v1/<path>` with a form body; reads `T` from a 2xx answer.
    async fn post<T: DeserializeOwned>(
        &self,
        what: &'static str,
        path: &str,
        idempotency_key: &str,
        form: &[(&str, &str)],
    ) -> Result<T, PaymentGatewayError> {
        if idempotency_key.is_empty() || idempotency_key.len() > 255 {
            return Err(PaymentGatewayError::Refused(anyhow::anyhow!(
                "{what}: bad idempotency key {idempotency_key:?} (1 to 255 characters)"
            )));
        }
        let http = self
            .http
            .get_or_try_init(|| async { self.client() })
            .await?;
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let request = hyper::Request::post(format!("{}/v1/{path}", self.base))
            .header("authorization", format!("Bearer {}", self.secret_key))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("idempotency-key", idempotency_key)
            .header("stripe-version", STRIPE_API_VERSION)
            .header(
                "user-agent",
                concat!("TableTap/", env!("CARGO_PKG_VERSION")),
            )
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| PaymentGatewayError::Refused(anyhow::anyhow!("{what}: {e}")))?;
        let unavailable = |e: &dyn fmt::Display| {
            PaymentGatewayError::Unavailable(anyhow::anyhow!(
                "{what}: Stripe could not be reached or did not answer in time: {e}"
            ))
        };
        let (status, body) = tokio::time::timeout(REQUEST_TIMEOUT, async {
            let response = http.request(request).await.map_err(|e| unavailable(&e))?;
            let status = response.status();
            let body = response
                .into_body()
                .collect()
                .await
                .map_err(|e| unavailable(&e))?
                .to_bytes();
            Ok::<_, PaymentGatewayError>((status, body))
        })
        .await
        .map_err(|_| unavailable(&format!("no answer in {REQUEST_TIMEOUT:?}")))??;
        if status.is_success() {
            return serde_json::from_slice(&body).map_err(|e| {
                PaymentGatewayError::Refused(anyhow::anyhow!(
                    "{what}: Stripe's answer does not read as expected: {e}"
                ))
            });
        }
        let error = describe_error(&body);
        let error = anyhow::anyhow!("{what}: Stripe answered {status}: {error}");
        // Rate limits and Stripe's own failures are worth a retry (the
        // idempotency key makes it safe); any other refusal (bad key,
        // invalid currency) will fail the same way again.
        if status.as_u16() == 429 || status.is_server_error() {
            Err(PaymentGatewayError::Unavailable(error))
        } else {
            Err(PaymentGatewayError::Refused(error))
        }
    }
}

/// Stripe's error object: `{"error": {"type", "code", "message"}}`.
#[derive(Deserialize)]
struct ErrorBody {
    error: StripeError,
}

#[derive(Deserialize)]
struct StripeError {
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

fn describe_error(body: &[u8]) -> String {
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(ErrorBody { error }) => [error.kind, error.code, error.message]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(": "),
        Err(_) => String::from_utf8_lossy(&body[..body.len().min(300)]).into_owned(),
    }
}

/// The two fields of Stripe's PaymentIntent the site needs.
#[derive(Deserialize)]
struct IntentIdAndSecret {
    id: String,
    #[serde(default)]
    client_secret: Option<String>,
}

/// The one field of Stripe's Refund we keep.
#[derive(Deserialize)]
struct RefundId {
    id: String,
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
        let amount = request.amount.minor().to_string();
        let currency = request.currency.code().to_ascii_lowercase();
        let order_id = request.order_id.to_string();
        let restaurant_id = request.restaurant_id.to_string();
        // No description or receipt_email: TableTap sends its own receipt,
        // and the order number is in the metadata.
        let created: IntentIdAndSecret = self
            .post(
                "Stripe CreatePaymentIntent failed",
                "payment_intents",
                &request.idempotency_key,
                &[
                    ("amount", &amount),
                    ("currency", &currency),
                    ("metadata[order_id]", &order_id),
                    ("metadata[restaurant_id]", &restaurant_id),
                    ("metadata[order_number]", &request.order_number),
                ],
            )
            .await?;
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
        let refund: RefundId = self
            .post(
                "Stripe CreateRefund failed",
                "refunds",
                &request.idempotency_key,
                &[("payment_intent", &request.intent_id)],
            )
            .await?;
        Ok(refund.id)
    }
}

#[cfg(test)]
mod tests {
    use super::describe_error;

    #[test]
    fn stripe_errors_read_as_one_line() {
        let body = br#"{"error":{"type":"invalid_request_error","code":"parameter_invalid_integer","message":"Invalid integer: 12.5","param":"amount"}}"#;
        assert_eq!(
            describe_error(body),
            "invalid_request_error: parameter_invalid_integer: Invalid integer: 12.5"
        );
        assert_eq!(
            describe_error(b"<html>bad gateway</html>"),
            "<html>bad gateway</html>"
        );
    }
}
