//! The public API of the local server, driven over HTTP like the diner site.

use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tabletap_e2e::{LocalServer, json_of};

async fn post_order(
    server: &LocalServer,
    token: &str,
    body: &Value,
    key: Option<&str>,
) -> reqwest::Response {
    let mut request = server
        .http
        .post(server.api(&format!("/tables/{token}/orders")))
        .json(body);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    request.send().await.expect("POST order")
}

async fn stored_orders(server: &LocalServer) -> usize {
    server.stored_orders("demo").await
}

fn pizza_order() -> Value {
    json!({
        "lines": [
            {"item_id": "margherita", "quantity": 2, "options": ["large", "nduja"], "note": "extra crispy",
             "price": 1, "unit_price": 1, "line_total": 2},
            {"item_id": "acqua", "quantity": 1, "options": ["large"]}
        ],
        "note": "Birthday table",
        "total": 3,
        "subtotal": 3
    })
}

#[tokio::test]
async fn a_table_order_is_priced_by_the_server_and_survives_a_restart() {
    let mut server = LocalServer::start().await;
    let token = server.table("Table 7").token.clone();

    let table = server
        .get_json(&server.api(&format!("/tables/{token}")))
        .await;
    assert_eq!(table["table"]["label"], "Table 7");
    assert_eq!(table["restaurant"]["id"], "demo");
    let menu = server.get_json(&server.api("/restaurants/demo/menu")).await;
    assert_eq!(menu["categories"][0]["name"], "Antipasti");

    let response = post_order(&server, &token, &pizza_order(), None).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let order = json_of(response).await;
    // Margherita 9.50 + large 3.50 + 'nduja 2.00 = 15.00, twice; water 3.90 + 3.00.
    assert_eq!(order["lines"][0]["unit_price"], 1500);
    assert_eq!(order["lines"][0]["line_total"], 3000);
    assert_eq!(order["lines"][1]["line_total"], 690);
    assert_eq!(order["totals"]["subtotal"], 3690);
    assert_eq!(
        order["totals"]["total"], 3690,
        "the client's total is ignored"
    );
    // Inclusive tax: 7% contained in 30.00 = 1.96; 19% in 6.90 = 1.10.
    assert_eq!(order["totals"]["tax"], 196 + 110);
    assert_eq!(order["status"], "ACCEPTED");
    assert_eq!(order["channel"]["table_label"], "Table 7");
    let number = order["number"].as_str().unwrap().to_owned();
    assert!(number.starts_with("A-"), "{number}");
    let (id, access) = (
        order["id"].as_str().unwrap().to_owned(),
        order["access_token"].as_str().unwrap().to_owned(),
    );

    server.restart().await;

    let url = server.api(&format!("/restaurants/demo/orders/{id}"));
    let response = server
        .http
        .get(&url)
        .header("X-Order-Token", &access)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let stored = json_of(response).await;
    assert_eq!(stored["number"], number.as_str());
    assert_eq!(stored["totals"]["total"], 3690);
    assert_eq!(stored["lines"][0]["note"], "extra crispy");
    assert!(
        stored.get("access_token").is_none(),
        "the token is only handed out once"
    );
    // The table links stay the same across restarts.
    let again = server
        .http
        .get(server.api(&format!("/tables/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::OK);

    // Reading needs the right token.
    let missing = server.http.get(&url).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(json_of(missing).await["code"], "order_token_required");
    let wrong = server
        .http
        .get(&url)
        .header("X-Order-Token", "AAAAAAAAAAAAAAAAAAAAAA")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::NOT_FOUND);
    assert_eq!(json_of(wrong).await["code"], "order_not_found");
}

#[tokio::test]
async fn bad_orders_get_clear_errors_and_store_nothing() {
    let mut server = LocalServer::start().await;
    let token = server.table("Table 3").token.clone();
    let line = |item: &str, quantity: Value, options: Value| json!({"lines": [{"item_id": item, "quantity": quantity, "options": options}]});

    let cases: Vec<(&str, Value, StatusCode, &str)> = vec![
        (
            "unknown item",
            line("calzone", json!(1), json!([])),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_item",
        ),
        (
            "sold out",
            line("quattro-formaggi", json!(1), json!(["regular"])),
            StatusCode::CONFLICT,
            "item_unavailable",
        ),
        (
            "sold-out option",
            line("margherita", json!(1), json!(["regular", "truffle"])),
            StatusCode::CONFLICT,
            "option_unavailable",
        ),
        (
            "missing size",
            line("margherita", json!(1), json!([])),
            StatusCode::UNPROCESSABLE_ENTITY,
            "missing_required_option",
        ),
        (
            "four extras",
            line(
                "margherita",
                json!(1),
                json!(["regular", "buffalo", "nduja", "olives", "rocket"]),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "too_many_options",
        ),
        (
            "zero",
            line("negroni", json!(0), json!([])),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_quantity",
        ),
        (
            "negative",
            line("negroni", json!(-2), json!([])),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_quantity",
        ),
        (
            "too many",
            line("negroni", json!(100), json!([])),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_quantity",
        ),
        (
            "huge",
            line("negroni", json!(1e30), json!([])),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            "fractional",
            line("negroni", json!(1.5), json!([])),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            "empty cart",
            json!({"lines": []}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "empty_cart",
        ),
        (
            "no lines",
            json!({"note": "hi"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
    ];
    for (name, body, status, code) in cases {
        let response = post_order(&server, &token, &body, None).await;
        assert_eq!(response.status(), status, "{name}");
        let error = json_of(response).await;
        assert_eq!(error["code"], code, "{name}: {error}");
        let message = error["message"].as_str().unwrap();
        assert!(
            message.len() > 15 && message.ends_with('.') || message.contains(':'),
            "{name}: {message}"
        );
    }

    let orders_url = server.api(&format!("/tables/{token}/orders"));
    let raw = |body: &'static str, content_type: &'static str| {
        server
            .http
            .post(&orders_url)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let malformed = raw("{\"lines\": [", "application/json").await.unwrap();
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json_of(malformed).await["code"], "malformed_json");
    let array = raw(
        r#"[[{"item_id": "negroni", "quantity": 1}]]"#,
        "application/json",
    )
    .await
    .unwrap();
    assert_eq!(
        array.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "an array is not an order"
    );
    assert_eq!(json_of(array).await["code"], "invalid_body");
    let form = raw("lines=1", "application/x-www-form-urlencoded")
        .await
        .unwrap();
    assert_eq!(form.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(json_of(form).await["code"], "unsupported_media_type");
    let huge_note = "x".repeat(70 * 1024);
    let oversized = post_order(
        &server,
        &token,
        &json!({"lines": [], "note": huge_note}),
        None,
    )
    .await;
    assert_eq!(oversized.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        oversized.headers()["connection"],
        "close",
        "the unread body ends the connection"
    );
    assert_eq!(json_of(oversized).await["code"], "body_too_large");

    let unknown = post_order(&server, "AAAAAAAAAAAAAAAAAAAAAA", &pizza_order(), None).await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert_eq!(json_of(unknown).await["code"], "table_not_found");
    let guessable = post_order(&server, "table-7", &pizza_order(), None).await;
    assert_eq!(guessable.status(), StatusCode::NOT_FOUND);

    // Rotate the table's QR code: the old link is refused, and says why.
    server.stop().await;
    let rotated = server.admin(&["rotate-table", "--table", "3"]);
    let new_token = rotated.trim().rsplit("/t/").next().unwrap().to_owned();
    server.restart().await;
    let revoked = post_order(&server, &token, &pizza_order(), None).await;
    assert_eq!(revoked.status(), StatusCode::GONE);
    let error = json_of(revoked).await;
    assert_eq!(error["code"], "table_revoked");
    assert!(
        error["message"].as_str().unwrap().contains("scan"),
        "{error}"
    );
    let table = server
        .http
        .get(server.api(&format!("/tables/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(table.status(), StatusCode::GONE);

    server.stop().await;
    assert_eq!(
        stored_orders(&server).await,
        0,
        "no refused request stored anything"
    );

    server.restart().await;
    let placed = post_order(&server, &new_token, &pizza_order(), None).await;
    assert_eq!(placed.status(), StatusCode::CREATED, "the new link works");
    assert_eq!(
        json_of(placed).await["number"],
        "A-001",
        "refused requests used no order number"
    );
}

#[tokio::test]
async fn a_retried_post_returns_the_same_order() {
    let mut server = LocalServer::start().await;
    let token = server.table("Table 1").token.clone();
    let first = post_order(&server, &token, &pizza_order(), Some("retry-1")).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first = json_of(first).await;

    let retry = post_order(&server, &token, &pizza_order(), Some("retry-1")).await;
    assert_eq!(retry.status(), StatusCode::CREATED);
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    let retry = json_of(retry).await;
    assert_eq!(retry["id"], first["id"]);
    assert_eq!(retry["number"], first["number"]);
    assert_eq!(retry["access_token"], first["access_token"]);

    let mut other_cart = pizza_order();
    other_cart["lines"][0]["quantity"] = json!(3);
    let reused = post_order(&server, &token, &other_cart, Some("retry-1")).await;
    assert_eq!(reused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json_of(reused).await["code"], "idempotency_key_reused");

    let bad_key = post_order(&server, &token, &pizza_order(), Some("has spaces")).await;
    assert_eq!(bad_key.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json_of(bad_key).await["code"], "invalid_idempotency_key");
    let non_ascii = server
        .http
        .post(server.api(&format!("/tables/{token}/orders")))
        .header(
            "Idempotency-Key",
            reqwest::header::HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap(),
        )
        .json(&pizza_order())
        .send()
        .await
        .unwrap();
    assert_eq!(
        non_ascii.status(),
        StatusCode::BAD_REQUEST,
        "a malformed key is refused, not ignored"
    );

    server.stop().await;
    assert_eq!(stored_orders(&server).await, 1);
}

#[tokio::test]
async fn concurrent_posts_with_one_key_create_one_order() {
    let mut server = LocalServer::start().await;
    let token = server.table("Table 2").token.clone();
    let body = pizza_order();
    // Eight taps: each takes a slot of the table's order limit (10 in 10
    // minutes) before the one winner is known, so more simultaneous taps
    // than the limit would be refused rather than replayed.
    let responses =
        join_all((0..8).map(|_| post_order(&server, &token, &body, Some("double-tap")))).await;
    let mut ids = Vec::new();
    for response in responses {
        assert_eq!(response.status(), StatusCode::CREATED);
        ids.push(json_of(response).await["id"].as_str().unwrap().to_owned());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "every retry got the same order");
    server.stop().await;
    assert_eq!(stored_orders(&server).await, 1);
}

#[tokio::test]
async fn unknown_addresses_and_methods_answer_in_json() {
    let server = LocalServer::start().await;
    let nothing = server
        .http
        .get(server.api("/nothing/here"))
        .send()
        .await
        .unwrap();
    assert_eq!(nothing.status(), StatusCode::NOT_FOUND);
    assert_eq!(json_of(nothing).await["code"], "not_found");
    let token = &server.table("Table 1").token;
    let wrong_method = server
        .http
        .delete(server.api(&format!("/tables/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_method.status(), StatusCode::METHOD_NOT_ALLOWED);
    let no_restaurant = server
        .http
        .get(server.api("/restaurants/nowhere/menu"))
        .send()
        .await
        .unwrap();
    assert_eq!(no_restaurant.status(), StatusCode::NOT_FOUND);
    assert_eq!(json_of(no_restaurant).await["code"], "restaurant_not_found");
    // The site answers table links with its page.
    let page = server
        .http
        .get(format!("{}/t/{token}", server.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
}

#[tokio::test]
async fn a_quote_shows_exactly_the_totals_the_order_will_have() {
    let server = LocalServer::start().await;
    let token = server.table("Table 2").token.clone();
    let cart = pizza_order();

    let quote = server
        .http
        .post(server.api("/restaurants/demo/quote"))
        .json(&cart)
        .send()
        .await
        .unwrap();
    assert_eq!(quote.status(), StatusCode::OK);
    let quote = json_of(quote).await;

    let placed = post_order(&server, &token, &cart, Some("quote-then-order")).await;
    assert_eq!(placed.status(), StatusCode::CREATED);
    let placed = json_of(placed).await;
    assert_eq!(quote["totals"], placed["totals"]);
    assert_eq!(quote["lines"], placed["lines"]);
    assert_eq!(quote["note"], placed["note"]);
    // Client-sent prices are ignored: 2 large margheritas with nduja + water.
    assert_ne!(quote["totals"]["total"], 3);

    // A sold-out item is refused the same way placing it would be.
    let sold_out = server
        .http
        .post(server.api("/restaurants/demo/quote"))
        .json(&json!({"lines": [{"item_id": "quattro-formaggi", "quantity": 1, "options": ["large"]}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(sold_out.status(), StatusCode::CONFLICT);
    let error = json_of(sold_out).await;
    assert_eq!(error["code"], "item_unavailable");
    assert_eq!(error["line"], 1);
}
