//! The Stripe gateway against localstripe, a stateful fake of Stripe's API.
//!
//! Needs localstripe running; without it the test fails (never skips):
//!   export TABLETAP_LOCALSTRIPE_URL=$(scripts/lib/localstripe.sh start | tail -n 1)

use tabletap_app::payments::{PaymentGateway, PaymentIntentRequest};
use tabletap_core::Timestamp;
use tabletap_core::ids::RestaurantId;
use tabletap_core::money::{Amount, Currency};
use tabletap_core::order::OrderId;
use tabletap_payments_stripe::{StripeConfig, StripeGateway};

fn localstripe() -> String {
    std::env::var("TABLETAP_LOCALSTRIPE_URL").unwrap_or_else(|_| {
        panic!(
            "TABLETAP_LOCALSTRIPE_URL is not set: start localstripe with \
             `export TABLETAP_LOCALSTRIPE_URL=$(scripts/lib/localstripe.sh start | tail -n 1)` \
             (scripts/test.sh does this)"
        )
    })
}

#[tokio::test]
async fn creates_a_payment_intent_for_the_computed_amount() {
    let base = localstripe();
    let gateway = StripeGateway::new(&StripeConfig {
        secret_key: "sk_test_tabletap".into(),
        publishable_key: Some("pk_test_tabletap".into()),
        api_base: Some(base.clone()),
    })
    .unwrap();
    let order_id = OrderId::new(Timestamp::now(), 77);
    let created = gateway
        .create_payment_intent(&PaymentIntentRequest {
            restaurant_id: RestaurantId::parse("demo").unwrap(),
            order_id: order_id.clone(),
            order_number: "T-077".into(),
            amount: Amount(2150),
            currency: Currency::parse("EUR").unwrap(),
            idempotency_key: PaymentIntentRequest::idempotency_key_for(&order_id),
        })
        .await
        .expect("localstripe creates the PaymentIntent");
    assert!(created.intent_id.starts_with("pi_"), "{created:?}");
    assert!(created.client_secret.starts_with(&created.intent_id));

    // Read it back through Stripe's API: amount, currency and metadata.
    let stored: serde_json::Value = reqwest::Client::new()
        .get(format!("{base}/v1/payment_intents/{}", created.intent_id))
        .basic_auth("sk_test_tabletap", Some(""))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stored["amount"], 2150);
    assert_eq!(stored["currency"], "eur");
    assert_eq!(stored["metadata"]["order_id"], order_id.as_str());
    assert_eq!(stored["metadata"]["restaurant_id"], "demo");
}
