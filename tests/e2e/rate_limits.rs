//! Order rate limits, end to end: a photographed table code cannot flood
//! the kitchen. 30 orders from one table link within a minute: the demo's
//! limit (10 per table in 10 minutes) lets 10 through; the other 20 get 429
//! with Retry-After, and nothing is stored or sent to the kitchen for them.
//! Another table of the restaurant keeps ordering.

use rumqttc::{Event, Packet};
use serde_json::{Value, json};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tabletap_e2e::{LocalServer, kitchen_subscriber};

fn one_pizza() -> Value {
    // One station (the pizza oven): one ticket per order.
    json!({"lines": [{"item_id": "margherita", "quantity": 1, "options": ["large"]}]})
}

async fn order(server: &LocalServer, table: &str, key: &str) -> reqwest::Response {
    let token = server.table(table).token.clone();
    server
        .http
        .post(server.api(&format!("/tables/{token}/orders")))
        .header("Idempotency-Key", key)
        .json(&one_pizza())
        .send()
        .await
        .expect("POST order")
}

/// The limits count in windows aligned to the clock: start well inside one
/// so the 30 orders all fall in the same 10-minute window.
async fn wait_for_a_fresh_window() {
    let into_window = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        % 600;
    if into_window > 570 {
        tokio::time::sleep(Duration::from_secs(600 - into_window + 1)).await;
    }
}

#[tokio::test]
async fn a_flood_from_one_table_is_refused_and_leaves_nothing() {
    let mut server = LocalServer::start().await;
    let (_client, mut kitchen) = kitchen_subscriber(&server, "demo").await;
    wait_for_a_fresh_window().await;

    let (mut placed, mut refused) = (0, 0);
    for n in 0..30 {
        let response = order(&server, "Table 4", &format!("flood-{n}")).await;
        match response.status().as_u16() {
            201 => placed += 1,
            429 => {
                refused += 1;
                let retry_after: u64 = response
                    .headers()
                    .get("retry-after")
                    .expect("a 429 says when to retry")
                    .to_str()
                    .unwrap()
                    .parse()
                    .expect("Retry-After in seconds");
                assert!(
                    (1..=600).contains(&retry_after),
                    "Retry-After {retry_after}"
                );
                let body: Value = response.json().await.unwrap();
                assert_eq!(body["code"], "too_many_orders");
                let message = body["message"].as_str().unwrap();
                assert!(message.contains("10 orders in 10 minutes"), "{message}");
            }
            other => panic!("order {n}: unexpected status {other}"),
        }
    }
    assert_eq!((placed, refused), (10, 20), "10 placed, 20 refused");

    // A refused order retried with its own key is still refused (it was
    // never stored, so there is nothing to replay).
    assert_eq!(order(&server, "Table 4", "flood-29").await.status(), 429);
    // Another table is unaffected.
    assert_eq!(order(&server, "Table 5", "neighbour-1").await.status(), 201);

    // The kitchen gets exactly the 11 accepted orders' tickets. Nobody
    // acknowledges them here, so the redelivery sweep sends them again
    // (same ticket ids): count distinct tickets.
    let mut tickets = std::collections::HashSet::new();
    let _ = tokio::time::timeout(Duration::from_secs(8), async {
        loop {
            if let Event::Incoming(Packet::Publish(p)) = kitchen.poll().await.expect("MQTT") {
                let ticket: Value = serde_json::from_slice(&p.payload).expect("ticket JSON");
                tickets.insert(ticket["ticket_id"].as_str().unwrap().to_owned());
            }
        }
    })
    .await;
    assert_eq!(
        tickets.len(),
        11,
        "tickets published for 10 + 1 accepted orders: {tickets:?}"
    );

    server.stop().await;
    assert_eq!(
        server.stored_orders("demo").await,
        11,
        "nothing stored for refused orders"
    );
}
