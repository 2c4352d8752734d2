//! Benchmark: how long from a diner's order (HTTP 201) until its ticket is on
//! the kitchen broker, in local mode with the real binaries. Prints figures;
//! asserts nothing about speed.
//!
//! ```sh
//! cargo build -p tabletap-local
//! cargo run -p tabletap-e2e --example kitchen_latency [ORDERS]   # default 100
//! ```
//! It runs the debug build of `tabletap-local` next to it, one order at a
//! time, so the figures are an upper bound for a release build.

use rumqttc::{Event, Packet};
use serde_json::json;
use std::time::{Duration, Instant};
use tabletap_e2e::{LocalServer, kitchen_subscriber};

#[tokio::main]
async fn main() {
    let orders: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(100);
    let mut server = LocalServer::start().await;
    server.lift_order_limits().await;
    let (_client, mut events) = kitchen_subscriber(&server, "demo").await;
    let token = server.table("Table 1").token.clone();
    let mut latencies = Vec::with_capacity(orders);
    for n in 0..orders {
        let started = Instant::now();
        let response = server
            .http
            .post(server.api(&format!("/tables/{token}/orders")))
            .header("Idempotency-Key", format!("bench-{n}"))
            .json(
                &json!({"lines": [{"item_id": "margherita", "quantity": 1, "options": ["large"]}]}),
            )
            .send()
            .await
            .expect("POST order");
        assert_eq!(response.status(), 201);
        let arrived = tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                if let Event::Incoming(Packet::Publish(_)) = events.poll().await.expect("MQTT") {
                    return started.elapsed();
                }
            }
        })
        .await
        .expect("the ticket arrives within 10 s");
        latencies.push(arrived);
    }
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "order -> ticket on the broker, {orders} orders (HTTP POST to MQTT PUBLISH received): \
         p50 {:?}, p95 {:?}, p99 {:?}, max {:?}",
        at(0.5),
        at(0.95),
        at(0.99),
        latencies[latencies.len() - 1]
    );
}
