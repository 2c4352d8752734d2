//! The owner routes as API Gateway delivers them (events/api, owner claims)
//! through the Lambda composition on DynamoDB Local: the restaurant file
//! read and saved with its version, a table removed by the save (its token
//! revoked in the same transaction), a rotation, and the QR codes.

use lambda_http::Body;
use lambda_http::http::{StatusCode, header};
use serde_json::Value;
use std::sync::Arc;
use tabletap_api::{AppState, Route};
use tabletap_app::ports::{MenuStore, TableStore};
use tabletap_app::use_cases::import_restaurant::{check_restaurant_file, import_restaurant};
use tabletap_core::ids::{RestaurantId, TableId};
use tabletap_core::table::TokenLookup;
use tabletap_store_dynamodb::DynamoDbStore;
use tabletap_store_dynamodb::local::fresh_test_store;

const SITE: &str = "https://order.example.com";

fn event_text(name: &str) -> String {
    let path = format!("{}/../../events/api/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn event(text: &str) -> lambda_http::Request {
    lambda_http::request::from_str(text).expect("an API Gateway event")
}

/// The board's sample event (owner claims) on another owner route.
fn owner_event(method: &str, route: &str, table: Option<&str>) -> lambda_http::Request {
    let mut value: Value = serde_json::from_str(&event_text("list-board-orders.json")).unwrap();
    let template = format!("/restaurants/{{restaurant_id}}/owner/{route}");
    let path = template
        .replace("{restaurant_id}", "demo")
        .replace("{table_id}", table.unwrap_or_default());
    value["routeKey"] = format!("{method} {template}").into();
    value["requestContext"]["routeKey"] = value["routeKey"].clone();
    value["rawPath"] = path.clone().into();
    value["requestContext"]["http"]["path"] = path.into();
    value["requestContext"]["http"]["method"] = method.into();
    if let Some(table) = table {
        value["pathParameters"]["table_id"] = table.into();
    }
    event(&value.to_string())
}

async fn seeded() -> (AppState, DynamoDbStore) {
    let store = fresh_test_store("tabletap-owner").await;
    let demo = std::fs::read_to_string(format!(
        "{}/../local/demo/trattoria.yaml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    import_restaurant(
        &store,
        check_restaurant_file("trattoria.yaml", &demo).unwrap(),
    )
    .await
    .unwrap();
    let state = AppState {
        site_url: Some(SITE.into()),
        ..AppState::new(Arc::new(store.clone()))
    };
    (state, store)
}

async fn send(
    state: &AppState,
    route: Route,
    request: lambda_http::Request,
) -> lambda_http::Response<Body> {
    tabletap_api::handle(route, state, request).await
}

fn text(response: &lambda_http::Response<Body>) -> String {
    String::from_utf8(response.body().to_vec()).unwrap()
}

#[tokio::test]
async fn the_restaurant_file_is_read_and_saved_whole_on_dynamodb() {
    let (state, store) = seeded().await;
    let demo = RestaurantId::parse("demo").unwrap();
    let three = store
        .get_table(&demo, &TableId::parse("3").unwrap())
        .await
        .unwrap()
        .unwrap();

    let response = send(
        &state,
        Route::GetRestaurantFile,
        event(&event_text("get-restaurant-file.json")),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK, "{}", text(&response));
    let etag = response.headers()[header::ETAG]
        .to_str()
        .unwrap()
        .to_owned();
    let file: Value = serde_json::from_str(&text(&response)).unwrap();
    assert_eq!(file["restaurant"]["name"], "Trattoria Demo");
    assert_eq!(file["tables"].as_array().unwrap().len(), 10);

    // The sample save: two drinks, tables 1 and 2 only, at a stale version.
    let sample = event_text("save-restaurant-file.json");
    let response = send(&state, Route::SaveRestaurantFile, event(&sample)).await;
    assert_eq!(
        response.status(),
        StatusCode::PRECONDITION_FAILED,
        "{}",
        text(&response)
    );
    assert_eq!(
        store.list_tables(&demo).await.unwrap().len(),
        10,
        "nothing changed"
    );

    // At the version just read: saved.
    let current = sample.replace("\\\"replace-with-the-etag\\\"", &etag.replace('"', "\\\""));
    assert_ne!(current, sample, "the sample has an If-Match to replace");
    let response = send(&state, Route::SaveRestaurantFile, event(&current)).await;
    assert_eq!(response.status(), StatusCode::OK, "{}", text(&response));
    let saved: Value = serde_json::from_str(&text(&response)).unwrap();
    assert_eq!(saved["tables_removed"], 8);
    assert_eq!(saved["tables_kept"], 2);
    assert_ne!(response.headers()[header::ETAG].to_str().unwrap(), etag);
    let menu = store.get_menu(&demo).await.unwrap().unwrap();
    assert_eq!(menu.items().count(), 2);
    assert_eq!(menu.item("espresso").unwrap().price.minor(), 260);
    assert_eq!(
        menu.item("espresso").unwrap().tax_rate.to_percent_string(),
        "19"
    );
    // Table 3 is gone and its sticker says so.
    assert_eq!(store.list_tables(&demo).await.unwrap().len(), 2);
    assert_eq!(
        store.lookup_table_token(&three.token).await.unwrap(),
        Some(TokenLookup::Revoked {
            restaurant_id: demo.clone(),
            table_id: three.id.clone()
        })
    );
}

#[tokio::test]
async fn tables_rotate_and_their_codes_render_on_dynamodb() {
    let (state, store) = seeded().await;
    let demo = RestaurantId::parse("demo").unwrap();
    let response = send(
        &state,
        Route::ListOwnerTables,
        owner_event("GET", "tables", None),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let tables: Value = serde_json::from_str(&text(&response)).unwrap();
    let ids: Vec<&str> = tables["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "1",
            "2",
            "3",
            "4",
            "5",
            "6",
            "7",
            "8",
            "terrace-1",
            "terrace-2"
        ]
    );
    let old = store
        .get_table(&demo, &TableId::parse("4").unwrap())
        .await
        .unwrap()
        .unwrap();

    let response = send(
        &state,
        Route::RotateTableCode,
        owner_event("POST", "tables/{table_id}/rotate", Some("4")),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK, "{}", text(&response));
    let rotated: Value = serde_json::from_str(&text(&response)).unwrap();
    let link = rotated["link"].as_str().unwrap();
    assert!(link.starts_with(&format!("{SITE}/t/")), "{link}");
    assert!(!link.ends_with(old.token.as_str()));
    assert!(matches!(
        store.lookup_table_token(&old.token).await.unwrap(),
        Some(TokenLookup::Revoked { .. })
    ));

    let response = send(
        &state,
        Route::RotateTableCode,
        owner_event("POST", "tables/{table_id}/rotate", Some("99")),
    )
    .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(text(&response).contains("\"unknown_table\""));

    let response = send(
        &state,
        Route::GetQrSheet,
        owner_event("GET", "qr-sheet", None),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/pdf");
    // Binary: API Gateway gets it base64-encoded (lambda_http does that for Body::Binary).
    let Body::Binary(pdf) = response.body() else {
        panic!("the PDF is a binary body")
    };
    assert!(pdf.starts_with(b"%PDF-"));

    let response = send(
        &state,
        Route::GetTableQrCode,
        owner_event("GET", "tables/{table_id}/qr.png", Some("7")),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let Body::Binary(png) = response.body() else {
        panic!("the PNG is a binary body")
    };
    assert!(png.starts_with(b"\x89PNG"));
}
