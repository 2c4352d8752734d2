//! Replays the IoT rule events in `events/iot/` through the print-ack
//! function's handler on DynamoDB Local.

use tabletap_app::ports::{Clock, OrderStore, StatusUpdate};
use tabletap_app::ticket_delivery::{TicketLedger, TicketRecord};
use tabletap_core::Timestamp;
use tabletap_core::fixtures::sample_order;
use tabletap_core::ids::StationId;
use tabletap_core::order::{Order, OrderStatus};
use tabletap_core::ticket::tickets_for_order;
use tabletap_lambdas::print_ack::{PrintAckEvent, handle_print_ack};
use tabletap_store_dynamodb::DynamoDbStore;
use tabletap_store_dynamodb::local::fresh_test_store;

/// A clock a few seconds after the events' `printed_at`.
struct FixedClock(&'static str);

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        self.0.parse().unwrap()
    }
}

const NEAR_THE_PRINT: FixedClock = FixedClock("2026-11-21T18:03:09Z");

fn event(file: &str) -> PrintAckEvent {
    let path = format!("{}/../../events/iot/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
}

async fn stored(store: &DynamoDbStore, order: &Order) -> Order {
    store
        .get_order(&order.restaurant_id, &order.id)
        .await
        .unwrap()
        .expect("order exists")
}

#[tokio::test]
async fn a_print_ack_marks_the_order_printed_once() {
    let store = fresh_test_store("tabletap-print-ack").await;
    let order = sample_order();
    store.create_order(&order, None).await.unwrap();
    let sent = store
        .update_order_status(
            &order.restaurant_id,
            &order.id,
            OrderStatus::Accepted,
            OrderStatus::Sent,
            order.placed_at,
        )
        .await
        .unwrap();
    assert!(matches!(sent, StatusUpdate::Applied(_)));

    handle_print_ack(&store, &NEAR_THE_PRINT, event("print-ack.json"))
        .await
        .unwrap();
    let printed = stored(&store, &order).await;
    assert_eq!(printed.status, OrderStatus::Printed);
    assert_eq!(
        printed.history.last().unwrap().at.to_string(),
        "2026-11-21T18:03:07Z",
        "the printer's time is kept"
    );

    // MQTT delivers at least once: the same ack again changes nothing.
    handle_print_ack(&store, &NEAR_THE_PRINT, event("print-ack.json"))
        .await
        .unwrap();
    assert_eq!(
        stored(&store, &order).await.history.len(),
        printed.history.len()
    );
}

#[tokio::test]
async fn an_ack_that_overtakes_the_sent_write_still_counts() {
    let store = fresh_test_store("tabletap-print-ack").await;
    let order = sample_order();
    store.create_order(&order, None).await.unwrap();
    handle_print_ack(&store, &NEAR_THE_PRINT, event("print-ack.json"))
        .await
        .unwrap();
    assert_eq!(stored(&store, &order).await.status, OrderStatus::Printed);
}

#[tokio::test]
async fn stray_acks_change_nothing_and_are_not_retried() {
    let store = fresh_test_store("tabletap-print-ack").await;
    let order = sample_order();
    store.create_order(&order, None).await.unwrap();

    // Names restaurant "demo" but came in on another restaurant's topic.
    handle_print_ack(
        &store,
        &NEAR_THE_PRINT,
        event("print-ack-wrong-restaurant.json"),
    )
    .await
    .unwrap();
    handle_print_ack(
        &store,
        &NEAR_THE_PRINT,
        event("print-ack-unknown-order.json"),
    )
    .await
    .unwrap();
    assert_eq!(stored(&store, &order).await.status, OrderStatus::Accepted);

    // An order already served stays served.
    for (from, to) in [
        (OrderStatus::Accepted, OrderStatus::Ready),
        (OrderStatus::Ready, OrderStatus::Completed),
    ] {
        store
            .update_order_status(&order.restaurant_id, &order.id, from, to, order.placed_at)
            .await
            .unwrap();
    }
    handle_print_ack(&store, &NEAR_THE_PRINT, event("print-ack.json"))
        .await
        .unwrap();
    assert_eq!(stored(&store, &order).await.status, OrderStatus::Completed);
}

#[tokio::test]
async fn a_printed_at_far_from_the_receive_time_is_replaced_by_it() {
    let store = fresh_test_store("tabletap-print-ack").await;
    let order = sample_order();
    store.create_order(&order, None).await.unwrap();
    let a_day_later = FixedClock("2026-11-22T18:03:09Z");
    handle_print_ack(&store, &a_day_later, event("print-ack.json"))
        .await
        .unwrap();
    let printed = stored(&store, &order).await;
    assert_eq!(printed.status, OrderStatus::Printed);
    assert_eq!(
        printed.history.last().unwrap().at.to_string(),
        "2026-11-22T18:03:09Z"
    );
}

#[tokio::test]
async fn an_order_for_two_stations_stays_sent_until_both_printed() {
    let store = fresh_test_store("tabletap-print-ack").await;
    let mut order = sample_order();
    let mut drink = order.lines[0].clone();
    drink.station = StationId::parse("bar").unwrap();
    order.lines.push(drink);
    store.create_order(&order, None).await.unwrap();
    let tickets: Vec<_> = tickets_for_order(&order, "Europe/Berlin", 0)
        .iter()
        .map(|t| TicketRecord::pending(t, order.placed_at))
        .collect();
    store.record_tickets_pending(&tickets).await.unwrap();
    store
        .update_order_status(
            &order.restaurant_id,
            &order.id,
            OrderStatus::Accepted,
            OrderStatus::Sent,
            order.placed_at,
        )
        .await
        .unwrap();

    // print-ack.json is the pizza ticket: the bar's is still owed.
    handle_print_ack(&store, &NEAR_THE_PRINT, event("print-ack.json"))
        .await
        .unwrap();
    assert_eq!(stored(&store, &order).await.status, OrderStatus::Sent);

    let mut bar = event("print-ack.json");
    bar.ack.ticket_id = format!("{}.bar.0", order.id);
    bar.ack.station = StationId::parse("bar").unwrap();
    handle_print_ack(&store, &NEAR_THE_PRINT, bar)
        .await
        .unwrap();
    assert_eq!(stored(&store, &order).await.status, OrderStatus::Printed);
    let owed = store
        .order_tickets(&order.restaurant_id, &order.id)
        .await
        .unwrap();
    assert!(owed.iter().all(TicketRecord::is_printed));
}
