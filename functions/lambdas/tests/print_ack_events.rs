//! Replays the IoT rule events in `events/iot/` through the print-ack
//! function's handler on DynamoDB Local.

use tabletap_app::ports::{OrderStore, StatusUpdate};
use tabletap_core::fixtures::sample_order;
use tabletap_core::order::{Order, OrderStatus};
use tabletap_lambdas::print_ack::{PrintAckEvent, handle_print_ack};
use tabletap_store_dynamodb::DynamoDbStore;
use tabletap_store_dynamodb::local::fresh_test_store;

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

    handle_print_ack(&store, event("print-ack.json"))
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
    handle_print_ack(&store, event("print-ack.json"))
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
    handle_print_ack(&store, event("print-ack.json"))
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
    handle_print_ack(&store, event("print-ack-wrong-restaurant.json"))
        .await
        .unwrap();
    handle_print_ack(&store, event("print-ack-unknown-order.json"))
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
    handle_print_ack(&store, event("print-ack.json"))
        .await
        .unwrap();
    assert_eq!(stored(&store, &order).await.status, OrderStatus::Completed);
}
