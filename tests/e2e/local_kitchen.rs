//! Local mode's kitchen path, end to end with the real binaries: an order
//! placed over HTTP is dispatched from the embedded store's change feed to
//! the embedded MQTT broker (mutual TLS), and the real kitchen listener,
//! configured by the file the server writes, prints it and acknowledges it.

use rumqttc::{Event, Packet};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tabletap_core::ticket::decode;
use tabletap_e2e::{LocalServer, binary, kitchen_subscriber};

fn order_body() -> Value {
    json!({
        "lines": [
            {"item_id": "margherita", "quantity": 1, "options": ["large", "nduja"], "note": "no basil"},
            {"item_id": "acqua", "quantity": 2, "options": ["large"]}
        ],
        "note": "Window table"
    })
}

async fn place(server: &LocalServer, table: &str, key: &str) -> Value {
    let token = server.table(table).token.clone();
    let response = server
        .http
        .post(server.api(&format!("/tables/{token}/orders")))
        .header("Idempotency-Key", key)
        .json(&order_body())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

#[tokio::test]
async fn a_table_order_reaches_the_kitchen_broker_as_tickets() {
    let server = LocalServer::start().await;
    let (_client, mut events) = kitchen_subscriber(&server, "demo").await;

    let started = Instant::now();
    let order = place(&server, "Table 3", "kitchen-broker-1").await;
    // One ticket per station (pizza oven, bar): take them all.
    let mut tickets = Vec::new();
    let mut first_after = None;
    let collect = async {
        while tickets.len() < 2 {
            if let Event::Incoming(Packet::Publish(publish)) = events.poll().await.unwrap() {
                first_after.get_or_insert_with(|| started.elapsed());
                let ticket = decode(&publish.payload).expect("a v1 ticket");
                assert_eq!(publish.topic, ticket.topic());
                tickets.push(ticket);
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(5), collect)
        .await
        .expect("both tickets within 5 s");
    // How fast, measured over many orders, is the `kitchen_latency`
    // example's job (docs/benchmarks.md); here it only has to arrive.
    let elapsed = first_after.expect("a ticket arrived");
    println!("order placed -> first ticket on the broker: {elapsed:?}");

    let ticket = tickets
        .iter()
        .find(|t| t.lines.iter().any(|l| l.name == "Margherita"))
        .expect("the pizza station's ticket");
    assert_eq!(ticket.topic(), "tabletap/demo/kitchen/pizza");
    assert_eq!(ticket.order_id.as_str(), order["id"].as_str().unwrap());
    assert_eq!(
        ticket.order_number.to_string(),
        order["number"].as_str().unwrap()
    );
    assert_eq!(ticket.table.as_deref(), Some("Table 3"));
    assert_eq!(ticket.note.as_deref(), Some("Window table"));
    let pizza = ticket
        .lines
        .iter()
        .find(|l| l.name == "Margherita")
        .expect("the pizza is on the ticket");
    assert_eq!(pizza.note.as_deref(), Some("no basil"));
}

#[tokio::test]
async fn the_real_listener_prints_the_ticket_and_the_order_becomes_printed() {
    let server = LocalServer::start().await;
    let config = server.data_dir().join("kitchen/listener.toml");
    assert!(
        config.exists(),
        "the server writes the listener's configuration"
    );
    let mut listener = tokio::process::Command::new(binary("tabletap-listener"))
        .arg("--config")
        .arg(&config)
        .arg("run")
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start tabletap-listener");
    // A broker keeps tickets only for a listener it has seen: wait until the
    // listener's first subscription is in place.
    // The listener logs to stderr.
    let mut output = tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(
        listener.stderr.take().unwrap(),
    ));
    let stdout = listener.stdout.take().unwrap();
    tokio::spawn(async move {
        let mut lines = tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(stdout));
        while let Ok(Some(line)) = lines.next_line().await {
            eprintln!("listener: {line}");
        }
    });
    tokio::time::timeout(Duration::from_secs(15), async {
        while let Some(line) = output.next_line().await.unwrap() {
            eprintln!("listener: {line}");
            if line.contains("subscribed") {
                return;
            }
        }
        panic!("the listener exited before subscribing");
    })
    .await
    .expect("the listener subscribes within 15 s");
    tokio::spawn(async move {
        while let Ok(Some(line)) = output.next_line().await {
            eprintln!("listener: {line}");
        }
    });

    let order = place(&server, "Table 5", "kitchen-print-1").await;
    let (id, token) = (
        order["id"].as_str().unwrap().to_owned(),
        order["access_token"].as_str().unwrap().to_owned(),
    );
    let printer = server.data_dir().join("kitchen/printer.escpos");
    let mut status = String::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        let current: Value = server
            .http
            .get(server.api(&format!("/restaurants/demo/orders/{id}")))
            .header("X-Order-Token", &token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        status = current["status"].as_str().unwrap().to_owned();
        if status == "PRINTED" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status, "PRINTED", "the listener's acknowledgement arrived");
    let printed = std::fs::read(&printer).expect("the printer file exists");
    let text = String::from_utf8_lossy(&printed);
    for expected in [
        "Margherita",
        "no basil",
        "Table 5",
        order["number"].as_str().unwrap(),
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} is on the printed ticket"
        );
    }
    listener.kill().await.ok();
}
