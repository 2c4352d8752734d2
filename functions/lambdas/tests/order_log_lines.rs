//! One dine-in order's life through the Lambda code paths, with the
//! functions' real log setup (`tabletap_telemetry`) capturing every line:
//! placed (the API event replayed on DynamoDB Local), dispatched (tickets to
//! moto's IoT data plane), printed (the IoT rule's print-ack event). Every
//! line names the restaurant and the order, none is an ERROR, and the
//! business metrics come out as CloudWatch embedded-metric documents.
//!
//! The same life also measures what the bill (scripts/bench/bill.mjs)
//! assumes of log lines (their count and size) and of the items it wrote
//! (each one's DynamoDB size, which sets the write units a write costs).

use serde_json::Value;
use std::io::Write;
use std::sync::{Arc, Mutex};
use tabletap_api::{AppState, Route};
use tabletap_app::ports::{MenuStore, RestaurantStore, SystemClock, TableStore};
use tabletap_app::use_cases::dispatch_accepted_orders::Dispatcher;
use tabletap_core::fixtures::{berlin, sample_menu};
use tabletap_core::ids::{RestaurantId, StationId, TableId};
use tabletap_core::order::OrderId;
use tabletap_core::table::Table;
use tabletap_core::ticket::PrintAck;
use tabletap_core::token::TableToken;
use tabletap_kitchen_iot::IotPublisher;
use tabletap_lambdas::print_ack::{PrintAckEvent, handle_print_ack};
use tabletap_mail_ses::SesMailer;
use tabletap_store_dynamodb::local::fresh_test_store;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Does `value` (a log line, any depth) hold `text` as a string?
fn holds(value: &Value, text: &str) -> bool {
    match value {
        Value::String(s) => s == text,
        Value::Array(items) => items.iter().any(|v| holds(v, text)),
        Value::Object(map) => map.values().any(|v| holds(v, text)),
        _ => false,
    }
}

#[tokio::test]
async fn every_line_of_an_orders_life_names_its_restaurant_and_order() {
    let Some(moto) = tabletap_mail_ses::local::moto_endpoint("order_log_lines") else {
        return;
    };
    let store = fresh_test_store("tabletap-logs").await;
    store.put_restaurant(&berlin()).await.unwrap();
    store.put_menu(&sample_menu()).await.unwrap();
    store
        .put_table(&Table {
            restaurant_id: berlin().id,
            id: TableId::parse("7").unwrap(),
            label: "Table 7".into(),
            token: TableToken::from_random_bytes([7; 16]),
        })
        .await
        .unwrap();
    let store_for_sizes = store.clone();
    let state = AppState::new(Arc::new(store.clone()));
    tabletap_kitchen_iot::local::start_recording(&moto)
        .await
        .unwrap();
    let kitchen = IotPublisher::new(tabletap_kitchen_iot::local::local_client(&moto));
    let mailer = SesMailer::new(
        tabletap_mail_ses::local::local_client(&moto),
        "receipts@logs.example.net".to_owned(),
    );

    let captured = Captured::default();
    let _logging =
        tracing::subscriber::set_default(tabletap_telemetry::subscriber(captured.clone()));

    // Placed: the API Gateway event replayed through the route's handler.
    let event = std::fs::read_to_string(format!(
        "{}/../../events/api/place-dine-in-order.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let response = tabletap_api::handle(
        Route::PlaceDineInOrder,
        &state,
        lambda_http::request::from_str(&event).unwrap(),
    )
    .await;
    assert_eq!(response.status(), 201);
    let placed: Value = serde_json::from_slice(response.body().as_ref()).unwrap();
    let restaurant = RestaurantId::parse(placed["restaurant_id"].as_str().unwrap()).unwrap();
    let order_id = OrderId::parse(placed["id"].as_str().unwrap()).unwrap();

    // Dispatched: what the stream-fed function does for the new order.
    let dispatcher = Dispatcher {
        store: &store,
        kitchen: &kitchen,
        mailer: &mailer,
        clock: &SystemClock,
    };
    let dispatched = dispatcher
        .dispatch_order(&restaurant, &order_id)
        .await
        .unwrap();
    assert!(dispatched.tickets_published > 0);

    // Printed: the listener's ack as the IoT rule hands it over.
    for station in ["bar", "pizza"] {
        let ack = PrintAck {
            version: 1,
            ticket_id: format!("{order_id}.{station}.0"),
            restaurant_id: restaurant.clone(),
            order_id: order_id.clone(),
            station: StationId::parse(station).unwrap(),
            printed_at: tabletap_core::Timestamp::now(),
            printer: "kitchen-pc".into(),
        };
        handle_print_ack(
            &store,
            &SystemClock,
            PrintAckEvent {
                topic_restaurant: restaurant.clone(),
                ack,
            },
        )
        .await
        .unwrap();
    }
    drop(_logging);

    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect();
    assert!(
        lines.len() >= 5,
        "the order's life logged something:\n{text}"
    );
    for line in &lines {
        assert!(
            holds(line, restaurant.as_str()) && holds(line, order_id.as_str()),
            "a line without its restaurant and order: {line}"
        );
        assert_ne!(
            line["level"], "ERROR",
            "a normal order logs no ERROR: {line}"
        );
    }
    let metric = |name: &str| {
        lines
            .iter()
            .find(|l| l["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Name"] == name)
            .unwrap_or_else(|| panic!("no {name} metric in\n{text}"))
            .clone()
    };
    assert_eq!(metric("OrdersPlaced")["OrdersPlaced"], 1);
    assert_eq!(metric("OrdersPlaced")["Channel"], "dine_in");
    assert_eq!(metric("TicketsPrinted")["TicketsPrinted"], 1);
    assert!(metric("OrderToPrinted")["OrderToPrinted"].is_number());
    assert_eq!(
        metric("OrderToPrinted")["_aws"]["CloudWatchMetrics"][0]["Namespace"],
        "TableTap"
    );

    // What the bill assumes: ours are about 300-byte lines, and every item
    // an order writes fits the write units counted there (2 for the order,
    // 1 for anything else).
    let sizes: Vec<usize> = text.lines().map(str::len).collect();
    eprintln!(
        "bill: {} log lines, {} to {} bytes, mean {}",
        sizes.len(),
        sizes.iter().min().unwrap(),
        sizes.iter().max().unwrap(),
        sizes.iter().sum::<usize>() / sizes.len()
    );
    assert!(sizes.iter().all(|&n| n <= 600), "{sizes:?}");
    let endpoint = std::env::var(tabletap_store_dynamodb::local::ENDPOINT_VAR).unwrap();
    let items = tabletap_store_dynamodb::local::local_client(&endpoint)
        .scan()
        .table_name(store_for_sizes.table_name())
        .send()
        .await
        .unwrap()
        .items
        .unwrap_or_default();
    for item in &items {
        let entity = item
            .get("entity")
            .and_then(|v| v.as_s().ok())
            .map_or("?", String::as_str);
        let size = item_size(item);
        eprintln!("bill: item {entity:<16} {size:>5} bytes");
        let units = if entity == "order" { 2 } else { 1 };
        assert!(
            size <= units * 1024,
            "a {entity} item of {size} bytes costs more than the {units} write unit(s) the bill counts"
        );
    }
    assert!(items.iter().any(|i| {
        i.get("entity")
            .and_then(|v| v.as_s().ok())
            .is_some_and(|e| e == "order")
    }));
}

/// An item's size as DynamoDB bills it: every attribute's name and value
/// (numbers: about one byte per two digits, plus one; maps and lists: 3
/// bytes plus one per element).
fn item_size(
    item: &std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue>,
) -> usize {
    use aws_sdk_dynamodb::types::AttributeValue as A;
    fn value(v: &A) -> usize {
        match v {
            A::S(s) => s.len(),
            A::N(n) => n.trim_start_matches('-').len().div_ceil(2) + 1,
            A::B(b) => b.as_ref().len(),
            A::Bool(_) | A::Null(_) => 1,
            A::M(m) => 3 + m.iter().map(|(k, v)| k.len() + value(v) + 1).sum::<usize>(),
            A::L(l) => 3 + l.iter().map(|v| value(v) + 1).sum::<usize>(),
            A::Ss(s) => s.iter().map(String::len).sum(),
            A::Ns(n) => n.iter().map(|n| n.len().div_ceil(2) + 1).sum(),
            A::Bs(b) => b.iter().map(|b| b.as_ref().len()).sum(),
            _ => 0,
        }
    }
    item.iter().map(|(k, v)| k.len() + value(v)).sum()
}
