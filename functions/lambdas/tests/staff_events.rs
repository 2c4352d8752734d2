//! The staff routes as API Gateway delivers them: sample events with the JWT
//! authorizer's claims (groups flattened to "[demo:owner demo:staff]")
//! through the Lambda composition on DynamoDB Local, and what a board's
//! idle poll costs there (ConsumedCapacity, answer size).

use lambda_http::http::StatusCode;
use serde_json::Value;
use std::sync::Arc;
use tabletap_api::cors::Cors;
use tabletap_api::{AppState, Route};
use tabletap_app::ports::{OrderStore, RestaurantStore};
use tabletap_core::fixtures::{berlin, sample_order};
use tabletap_core::order::{OrderId, OrderStatus};
use tabletap_store_dynamodb::DynamoDbStore;
use tabletap_store_dynamodb::local::fresh_test_store;

fn event(name: &str) -> lambda_http::Request {
    let path = format!("{}/../../events/api/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    lambda_http::request::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

async fn state() -> (AppState, DynamoDbStore) {
    let store = fresh_test_store("tabletap-staff").await;
    store.put_restaurant(&berlin()).await.unwrap();
    // A busy evening's worth of orders, all changed long before the poll.
    for n in 0..30u128 {
        let mut order = sample_order();
        order.id = OrderId::new(order.placed_at, n + 1);
        store.create_order(&order, None).await.unwrap();
    }
    let state = AppState {
        cors: Cors::from_list("https://order.example.com"),
        ..AppState::new(Arc::new(store.clone()))
    };
    (state, store)
}

async fn send(
    state: &AppState,
    route: Route,
    request: lambda_http::Request,
) -> (StatusCode, String) {
    let response = tabletap_api::handle(route, state, request).await;
    let status = response.status();
    let body = String::from_utf8(response.body().to_vec()).unwrap();
    (status, body)
}

#[tokio::test]
async fn staff_events_are_authorized_by_their_flattened_groups() {
    let (state, _) = state().await;
    let (status, body) = send(
        &state,
        Route::ListBoardOrders,
        event("list-board-orders.json"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let board: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(board["restaurant"]["id"], "demo");
    let (status, body) = send(
        &state,
        Route::ListBoardOrders,
        event("list-board-orders-other-restaurant.json"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("\"other_restaurant\""), "{body}");
    let (status, body) = send(&state, Route::GetSales, event("get-sales-as-staff.json")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("\"owner_only\""), "{body}");
}

#[tokio::test]
async fn an_idle_poll_reads_one_index_query_and_answers_under_1_kb() {
    let (state, store) = state().await;
    let (status, body) = send(
        &state,
        Route::ListBoardOrders,
        event("list-board-orders.json"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let board: Value = serde_json::from_str(&body).unwrap();
    let mut cursor = board["cursor"].as_str().unwrap().to_owned();

    let poll = |cursor: &str| {
        let mut request = event("list-board-orders.json");
        *request.uri_mut() = format!("https://abc123.execute-api.eu-central-1.amazonaws.com/restaurants/demo/staff/changes?cursor={cursor}")
            .parse()
            .unwrap();
        lambda_http::RequestExt::with_query_string_parameters(
            request,
            std::collections::HashMap::from([("cursor".to_owned(), cursor.to_owned())]),
        )
    };
    let before = store.change_read_units();
    let (status, idle) = send(&state, Route::GetOrderChanges, poll(&cursor)).await;
    assert_eq!(status, StatusCode::OK, "{idle}");
    let idle_units = store.change_read_units() - before;
    println!(
        "idle poll with 30 orders on the day: {idle_units} RCU (DynamoDB Local ConsumedCapacity), {} bytes: {idle}",
        idle.len()
    );
    assert!(
        idle.len() < 1024,
        "an idle poll answers {} bytes",
        idle.len()
    );
    assert!(idle_units <= 0.5, "an idle poll costs {idle_units} RCU");
    let parsed: Value = serde_json::from_str(&idle).unwrap();
    assert_eq!(parsed["orders"], serde_json::json!([]));
    cursor = parsed["cursor"].as_str().unwrap().to_owned();

    // One order changes: the next poll delivers it (one index item, then
    // one consistent read of the order).
    let first = OrderId::new(sample_order().placed_at, 1);
    store
        .update_order_status(
            &berlin().id,
            &first,
            OrderStatus::Accepted,
            OrderStatus::Sent,
            tabletap_core::Timestamp::now(),
        )
        .await
        .unwrap();
    let before = store.change_read_units();
    let (status, changed) = send(&state, Route::GetOrderChanges, poll(&cursor)).await;
    assert_eq!(status, StatusCode::OK);
    let changed_units = store.change_read_units() - before;
    let parsed: Value = serde_json::from_str(&changed).unwrap();
    assert_eq!(parsed["orders"].as_array().unwrap().len(), 1);
    assert_eq!(parsed["orders"][0]["status"], "SENT");
    println!(
        "poll after one change: {changed_units} RCU on the change index (+1 consistent GetItem of the order), {} bytes",
        changed.len()
    );
}
