//! Takeout with payment, end to end over HTTP with the real `tabletap-local`:
//! against localstripe (a stateful fake of Stripe's API that signs and sends
//! its own webhooks), and with local mode's test payments.
//!
//! The localstripe test needs it running and fails (never skips) without:
//!   export TABLETAP_LOCALSTRIPE_URL=$(scripts/lib/localstripe.sh start | tail -n 1)

use rumqttc::{Event, Packet};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tabletap_e2e::{LocalServer, json_of, kitchen_subscriber};

fn localstripe() -> String {
    std::env::var("TABLETAP_LOCALSTRIPE_URL").unwrap_or_else(|_| {
        panic!(
            "TABLETAP_LOCALSTRIPE_URL is not set: this test needs localstripe; start it with \
             `export TABLETAP_LOCALSTRIPE_URL=$(scripts/lib/localstripe.sh start | tail -n 1)` \
             (scripts/test.sh does this)"
        )
    })
}

const FORM: &str = "application/x-www-form-urlencoded";

/// A form body as Stripe's API takes it (percent-encoding all but letters
/// and digits).
fn form(pairs: &[(&str, &str)]) -> String {
    let encode = |text: &str| -> String {
        text.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

async fn first_pickup_slot(server: &LocalServer) -> String {
    let times = server
        .get_json(&server.api("/restaurants/demo/pickup-times"))
        .await;
    assert_eq!(times["time_zone"], "Europe/Berlin");
    let slots = times["slots"].as_array().expect("slots");
    assert!(!slots.is_empty(), "the demo takes takeout around the clock");
    slots[0]["at"].as_str().unwrap().to_owned()
}

fn takeout_body(pickup_at: &str) -> Value {
    json!({
        "customer": {"name": "Giulia Rossi", "email": "giulia@example.com", "phone": "+49 30 1234567"},
        "pickup_at": pickup_at,
        "lines": [
            {"item_id": "margherita", "quantity": 1, "options": ["large"], "note": "well done"},
            {"item_id": "acqua", "quantity": 1, "options": ["large"]}
        ],
        "note": "I'll be there on time",
        "total": 1
    })
}

async fn place(server: &LocalServer, body: &Value, key: &str) -> reqwest::Response {
    server
        .http
        .post(server.api("/restaurants/demo/takeout-orders"))
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn order_status(server: &LocalServer, placed: &Value) -> Value {
    let id = placed["order"]["id"].as_str().unwrap();
    json_of(
        server
            .http
            .get(server.api(&format!("/restaurants/demo/orders/{id}")))
            .header("X-Order-Token", placed["access_token"].as_str().unwrap())
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// Polls the order until `done` holds (or 15 s pass).
async fn wait_for(server: &LocalServer, placed: &Value, done: impl Fn(&str) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let order = order_status(server, placed).await;
        if done(order["status"].as_str().unwrap()) || Instant::now() > deadline {
            return order;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Tickets (as JSON) received for `order_id` within `within`.
async fn tickets_for(
    events: &mut rumqttc::EventLoop,
    order_id: &str,
    within: Duration,
) -> Vec<Value> {
    let mut tickets = Vec::new();
    let _ = tokio::time::timeout(within, async {
        loop {
            if let Ok(Event::Incoming(Packet::Publish(publish))) = events.poll().await {
                let ticket: Value = serde_json::from_slice(&publish.payload).unwrap();
                if ticket["order_id"] == order_id {
                    tickets.push(ticket);
                }
            }
        }
    })
    .await;
    tickets
}

fn receipts(server: &LocalServer) -> Vec<String> {
    let outbox = server.data_dir().join("outbox");
    let Ok(entries) = std::fs::read_dir(&outbox) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect()
}

/// A paid order goes the way of an accepted dine-in order: the dispatcher
/// publishes one ticket per kitchen station, marks it SENT and writes one
/// receipt to the outbox. Returns the tickets.
async fn assert_dispatched_once(
    server: &LocalServer,
    placed: &Value,
    events: &mut rumqttc::EventLoop,
) -> Vec<Value> {
    let id = placed["order"]["id"].as_str().unwrap();
    let number = placed["order"]["number"].as_str().unwrap();
    let tickets = tickets_for(events, id, Duration::from_secs(5)).await;
    let stations: Vec<&str> = tickets
        .iter()
        .map(|t| t["station"].as_str().unwrap())
        .collect();
    let mut unique = stations.clone();
    unique.sort();
    unique.dedup();
    assert!(!tickets.is_empty(), "the paid order reached the kitchen");
    assert_eq!(
        stations.len(),
        unique.len(),
        "one ticket per station, not two: {stations:?}"
    );
    assert!(tickets.iter().all(|t| t["order_number"] == number));
    let order = wait_for(server, placed, |s| s == "SENT").await;
    assert_eq!(order["status"], "SENT");
    let mine: Vec<String> = receipts(server)
        .into_iter()
        .filter(|r| r.contains(number))
        .collect();
    assert_eq!(mine.len(), 1, "exactly one receipt for {number}");
    assert!(mine[0].contains("giulia@example.com"));
    tickets
}

#[tokio::test]
async fn a_takeout_order_is_paid_through_localstripe_and_its_webhook() {
    let base = localstripe();
    let secret = format!("whsec_e2e_{}", std::process::id());
    let server = LocalServer::start_with(&[
        "--stripe-api-base",
        &base,
        "--stripe-secret-key",
        "sk_test_tabletap_e2e",
        "--stripe-publishable-key",
        "pk_test_tabletap_e2e",
        "--stripe-webhook-secret",
        &secret,
    ])
    .await;
    let config = server
        .get_json(&format!("{}/config.json", server.base_url))
        .await;
    assert_eq!(config["paymentProvider"], "stripe");
    assert_eq!(config["stripePublishableKey"], "pk_test_tabletap_e2e");

    // localstripe delivers its signed events to every registered endpoint.
    let stripe = reqwest::Client::new();
    let registered = stripe
        .post(format!(
            "{base}/_config/webhooks/tabletap-e2e-{}",
            std::process::id()
        ))
        .header("content-type", FORM)
        .body(form(&[
            ("url", &server.api("/stripe/webhook")),
            ("secret", &secret),
        ]))
        .send()
        .await
        .unwrap();
    assert!(registered.status().is_success(), "webhook registration");
    let (_kitchen_client, mut kitchen) = kitchen_subscriber(&server, "demo").await;

    let pickup = first_pickup_slot(&server).await;
    let response = place(&server, &takeout_body(&pickup), "takeout-stripe-1").await;
    assert_eq!(response.status(), 201);
    let placed = json_of(response).await;
    assert_eq!(placed["order"]["status"], "PENDING_PAYMENT");
    assert!(
        placed["order"]["number"]
            .as_str()
            .unwrap()
            .starts_with("T-")
    );
    let total = placed["order"]["totals"]["total"].as_i64().unwrap();
    assert_eq!(
        total,
        950 + 350 + 390 + 300,
        "priced by the server, the client's total ignored"
    );
    let payment = &placed["payment"];
    assert_eq!(payment["provider"], "stripe");
    assert_eq!(payment["publishable_key"], "pk_test_tabletap_e2e");
    let intent = payment["payment_intent_id"].as_str().unwrap().to_owned();

    // Stripe holds the server's amount, currency and the order's ids.
    let auth = ("sk_test_tabletap_e2e", Some(""));
    let stored: Value = json_of(
        stripe
            .get(format!("{base}/v1/payment_intents/{intent}"))
            .basic_auth(auth.0, auth.1)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(stored["amount"], total);
    assert_eq!(stored["currency"], "eur");
    assert_eq!(stored["metadata"]["order_id"], placed["order"]["id"]);
    assert_eq!(stored["metadata"]["restaurant_id"], "demo");

    // A retried request: the same order and PaymentIntent, no second one.
    let retried = json_of(place(&server, &takeout_body(&pickup), "takeout-stripe-1").await).await;
    assert_eq!(retried["order"]["id"], placed["order"]["id"]);
    assert_eq!(retried["payment"]["payment_intent_id"], intent.as_str());

    // Not paid: nothing reaches the kitchen.
    let id = placed["order"]["id"].as_str().unwrap();
    assert!(
        tickets_for(&mut kitchen, id, Duration::from_millis(1500))
            .await
            .is_empty()
    );

    // The customer pays: a card, attached and confirmed (localstripe does
    // not take `payment_method` on confirm itself).
    let card: Value = json_of(
        stripe
            .post(format!("{base}/v1/payment_methods"))
            .basic_auth(auth.0, auth.1)
            .header("content-type", FORM)
            .body(form(&[
                ("type", "card"),
                ("card[number]", "4242424242424242"),
                ("card[exp_month]", "12"),
                ("card[exp_year]", "2034"),
                ("card[cvc]", "123"),
            ]))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let attach = stripe
        .post(format!("{base}/v1/payment_intents/{intent}"))
        .basic_auth(auth.0, auth.1)
        .header("content-type", FORM)
        .body(form(&[("payment_method", card["id"].as_str().unwrap())]))
        .send()
        .await
        .unwrap();
    assert!(attach.status().is_success());
    let confirmed: Value = json_of(
        stripe
            .post(format!("{base}/v1/payment_intents/{intent}/confirm"))
            .basic_auth(auth.0, auth.1)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(confirmed["status"], "succeeded");

    // localstripe's own signed webhook makes the order ACCEPTED, and the
    // dispatcher takes it to the kitchen and sends the receipt, once.
    let order = wait_for(&server, &placed, |s| s != "PENDING_PAYMENT").await;
    assert!(
        matches!(
            order["status"].as_str(),
            Some("ACCEPTED" | "SENT" | "PRINTED")
        ),
        "paid: {order}"
    );
    assert_eq!(order["payment"]["state"], "succeeded");
    let tickets = assert_dispatched_once(&server, &placed, &mut kitchen).await;
    assert!(
        tickets.iter().all(|t| t.get("test_payment").is_none()),
        "a card payment's tickets carry no test-payment mark"
    );
}

#[tokio::test]
async fn without_stripe_a_test_payment_goes_through_the_signed_webhook() {
    let server = LocalServer::start().await;
    let config = server
        .get_json(&format!("{}/config.json", server.base_url))
        .await;
    assert_eq!(config["paymentProvider"], "test");
    assert_eq!(config["stripePublishableKey"], Value::Null);
    let (_kitchen_client, mut kitchen) = kitchen_subscriber(&server, "demo").await;

    let pickup = first_pickup_slot(&server).await;
    let placed = json_of(place(&server, &takeout_body(&pickup), "takeout-test-1").await).await;
    assert_eq!(placed["payment"]["provider"], "test");
    assert_eq!(placed["payment"]["publishable_key"], Value::Null);
    let id = placed["order"]["id"].as_str().unwrap();
    let pay = |token: &str| {
        server
            .http
            .post(server.api(&format!("/restaurants/demo/orders/{id}/test-payment")))
            .header("X-Order-Token", token)
            .send()
    };
    // Someone without the order's token cannot pay (or probe) it.
    let stranger = pay("AAAAAAAAAAAAAAAAAAAAAA").await.unwrap();
    assert_eq!(stranger.status(), 404);
    let paid = pay(placed["access_token"].as_str().unwrap()).await.unwrap();
    assert_eq!(paid.status(), 200);
    let paid = json_of(paid).await;
    assert_eq!(paid["test_payment"], true);
    assert_eq!(paid["status"], "ACCEPTED");
    // Paying twice is refused: the order no longer waits for payment.
    let again = pay(placed["access_token"].as_str().unwrap()).await.unwrap();
    assert_eq!(again.status(), 409);
    let tickets = assert_dispatched_once(&server, &placed, &mut kitchen).await;
    assert!(
        tickets.iter().all(|t| t["test_payment"] == true),
        "a test-paid order's tickets print TEST PAYMENT - NOT PAID: {tickets:?}"
    );
}

#[tokio::test]
async fn takeout_input_is_checked_with_stable_codes() {
    let server = LocalServer::start().await;
    let pickup = first_pickup_slot(&server).await;
    let cases = [
        (
            json!({"customer": {"name": " ", "email": "a@example.com", "phone": "0301234567"}}),
            "invalid_customer_name",
        ),
        (
            json!({"customer": {"name": "Anna", "email": "anna@", "phone": "0301234567"}}),
            "invalid_email",
        ),
        (
            json!({"customer": {"name": "Anna", "email": "a@example.com", "phone": "12"}}),
            "invalid_phone",
        ),
        (
            json!({"pickup_at": "2020-01-01T12:00:00Z"}),
            "pickup_time_unavailable",
        ),
        (
            json!({"pickup_at": "tomorrow-ish"}),
            "pickup_time_unavailable",
        ),
        (json!({"lines": []}), "empty_cart"),
    ];
    for (i, (change, code)) in cases.into_iter().enumerate() {
        let mut body = takeout_body(&pickup);
        for (key, value) in change.as_object().unwrap() {
            body[key] = value.clone();
        }
        let response = place(&server, &body, &format!("bad-{i}")).await;
        assert_eq!(response.status(), 422, "{code}");
        let answer = json_of(response).await;
        assert_eq!(answer["code"], code, "{answer}");
        assert!(!answer["message"].as_str().unwrap().is_empty());
    }
    let unknown = server
        .http
        .get(server.api("/restaurants/nowhere/pickup-times"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
}
