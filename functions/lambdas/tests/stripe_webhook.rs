//! The stripe-webhook function's handler (`Route::StripeWebhook`: raw body,
//! signature check, dedupe, the payment rules) on both stores: the embedded
//! one and DynamoDB Local. Events are the samples in `events/stripe/`,
//! signed here exactly as Stripe signs (HMAC-SHA256 over "{t}.{raw body}").
//!
//! The DynamoDB half needs DynamoDB Local and fails (never skips) without it:
//!   export TABLETAP_DYNAMODB_ENDPOINT=$(scripts/lib/dynamodb-local.sh start)

use lambda_http::http::{Method, StatusCode};
use lambda_http::{Body, Request};
use serde_json::Value;
use std::sync::{Arc, Mutex};
use tabletap_api::cors::Cors;
use tabletap_api::{AppState, Payments, Route};
use tabletap_app::ports::{Clock, Store};
use tabletap_core::Timestamp;
use tabletap_core::fixtures::{berlin, sample_unpaid_takeout_order};
use tabletap_core::order::{Order, OrderStatus};
use tabletap_core::payment::{PaymentProblem, PaymentState};
use tabletap_payments_stripe::{StripeWebhookVerifier, sign_payload};
use tabletap_store_dynamodb::local::fresh_test_store;
use tabletap_store_embedded::EmbeddedStore;

const SECRET: &str = "whsec_test_tabletap";

/// A clock the test moves by hand.
struct TestClock(Mutex<Timestamp>);

impl Clock for TestClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().unwrap()
    }
}

struct Harness {
    state: AppState,
    clock: Arc<TestClock>,
    order: Order,
}

fn ts(text: &str) -> Timestamp {
    text.parse().unwrap()
}

impl Harness {
    /// The unpaid takeout order T-007 (21.50 EUR, pi_test_t007) in `store`,
    /// the clock at 17:45, four minutes after it was placed.
    async fn new(store: Arc<dyn Store>, with_order: bool) -> Self {
        store.put_restaurant(&berlin()).await.unwrap();
        let order = sample_unpaid_takeout_order();
        if with_order {
            store.create_order(&order, None).await.unwrap();
        }
        let clock = Arc::new(TestClock(Mutex::new(ts("2026-11-21T17:45:00Z"))));
        let state = AppState {
            store,
            clock: clock.clone(),
            cors: Cors::from_list(""),
            payments: Payments {
                gateway: None,
                webhook: Some(Arc::new(StripeWebhookVerifier::new(SECRET))),
            },
            kitchen: None,
            site_url: None,
            photos: None,
            staff_directory: None,
        };
        Self {
            state,
            clock,
            order,
        }
    }

    fn now(&self) -> Timestamp {
        self.clock.now()
    }

    fn set_now(&self, at: &str) {
        *self.clock.0.lock().unwrap() = ts(at);
    }

    /// POSTs `body` with a `Stripe-Signature` made with `secret` at `signed_at`.
    async fn deliver_signed(
        &self,
        body: &str,
        secret: &str,
        signed_at: Timestamp,
    ) -> (StatusCode, Value) {
        let header = sign_payload(body, secret, signed_at);
        self.deliver(body, Some(&header)).await
    }

    async fn deliver_now(&self, body: &str) -> (StatusCode, Value) {
        self.deliver_signed(body, SECRET, self.now()).await
    }

    async fn deliver(&self, body: &str, signature: Option<&str>) -> (StatusCode, Value) {
        let mut request = lambda_http::http::Request::builder()
            .method(Method::POST)
            .uri("/stripe/webhook")
            .header("content-type", "application/json; charset=utf-8");
        if let Some(signature) = signature {
            request = request.header("stripe-signature", signature);
        }
        let request: Request = request.body(Body::Text(body.to_owned())).unwrap();
        answer(tabletap_api::handle(Route::StripeWebhook, &self.state, request).await)
    }

    async fn stored(&self) -> Order {
        self.state
            .store
            .get_order(&self.order.restaurant_id, &self.order.id)
            .await
            .unwrap()
            .expect("the order exists")
    }
}

fn answer(response: lambda_http::Response<Body>) -> (StatusCode, Value) {
    let status = response.status();
    let body = serde_json::from_slice(response.body().as_ref()).unwrap_or(Value::Null);
    assert!(
        !status.is_server_error(),
        "the webhook answered {status}: {body}"
    );
    (status, body)
}

/// A sample event from `events/stripe/`, as a JSON value to adjust.
fn sample(file: &str) -> Value {
    let path = format!("{}/../../events/stripe/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

/// The sample event, created at `created` (what Stripe stamps on it).
fn event(file: &str, created: Timestamp) -> String {
    let mut event = sample(file);
    event["created"] = created.as_second().into();
    event.to_string()
}

fn seconds_before(at: Timestamp, seconds: i64) -> Timestamp {
    Timestamp::from_second(at.as_second() - seconds).unwrap()
}

/// Runs one scenario against the embedded store and DynamoDB Local.
macro_rules! on_both_stores {
    ($($name:ident => $scenario:ident),+ $(,)?) => {
        mod embedded {
            $(
                #[tokio::test]
                async fn $name() {
                    let store = tabletap_store_embedded_in_memory();
                    super::$scenario(store).await;
                }
            )+
            fn tabletap_store_embedded_in_memory() -> std::sync::Arc<dyn tabletap_app::ports::Store> {
                std::sync::Arc::new(super::EmbeddedStore::in_memory().unwrap())
            }
        }
        mod dynamodb {
            $(
                #[tokio::test]
                async fn $name() {
                    let store = super::fresh_test_store("tabletap-stripe").await;
                    super::$scenario(std::sync::Arc::new(store)).await;
                }
            )+
        }
    };
}

on_both_stores! {
    a_wrong_signature_is_refused_and_changes_nothing => wrong_signature,
    a_signature_outside_the_tolerance_is_refused => stale_signature,
    the_same_event_three_times_accepts_the_order_once => delivered_three_times,
    success_before_the_order_is_visible_is_retried_later => succeeded_before_the_order,
    an_amount_or_currency_mismatch_never_accepts => amount_or_currency_mismatch,
    an_event_for_an_unknown_order_is_acknowledged => unknown_order,
    an_ignored_event_type_is_acknowledged => ignored_type,
    failures_are_recorded_and_late_news_does_not_undo_a_payment => failures_out_of_order,
    a_payment_after_expiry_expires_the_order_for_a_refund => paid_after_expiry,
    a_cancelled_intent_cancels_the_unpaid_order => cancelled,
}

async fn wrong_signature(store: Arc<dyn Store>) {
    let h = Harness::new(store, true).await;
    let body = event("payment_intent.succeeded.json", h.now());
    let (status, answer) = h.deliver_signed(&body, "whsec_someone_else", h.now()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["code"], "invalid_signature");
    // A body edited after signing (a cheaper total) fails the same way.
    let header = sign_payload(&body, SECRET, h.now());
    let edited = body.replace("2150", "1");
    let (status, _) = h.deliver(&edited, Some(&header)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, answer) = h.deliver(&body, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["code"], "invalid_signature");
    assert_eq!(h.stored().await.status, OrderStatus::PendingPayment);
}

async fn stale_signature(store: Arc<dyn Store>) {
    let h = Harness::new(store, true).await;
    let body = event("payment_intent.succeeded.json", h.now());
    for skew in [301, -301] {
        let (status, answer) = h
            .deliver_signed(&body, SECRET, seconds_before(h.now(), skew))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "signed {skew} s off");
        assert_eq!(answer["code"], "invalid_signature");
    }
    assert_eq!(h.stored().await.status, OrderStatus::PendingPayment);
    // Inside the tolerance it counts.
    let (status, _) = h
        .deliver_signed(&body, SECRET, seconds_before(h.now(), 299))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h.stored().await.status, OrderStatus::Accepted);
}

async fn delivered_three_times(store: Arc<dyn Store>) {
    let h = Harness::new(store, true).await;
    let body = event("payment_intent.succeeded.json", seconds_before(h.now(), 5));
    let mut outcomes = Vec::new();
    for _ in 0..3 {
        let (status, answer) = h.deliver_now(&body).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        outcomes.push(answer["outcome"].as_str().unwrap().to_owned());
    }
    assert_eq!(
        outcomes,
        ["Accepted", "AlreadyProcessed", "AlreadyProcessed"]
    );
    let order = h.stored().await;
    assert_eq!(order.status, OrderStatus::Accepted);
    assert_eq!(order.history.len(), 2, "ACCEPTED exactly once");
    let payment = order.payment.unwrap();
    assert_eq!(payment.state, PaymentState::Succeeded);
    assert_eq!(payment.problem, None);
}

async fn succeeded_before_the_order(store: Arc<dyn Store>) {
    let h = Harness::new(store, false).await;
    let body = event("payment_intent.succeeded.json", seconds_before(h.now(), 2));
    // The order's write is not visible yet: ask Stripe to deliver again,
    // without remembering the event as processed.
    let (status, answer) = h.deliver_now(&body).await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    assert_eq!(answer["code"], "order_not_visible_yet");
    h.state.store.create_order(&h.order, None).await.unwrap();
    let (status, answer) = h.deliver_now(&body).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer["outcome"], "Accepted");
    assert_eq!(h.stored().await.status, OrderStatus::Accepted);
}

async fn amount_or_currency_mismatch(store: Arc<dyn Store>) {
    let h = Harness::new(store, true).await;
    let mut cheaper = sample("payment_intent.succeeded.json");
    cheaper["created"] = h.now().as_second().into();
    cheaper["id"] = "evt_cheaper".into();
    cheaper["data"]["object"]["amount"] = 100.into();
    let mut dollars = cheaper.clone();
    dollars["id"] = "evt_dollars".into();
    dollars["data"]["object"]["amount"] = 2150.into();
    dollars["data"]["object"]["currency"] = "usd".into();
    for body in [cheaper, dollars] {
        let (status, answer) = h.deliver_now(&body.to_string()).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert_eq!(answer["outcome"], "refused: AmountMismatch");
        let order = h.stored().await;
        assert_eq!(order.status, OrderStatus::PendingPayment, "never cooked");
        assert_eq!(
            order.payment.unwrap().problem,
            Some(PaymentProblem::AmountMismatch)
        );
    }
}

async fn unknown_order(store: Arc<dyn Store>) {
    let h = Harness::new(store, false).await;
    // Older than the retry window: not ours, acknowledged and logged.
    let body = event(
        "payment_intent.succeeded.json",
        seconds_before(h.now(), 3600),
    );
    let (status, answer) = h.deliver_now(&body).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer["outcome"], "UnknownOrder");
    // A PaymentIntent without our metadata (another integration's).
    let mut foreign = sample("payment_intent.succeeded.json");
    foreign["created"] = h.now().as_second().into();
    foreign["data"]["object"]["metadata"] = serde_json::json!({});
    let (status, answer) = h.deliver_now(&foreign.to_string()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(answer["outcome"].as_str().unwrap().starts_with("ignored"));
}

async fn ignored_type(store: Arc<dyn Store>) {
    let h = Harness::new(store, true).await;
    let body = event("charge.refunded.json", h.now());
    let (status, answer) = h.deliver_now(&body).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer["outcome"], "ignored: charge.refunded");
    assert_eq!(h.stored().await, h.order);
}

async fn failures_out_of_order(store: Arc<dyn Store>) {
    let h = Harness::new(store, true).await;
    // A declined card: recorded, the order keeps waiting for payment.
    let failed = event(
        "payment_intent.payment_failed.json",
        seconds_before(h.now(), 60),
    );
    let (status, answer) = h.deliver_now(&failed).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer["outcome"], "RecordedFailure");
    let order = h.stored().await;
    assert_eq!(order.status, OrderStatus::PendingPayment);
    let payment = order.payment.unwrap();
    assert_eq!(payment.state, PaymentState::Failed);
    assert_eq!(
        payment.failure_message.as_deref(),
        Some("Your card was declined.")
    );
    // The second attempt succeeds...
    let succeeded = event("payment_intent.succeeded.json", seconds_before(h.now(), 10));
    let (_, answer) = h.deliver_now(&succeeded).await;
    assert_eq!(answer["outcome"], "Accepted");
    // ...and an older failure delivered late changes nothing.
    let mut late = sample("payment_intent.payment_failed.json");
    late["id"] = "evt_late_failure".into();
    late["created"] = seconds_before(h.now(), 30).as_second().into();
    let (status, answer) = h.deliver_now(&late.to_string()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer["outcome"], "Stale");
    let order = h.stored().await;
    assert_eq!(order.status, OrderStatus::Accepted);
    assert_eq!(order.payment.unwrap().state, PaymentState::Succeeded);
}

async fn paid_after_expiry(store: Arc<dyn Store>) {
    let h = Harness::new(store, true).await;
    // The order was payable until 18:41.
    h.set_now("2026-11-21T18:50:00Z");
    let body = event("payment_intent.succeeded.json", seconds_before(h.now(), 1));
    let (status, answer) = h.deliver_now(&body).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer["outcome"], "refused: PaidAfterExpiry");
    let order = h.stored().await;
    assert_eq!(order.status, OrderStatus::Expired, "never printed");
    assert_eq!(
        order.payment.unwrap().problem,
        Some(PaymentProblem::PaidAfterExpiry),
        "flagged for a refund"
    );
}

async fn cancelled(store: Arc<dyn Store>) {
    let h = Harness::new(store, true).await;
    let body = event("payment_intent.canceled.json", h.now());
    let (status, answer) = h.deliver_now(&body).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer["outcome"], "Cancelled");
    let order = h.stored().await;
    assert_eq!(order.status, OrderStatus::Cancelled);
    assert_eq!(order.payment.unwrap().state, PaymentState::Canceled);
}

/// API Gateway delivers the body base64-encoded (`isBase64Encoded`); the
/// signature is over the decoded bytes.
#[tokio::test]
async fn a_base64_api_gateway_event_is_verified_on_the_decoded_body() {
    let store = fresh_test_store("tabletap-stripe").await;
    let h = Harness::new(Arc::new(store), true).await;
    h.set_now("2026-11-21T17:42:10Z");
    let path = format!(
        "{}/../../events/stripe/apigw-webhook-succeeded-base64.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let request = lambda_http::request::from_str(&text).unwrap();
    let (status, answer) =
        answer(tabletap_api::handle(Route::StripeWebhook, &h.state, request).await);
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["outcome"], "Accepted");
    assert_eq!(h.stored().await.status, OrderStatus::Accepted);
}

/// DynamoDB's TTL: an unpaid order carries `expires_at_epoch`; paying
/// removes it, so DynamoDB never deletes a paid order.
#[tokio::test]
async fn the_ttl_of_an_unpaid_order_ends_when_it_is_paid() {
    use aws_sdk_dynamodb::types::AttributeValue;
    let store = fresh_test_store("tabletap-stripe-ttl").await;
    let (client, table) = (
        tabletap_store_dynamodb::local::local_client(
            &std::env::var(tabletap_store_dynamodb::local::ENDPOINT_VAR).unwrap(),
        ),
        store.table_name().to_owned(),
    );
    let h = Harness::new(Arc::new(store), true).await;
    let ttl = || async {
        client
            .get_item()
            .table_name(&table)
            .key("pk", AttributeValue::S("R#demo".into()))
            .key("sk", AttributeValue::S(format!("ORDER#{}", h.order.id)))
            .consistent_read(true)
            .send()
            .await
            .unwrap()
            .item
            .unwrap()
            .get("expires_at_epoch")
            .cloned()
    };
    // Kept three days after the payment window, for late webhooks.
    let expected = h.order.expires_at.unwrap().as_second() + 72 * 3600;
    assert_eq!(ttl().await, Some(AttributeValue::N(expected.to_string())));
    let body = event("payment_intent.succeeded.json", h.now());
    let (_, answer) = h.deliver_now(&body).await;
    assert_eq!(answer["outcome"], "Accepted");
    assert_eq!(ttl().await, None);
}
