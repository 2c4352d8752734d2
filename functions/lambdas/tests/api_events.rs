//! Replays the sample API Gateway events in `events/api/` through the
//! Lambda functions' real composition: the shared handlers on the DynamoDB
//! store, against Amazon DynamoDB Local.

use lambda_http::http::StatusCode;
use serde_json::Value;
use std::sync::Arc;
use tabletap_api::cors::Cors;
use tabletap_api::{AppState, Route};
use tabletap_app::ports::{MenuStore, OrderStore, RestaurantStore, TableStore};
use tabletap_core::fixtures::{berlin, sample_menu, sample_order};
use tabletap_core::ids::TableId;
use tabletap_core::table::Table;
use tabletap_core::token::TableToken;
use tabletap_store_dynamodb::local::fresh_test_store;

async fn seeded_state() -> AppState {
    let store = fresh_test_store("tabletap-events").await;
    store.put_restaurant(&berlin()).await.unwrap();
    store.put_menu(&sample_menu()).await.unwrap();
    let table = Table {
        restaurant_id: berlin().id,
        id: TableId::parse("7").unwrap(),
        label: "Table 7".into(),
        token: TableToken::from_random_bytes([7; 16]),
    };
    store.put_table(&table).await.unwrap();
    store.create_order(&sample_order(), None).await.unwrap();
    AppState {
        cors: Cors::from_list("https://order.example.com"),
        ..AppState::new(Arc::new(store))
    }
}

async fn replay(
    state: &AppState,
    route: Route,
    event_file: &str,
) -> (StatusCode, Value, lambda_http::http::HeaderMap) {
    let path = format!(
        "{}/../../events/api/{event_file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let request =
        lambda_http::request::from_str(&text).unwrap_or_else(|e| panic!("{event_file}: {e}"));
    let response = tabletap_api::handle(route, state, request).await;
    let status = response.status();
    let headers = response.headers().clone();
    let body: Value = serde_json::from_slice(response.body().as_ref()).expect("JSON body");
    (status, body, headers)
}

#[tokio::test]
async fn every_sample_event_gets_the_expected_answer() {
    let state = seeded_state().await;

    let (status, body, headers) = replay(&state, Route::GetTable, "get-table.json").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["table"]["label"], "Table 7");
    assert_eq!(
        headers["access-control-allow-origin"],
        "https://order.example.com"
    );

    let (status, body, _) = replay(&state, Route::GetMenu, "get-menu.json").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["categories"][0]["items"][0]["id"], "margherita");

    let (status, placed, _) =
        replay(&state, Route::PlaceDineInOrder, "place-dine-in-order.json").await;
    assert_eq!(status, StatusCode::CREATED, "{placed}");
    // Margherita 9.00 + large 3.00 + olives 1.00 = 13.00 x2, water 2.50.
    assert_eq!(
        placed["totals"]["total"], 2850,
        "the event's \"total\": 1 is ignored"
    );
    assert_eq!(placed["number"], "A-001");

    let (status, again, headers) =
        replay(&state, Route::PlaceDineInOrder, "place-dine-in-order.json").await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        again["id"], placed["id"],
        "a redelivered request returns the same order"
    );
    assert_eq!(headers["idempotent-replayed"], "true");

    let (status, base64, _) = replay(
        &state,
        Route::PlaceDineInOrder,
        "place-dine-in-order-base64.json",
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "a base64-encoded body is read like any other: {base64}"
    );
    assert_eq!(base64["number"], "A-002");
    assert_eq!(base64["totals"]["total"], 2850);

    let (status, error, _) = replay(
        &state,
        Route::PlaceDineInOrder,
        "place-dine-in-order-sold-out.json",
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error["code"], "item_unavailable");

    let (status, order, _) = replay(&state, Route::GetOrder, "get-order.json").await;
    assert_eq!(status, StatusCode::OK, "{order}");
    assert_eq!(order["number"], "A-042");
    assert_eq!(order["status"], "ACCEPTED");
}

#[test]
fn missing_configuration_is_named() {
    // SAFETY: this test binary's only other test does not read the variable.
    unsafe { std::env::remove_var("TABLETAP_TABLE_NAME") };
    let error = tabletap_lambdas::Config::from_env()
        .err()
        .expect("no table name configured");
    assert!(error.contains("TABLETAP_TABLE_NAME"), "{error}");
}
