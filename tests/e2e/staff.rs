//! The staff side end to end with the real `tabletap-local` (and the real
//! kitchen listener): sign-in, the access check on every staff route, the
//! board and its changes feed, bumps the diner sees, reprints that print,
//! 86, approval, a paid takeout refunded once (localstripe), and the
//! owner managing staff (invite, promote, remove, the last owner stays).
//!
//! The refund test needs localstripe and fails (never skips) without:
//!   export TABLETAP_LOCALSTRIPE_URL=$(scripts/lib/localstripe.sh start | tail -n 1)

use rumqttc::{Event, Packet};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tabletap_api::{ROUTES, Route};
use tabletap_core::staff::AccessLevel;
use tabletap_e2e::{LocalServer, binary, json_of, kitchen_subscriber};

/// The demo staff login the server printed at start.
fn demo_login(server: &LocalServer) -> (String, String) {
    let password = std::fs::read_to_string(server.data_dir().join("demo-staff-password")).unwrap();
    ("staff@demo".into(), password.trim().to_owned())
}

async fn demo_staff_token(server: &LocalServer) -> String {
    let (user, password) = demo_login(server);
    server.sign_in(&user, &password).await
}

fn order_body() -> Value {
    json!({
        "lines": [
            {"item_id": "margherita", "quantity": 1, "options": ["large"], "note": "no basil"},
            {"item_id": "acqua", "quantity": 1, "options": ["large"]}
        ],
        "note": "Window table"
    })
}

async fn place(server: &LocalServer, table: &str) -> Value {
    let token = server.table(table).token.clone();
    let response = server
        .http
        .post(server.api(&format!("/tables/{token}/orders")))
        .json(&order_body())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    json_of(response).await
}

async fn diner_view(server: &LocalServer, placed: &Value) -> Value {
    let id = placed["id"].as_str().unwrap();
    json_of(
        server
            .http
            .get(server.api(&format!("/restaurants/demo/orders/{id}")))
            .header("X-Order-Token", placed["access_token"].as_str().unwrap())
            .send()
            .await
            .unwrap(),
    )
    .await
}

async fn act(server: &LocalServer, token: &str, id: &str, body: Value) -> reqwest::Response {
    server
        .http
        .post(server.api(&format!("/restaurants/demo/staff/orders/{id}/actions")))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// Polls the diner's view until `done` holds (or 15 s pass).
async fn wait_for(server: &LocalServer, placed: &Value, done: impl Fn(&str) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let order = diner_view(server, placed).await;
        if done(order["status"].as_str().unwrap()) || Instant::now() > deadline {
            return order;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A complete PNG of one transparent pixel (IHDR, IDAT, IEND).
const ONE_PIXEL_PNG: &[u8] = &[
    0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, b'I', b'H', b'D', b'R', 0, 0, 0,
    1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89, 0, 0, 0, 0x0b, b'I', b'D', b'A', b'T',
    0x78, 0x9c, 0x63, 0x60, 0x00, 0x02, 0x00, 0x00, 0x05, 0x00, 0x01, 0x7a, 0x5e, 0xab, 0x3f, 0, 0,
    0, 0, b'I', b'E', b'N', b'D', 0xae, 0x42, 0x60, 0x82,
];

/// The member the walk's owner call of `RemoveStaff` removes (added first).
const WALK_MEMBER: &str = "walk-remove@demo.example";

fn url_of(server: &LocalServer, route: Route) -> String {
    let path = route
        .path()
        .replace("{restaurant_id}", "demo")
        .replace("{order_id}", "01kbzzzzzzzzzzzzzzzzzzzzzz")
        .replace("{table_id}", "1")
        .replace("{username}", WALK_MEMBER);
    server.api(&path)
}

/// A body each route with one accepts from an owner, so the walk's owner
/// call succeeds (the staff routes' empty bodies are refused after the
/// access check, which is all the walk asks of them).
fn body_of(route: Route) -> Value {
    match route {
        Route::InviteStaff => json!({"email": "walk-invite@demo.example", "role": "staff"}),
        _ => json!({}),
    }
}

async fn call(server: &LocalServer, route: Route, token: Option<&str>) -> reqwest::Response {
    let mut request = server.http.request(
        route.method(),
        format!("{}?cursor=0", url_of(server, route)),
    );
    if route == Route::SaveRestaurantFile {
        // The demo's own file: a valid save, so an owner gets 200.
        let demo = std::fs::read_to_string(
            tabletap_e2e::repo_root().join("functions/local/demo/trattoria.yaml"),
        )
        .unwrap();
        request = request
            .header("content-type", "application/yaml")
            .body(demo);
    } else if route == Route::UploadPhoto {
        // A real 1x1 PNG, so an owner's upload is taken (201).
        request = request
            .header("content-type", "image/png")
            .body(ONE_PIXEL_PNG);
    } else if route.method() == reqwest::Method::POST {
        request = request.json(&body_of(route));
    }
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

async fn code_of(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    // A PDF or a PNG (the owner's QR codes) has no error code.
    let is_json = response
        .headers()
        .get("content-type")
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !is_json {
        return (status, String::new());
    }
    let body = json_of(response).await;
    (status, body["code"].as_str().unwrap_or_default().to_owned())
}

#[tokio::test]
async fn every_staff_route_refuses_callers_without_the_role() {
    let server = LocalServer::start().await;
    let staff = demo_staff_token(&server).await;
    let other_password = server.add_person("other", "anna@other.example", "owner");
    let other = server.sign_in("anna@other.example", &other_password).await;
    let owner_password = server.add_person("demo", "owner@demo.example", "owner");
    let owner = server.sign_in("owner@demo.example", &owner_password).await;
    server.add_person("demo", WALK_MEMBER, "staff");
    // A token this server did not sign (another data folder's key).
    let foreign = {
        let other_server = LocalServer::start().await;
        demo_staff_token(&other_server).await
    };

    let guarded: Vec<Route> = ROUTES
        .into_iter()
        .filter(|r| r.access() != AccessLevel::Public)
        .collect();
    assert!(
        guarded.len() >= 6,
        "the staff routes are in the route table"
    );
    // Any route under /staff/ is a staff route: one added without an
    // access level above Public fails here.
    for route in ROUTES {
        if route.path().contains("/staff/") {
            assert_ne!(
                route.access(),
                AccessLevel::Public,
                "{route:?} needs a role"
            );
        }
    }
    for route in guarded {
        let name = route.function_name();
        assert_eq!(
            code_of(call(&server, route, None).await).await,
            (401, "sign_in_required".into()),
            "{name} without a token"
        );
        assert_eq!(
            code_of(call(&server, route, Some("not-a-jwt")).await).await,
            (401, "sign_in_required".into()),
            "{name} with a malformed token"
        );
        assert_eq!(
            code_of(call(&server, route, Some(&foreign)).await).await,
            (401, "sign_in_required".into()),
            "{name} with another server's token"
        );
        assert_eq!(
            code_of(call(&server, route, Some(&other)).await).await,
            (403, "other_restaurant".into()),
            "{name} with another restaurant's owner token"
        );
        let (status, code) = code_of(call(&server, route, Some(&staff)).await).await;
        match route.access() {
            AccessLevel::Owner => {
                assert_eq!(
                    (status, code.as_str()),
                    (403, "owner_only"),
                    "{name} as staff"
                );
                let (status, code) = code_of(call(&server, route, Some(&owner)).await).await;
                assert!(
                    (200..300).contains(&status),
                    "{name} as owner got {status} {code}"
                );
            }
            _ => assert!(
                status != 401 && status != 403,
                "{name} as staff got {status} {code}"
            ),
        }
    }
    // The owner can do what staff can.
    let (status, _) = code_of(call(&server, Route::ListBoardOrders, Some(&owner)).await).await;
    assert_eq!(status, 200);
    // Wrong password: no token.
    let wrong = server
        .http
        .post(server.api("/staff/sign-in"))
        .json(&json!({"username": "staff@demo", "password": "wrong password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(code_of(wrong).await, (401, "wrong_credentials".into()));
}

async fn start_listener(server: &LocalServer) -> tokio::process::Child {
    let config = server.data_dir().join("kitchen/listener.toml");
    let mut listener = tokio::process::Command::new(binary("tabletap-listener"))
        .arg("--config")
        .arg(&config)
        .arg("run")
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start tabletap-listener");
    let mut output = tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(
        listener.stderr.take().unwrap(),
    ));
    tokio::time::timeout(Duration::from_secs(15), async {
        while let Some(line) = output.next_line().await.unwrap() {
            if line.contains("subscribed") {
                return;
            }
        }
        panic!("the listener exited before subscribing");
    })
    .await
    .expect("the listener subscribes within 15 s");
    tokio::spawn(async move { while let Ok(Some(_)) = output.next_line().await {} });
    listener
}

fn printed(server: &LocalServer) -> String {
    let bytes = std::fs::read(server.data_dir().join("kitchen/printer.escpos")).unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

#[tokio::test]
async fn the_board_follows_an_order_from_the_table_to_the_pass() {
    let server = LocalServer::start().await;
    let mut listener = start_listener(&server).await;
    let staff = demo_staff_token(&server).await;
    let board_url = server.api("/restaurants/demo/staff/orders");
    let board = json_of(
        server
            .http
            .get(&board_url)
            .bearer_auth(&staff)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(board["orders"], json!([]));
    let mut cursor = board["cursor"].as_str().unwrap().to_owned();

    // An idle poll: small, nothing in it.
    let changes_url = server.api("/restaurants/demo/staff/changes");
    let poll = |cursor: String| {
        let request = server
            .http
            .get(format!("{changes_url}?cursor={cursor}"))
            .bearer_auth(&staff);
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 200);
            response.text().await.unwrap()
        }
    };
    let idle = poll(cursor.clone()).await;
    assert!(
        idle.len() < 1024,
        "an idle poll answers {} bytes",
        idle.len()
    );
    println!("idle poll: {} bytes: {idle}", idle.len());

    let placed = place(&server, "Table 2").await;
    let id = placed["id"].as_str().unwrap().to_owned();
    let changed: Value = serde_json::from_str(&poll(cursor.clone()).await).unwrap();
    let seen = changed["orders"].as_array().unwrap();
    assert_eq!(seen.len(), 1, "the new order is in the next poll");
    assert_eq!(seen[0]["id"], id.as_str());
    assert_eq!(seen[0]["channel"]["table_label"], "Table 2");
    assert_eq!(seen[0]["note"], "Window table");
    assert_eq!(seen[0]["lines"][0]["note"], "no basil");
    assert!(
        seen[0]["tickets"].as_array().unwrap().len() >= 2,
        "a ticket per station"
    );
    cursor = changed["cursor"].as_str().unwrap().to_owned();

    // The listener prints it; the board sees PRINTED on every ticket.
    let printed_order = wait_for(&server, &placed, |s| s == "PRINTED").await;
    assert_eq!(printed_order["status"], "PRINTED");
    let board = json_of(
        server
            .http
            .get(&board_url)
            .bearer_auth(&staff)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let on_board = &board["orders"][0];
    assert!(
        on_board["tickets"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["state"] == "printed" && t["overdue"] == false),
        "{on_board}"
    );
    // Each change is delivered once: after the changes have been seen
    // (and the overlap window has passed), a poll is idle again.
    let after: Value = serde_json::from_str(&poll(cursor.clone()).await).unwrap();
    cursor = after["cursor"].as_str().unwrap().to_owned();
    let again: Value = serde_json::from_str(&poll(cursor.clone()).await).unwrap();
    assert_eq!(again["orders"], json!([]), "nothing new: {again}");

    // Ready: the diner's page shows it; a double tap changes nothing.
    let ready = act(&server, &staff, &id, json!({"action": "ready"})).await;
    assert_eq!(ready.status(), 200);
    assert_eq!(diner_view(&server, &placed).await["status"], "READY");
    let twice = act(&server, &staff, &id, json!({"action": "ready"})).await;
    assert_eq!(twice.status(), 200);
    let history = diner_view(&server, &placed).await["history"]
        .as_array()
        .unwrap()
        .len();

    // Reprint: a REPRINT ticket at the printer, through the listener.
    let before = printed(&server).matches("REPRINT").count();
    let reprint = server
        .http
        .post(server.api(&format!("/restaurants/demo/staff/orders/{id}/reprint")))
        .bearer_auth(&staff)
        .json(&json!({"station": "pizza"}))
        .send()
        .await
        .unwrap();
    assert_eq!(reprint.status(), 202);
    let deadline = Instant::now() + Duration::from_secs(10);
    while printed(&server).matches("REPRINT").count() == before && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let text = printed(&server);
    assert_eq!(
        text.matches("REPRINT").count(),
        before + 1,
        "one REPRINT ticket printed"
    );
    assert!(text.contains(placed["number"].as_str().unwrap()));

    // Complete; then nothing but cancel-free finality.
    let done = act(&server, &staff, &id, json!({"action": "complete"})).await;
    assert_eq!(done.status(), 200);
    let final_view = diner_view(&server, &placed).await;
    assert_eq!(final_view["status"], "COMPLETED");
    assert_eq!(final_view["history"].as_array().unwrap().len(), history + 1);
    let late = act(
        &server,
        &staff,
        &id,
        json!({"action": "cancel", "reason": "x"}),
    )
    .await;
    assert_eq!(code_of(late).await, (409, "action_not_allowed".into()));
    listener.kill().await.ok();
}

#[tokio::test]
async fn cancel_needs_a_reason_and_the_diner_sees_it() {
    let server = LocalServer::start().await;
    let staff = demo_staff_token(&server).await;
    let placed = place(&server, "Table 4").await;
    let id = placed["id"].as_str().unwrap();
    let no_reason = act(&server, &staff, id, json!({"action": "cancel"})).await;
    assert_eq!(code_of(no_reason).await, (400, "reason_required".into()));
    let bad = act(&server, &staff, id, json!({"action": "eat"})).await;
    assert_eq!(code_of(bad).await, (400, "invalid_action".into()));
    let cancelled = act(
        &server,
        &staff,
        id,
        json!({"action": "cancel", "reason": "Guest left"}),
    )
    .await;
    assert_eq!(cancelled.status(), 200);
    let view = json_of(cancelled).await;
    assert_eq!(view["status"], "CANCELLED");
    assert_eq!(view["cancel_reason"], "Guest left");
    let diner = diner_view(&server, &placed).await;
    assert_eq!(diner["status"], "CANCELLED");
    assert_eq!(
        diner["history"].as_array().unwrap().last().unwrap()["reason"],
        "Guest left"
    );
}

#[tokio::test]
async fn an_item_86ed_on_the_board_cannot_be_ordered_at_once() {
    let server = LocalServer::start().await;
    let staff = demo_staff_token(&server).await;
    let set = |item: &str, option: Option<&str>, available: bool| {
        server
            .http
            .post(server.api("/restaurants/demo/staff/availability"))
            .bearer_auth(&staff)
            .json(&json!({"item_id": item, "option_id": option, "available": available}))
            .send()
    };
    assert_eq!(set("margherita", None, false).await.unwrap().status(), 200);
    let menu = server.get_json(&server.api("/restaurants/demo/menu")).await;
    let item = menu["categories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["items"].as_array().unwrap())
        .find(|i| i["id"] == "margherita")
        .unwrap()
        .clone();
    assert_eq!(item["available"], false, "the next menu read sees it");
    let quote = server
        .http
        .post(server.api("/restaurants/demo/quote"))
        .json(&order_body())
        .send()
        .await
        .unwrap();
    assert_eq!(code_of(quote).await, (409, "item_unavailable".into()));
    let token = server.table("Table 1").token.clone();
    let order = server
        .http
        .post(server.api(&format!("/tables/{token}/orders")))
        .json(&order_body())
        .send()
        .await
        .unwrap();
    let status = order.status();
    let body = json_of(order).await;
    assert_eq!(
        (status.as_u16(), body["code"].as_str()),
        (409, Some("item_unavailable"))
    );
    assert!(
        body["message"].as_str().unwrap().contains("Margherita"),
        "{body}"
    );
    // An option, then both back.
    assert_eq!(
        set("acqua", Some("large"), false).await.unwrap().status(),
        200
    );
    assert_eq!(set("margherita", None, true).await.unwrap().status(), 200);
    let quote = server
        .http
        .post(server.api("/restaurants/demo/quote"))
        .json(&order_body())
        .send()
        .await
        .unwrap();
    assert_eq!(code_of(quote).await, (409, "option_unavailable".into()));
    assert_eq!(
        set("acqua", Some("large"), true).await.unwrap().status(),
        200
    );
    assert_eq!(place(&server, "Table 1").await["status"], "ACCEPTED");
    let unknown = set("tiramisu-xl", None, false).await.unwrap();
    assert_eq!(code_of(unknown).await, (404, "menu_entry_not_found".into()));
}

#[tokio::test]
async fn with_approval_on_an_order_waits_and_prints_once_approved() {
    let mut server = LocalServer::start().await;
    // The demo with approval on: the same file, imported again (tables keep
    // their QR codes).
    server.stop().await;
    let demo = std::fs::read_to_string(
        tabletap_e2e::repo_root().join("functions/local/demo/trattoria.yaml"),
    )
    .unwrap()
    .replace(
        "dine_in_requires_approval: false",
        "dine_in_requires_approval: true",
    );
    let file = server.data_dir().join("approval.yaml");
    std::fs::write(&file, demo).unwrap();
    server.admin(&["import", file.to_str().unwrap()]);
    server.restart().await;
    let (_client, mut kitchen) = kitchen_subscriber(&server, "demo").await;
    let staff = demo_staff_token(&server).await;

    let placed = place(&server, "Table 6").await;
    assert_eq!(placed["status"], "AWAITING_APPROVAL");
    let id = placed["id"].as_str().unwrap().to_owned();
    assert!(
        tickets_for(&mut kitchen, id.clone(), Duration::from_millis(1500))
            .await
            .is_empty(),
        "nothing prints before approval"
    );
    let board = json_of(
        server
            .http
            .get(server.api("/restaurants/demo/staff/orders?status=AWAITING_APPROVAL"))
            .bearer_auth(&staff)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(board["orders"][0]["id"], id.as_str());
    assert!(
        board["orders"][0]["tickets"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["state"] == "not_sent")
    );

    let approved = act(&server, &staff, &id, json!({"action": "approve"})).await;
    assert_eq!(approved.status(), 200);
    let again = act(&server, &staff, &id, json!({"action": "approve"})).await;
    assert_eq!(again.status(), 200, "a second tap is harmless");
    let sent = tickets_for(&mut kitchen, id.clone(), Duration::from_secs(4)).await;
    let mut stations: Vec<String> = sent
        .iter()
        .map(|t| t["station"].as_str().unwrap().to_owned())
        .collect();
    let count = stations.len();
    stations.sort();
    stations.dedup();
    assert!(count >= 2, "every station's ticket went out: {stations:?}");
    assert_eq!(count, stations.len(), "each printed once");
    assert!(sent.iter().all(|t| t["print_number"] == 0));
}

async fn tickets_for(
    events: &mut rumqttc::EventLoop,
    order_id: String,
    within: Duration,
) -> Vec<Value> {
    let mut tickets = Vec::new();
    let _ = tokio::time::timeout(within, async {
        loop {
            if let Ok(Event::Incoming(Packet::Publish(publish))) = events.poll().await {
                let ticket: Value = serde_json::from_slice(&publish.payload).unwrap();
                if ticket["order_id"] == order_id.as_str() {
                    tickets.push(ticket);
                }
            }
        }
    })
    .await;
    tickets
}

fn localstripe() -> String {
    std::env::var("TABLETAP_LOCALSTRIPE_URL").unwrap_or_else(|_| {
        panic!(
            "TABLETAP_LOCALSTRIPE_URL is not set: this test needs localstripe; start it with \
             `export TABLETAP_LOCALSTRIPE_URL=$(scripts/lib/localstripe.sh start | tail -n 1)` \
             (scripts/test.sh does this)"
        )
    })
}

/// A form body as Stripe's API takes it.
fn form(pairs: &[(&str, &str)]) -> String {
    let encode = |text: &str| -> String {
        text.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[tokio::test]
async fn a_paid_takeout_order_cancelled_twice_is_refunded_once() {
    const FORM: &str = "application/x-www-form-urlencoded";
    let base = localstripe();
    let secret = format!("whsec_staff_{}", std::process::id());
    let key = "sk_test_tabletap_staff";
    let server = LocalServer::start_with(&[
        "--stripe-api-base",
        &base,
        "--stripe-secret-key",
        key,
        "--stripe-publishable-key",
        "pk_test_tabletap_staff",
        "--stripe-webhook-secret",
        &secret,
    ])
    .await;
    let stripe = reqwest::Client::new();
    let registered = stripe
        .post(format!(
            "{base}/_config/webhooks/tabletap-staff-{}",
            std::process::id()
        ))
        .header("content-type", FORM)
        .body(form(&[
            ("url", &server.api("/stripe/webhook")),
            ("secret", &secret),
        ]))
        .send()
        .await
        .unwrap();
    assert!(registered.status().is_success());
    let staff = demo_staff_token(&server).await;

    let times = server
        .get_json(&server.api("/restaurants/demo/pickup-times"))
        .await;
    let pickup = times["slots"][0]["at"].as_str().unwrap().to_owned();
    let placed = json_of(
        server
            .http
            .post(server.api("/restaurants/demo/takeout-orders"))
            .json(&json!({
                "customer": {"name": "Giulia Rossi", "email": "giulia@example.com", "phone": "+49 30 1234567"},
                "pickup_at": pickup,
                "lines": [{"item_id": "margherita", "quantity": 1, "options": ["large"]}]
            }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let intent = placed["payment"]["payment_intent_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let id = placed["order"]["id"].as_str().unwrap().to_owned();
    let card: Value = json_of(
        stripe
            .post(format!("{base}/v1/payment_methods"))
            .basic_auth(key, Some(""))
            .header("content-type", FORM)
            .body(form(&[
                ("type", "card"),
                ("card[number]", "4242424242424242"),
                ("card[exp_month]", "12"),
                ("card[exp_year]", "2034"),
                ("card[cvc]", "123"),
            ]))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let attach = stripe
        .post(format!("{base}/v1/payment_intents/{intent}"))
        .basic_auth(key, Some(""))
        .header("content-type", FORM)
        .body(form(&[("payment_method", card["id"].as_str().unwrap())]))
        .send()
        .await
        .unwrap();
    assert!(attach.status().is_success());
    let confirmed = json_of(
        stripe
            .post(format!("{base}/v1/payment_intents/{intent}/confirm"))
            .basic_auth(key, Some(""))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(confirmed["status"], "succeeded");
    let diner = json!({"id": id, "access_token": placed["access_token"]});
    let paid = wait_for(&server, &diner, |s| s != "PENDING_PAYMENT").await;
    assert_eq!(paid["payment"]["state"], "succeeded", "{paid}");

    // Cancelled twice (a retry, a second tablet): one refund at Stripe.
    for attempt in 0..2 {
        let response = act(
            &server,
            &staff,
            &id,
            json!({"action": "cancel", "reason": "Kitchen closed early"}),
        )
        .await;
        assert_eq!(response.status(), 200, "cancel #{attempt}");
        let view = json_of(response).await;
        assert_eq!(view["status"], "CANCELLED");
        assert_eq!(view["payment"]["refunded"], true, "{view}");
    }
    let refunds = json_of(
        stripe
            .get(format!("{base}/v1/refunds?payment_intent={intent}"))
            .basic_auth(key, Some(""))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let refunds = refunds["data"].as_array().expect("a refund list");
    assert_eq!(refunds.len(), 1, "refunded exactly once: {refunds:?}");
    assert_eq!(refunds[0]["amount"], placed["order"]["totals"]["total"]);
}

/// The invitations written to the server's outbox for `to`.
fn invitations_to(server: &LocalServer, to: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(server.data_dir().join("outbox")) else {
        return Vec::new();
    };
    entries
        .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap())
        .filter(|mail| mail.contains("Subject: Your TableTap sign-in") && mail.contains(to))
        .collect()
}

async fn members(server: &LocalServer, token: &str) -> Vec<Value> {
    let response = server
        .http
        .get(server.api("/restaurants/demo/owner/staff"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    json_of(response).await["members"]
        .as_array()
        .unwrap()
        .clone()
}

async fn invite(server: &LocalServer, token: &str, email: &str, role: &str) -> reqwest::Response {
    server
        .http
        .post(server.api("/restaurants/demo/owner/staff"))
        .bearer_auth(token)
        .json(&json!({"email": email, "role": role}))
        .send()
        .await
        .unwrap()
}

async fn remove(server: &LocalServer, token: &str, username: &str) -> reqwest::Response {
    server
        .http
        .delete(server.api(&format!("/restaurants/demo/owner/staff/{username}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn status_of(server: &LocalServer, token: &str, path: &str) -> (u16, String) {
    code_of(
        server
            .http
            .get(server.api(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn an_owner_invites_promotes_and_removes_a_cook_and_the_last_owner_stays() {
    let server = LocalServer::start().await;
    let owner_password = server.add_person("demo", "owner@demo.example", "owner");
    let owner = server.sign_in("owner@demo.example", &owner_password).await;
    let board = "/restaurants/demo/staff/orders";
    let staff_page = "/restaurants/demo/owner/staff";

    // A new person: an account with a temporary password, shown once and
    // written to the outbox as the invitation Cognito would have sent.
    let response = invite(&server, &owner, " Cook@Demo.Example ", "staff").await;
    assert_eq!(response.status(), 201);
    let invited = json_of(response).await;
    assert_eq!(invited["result"], "invited", "{invited}");
    assert_eq!(invited["member"]["email"], "cook@demo.example");
    assert_eq!(invited["member"]["role"], "staff");
    assert_eq!(invited["member"]["status"], "invited");
    assert_eq!(invited["member"]["you"], false);
    let password = invited["temporary_password"].as_str().unwrap().to_owned();
    let mails = invitations_to(&server, "cook@demo.example");
    assert_eq!(mails.len(), 1, "one invitation in the outbox");
    assert!(mails[0].contains(&password), "{}", mails[0]);
    assert!(mails[0].contains("/staff/"), "it says where to sign in");

    let listed = members(&server, &owner).await;
    let summary: Vec<(&str, &str, &str, bool)> = listed
        .iter()
        .map(|m| {
            (
                m["username"].as_str().unwrap(),
                m["role"].as_str().unwrap(),
                m["status"].as_str().unwrap(),
                m["you"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("owner@demo.example", "owner", "active", true),
            ("cook@demo.example", "staff", "invited", false),
            // The demo's own login; not an email address, so no email.
            ("staff@demo", "staff", "active", false),
        ]
    );
    assert_eq!(listed[2]["email"], Value::Null);

    // The cook signs in with it and sees the board, not the owner pages.
    let cook = server.sign_in("cook@demo.example", &password).await;
    assert_eq!(status_of(&server, &cook, board).await.0, 200);
    assert_eq!(
        status_of(&server, &cook, staff_page).await,
        (403, "owner_only".into())
    );
    assert_eq!(members(&server, &owner).await[1]["status"], "active");

    // Inviting them again as staff changes nothing; as owner, promotes
    // them, and the token they already hold opens the owner pages at once.
    let response = invite(&server, &owner, "cook@demo.example", "staff").await;
    assert_eq!(response.status(), 200);
    assert_eq!(json_of(response).await["result"], "unchanged");
    let response = invite(&server, &owner, "cook@demo.example", "owner").await;
    assert_eq!(response.status(), 200);
    let promoted = json_of(response).await;
    assert_eq!(promoted["result"], "role_changed");
    assert_eq!(promoted["member"]["role"], "owner");
    assert!(promoted.get("temporary_password").is_none());
    assert_eq!(status_of(&server, &cook, staff_page).await.0, 200);

    // Removed: the same still-valid token is refused on the next request.
    let response = remove(&server, &owner, "cook@demo.example").await;
    assert_eq!(response.status(), 200);
    assert_eq!(json_of(response).await["removed"]["role"], "owner");
    assert_eq!(
        status_of(&server, &cook, board).await,
        (403, "other_restaurant".into())
    );
    assert_eq!(
        status_of(&server, &cook, staff_page).await,
        (403, "other_restaurant".into())
    );
    assert_eq!(
        code_of(remove(&server, &owner, "cook@demo.example").await).await,
        (404, "staff_member_not_found".into())
    );

    // The last owner can neither leave nor step down.
    assert_eq!(
        code_of(remove(&server, &owner, "owner@demo.example").await).await,
        (409, "last_owner".into())
    );
    assert_eq!(
        code_of(invite(&server, &owner, "owner@demo.example", "staff").await).await,
        (409, "last_owner".into())
    );
    assert_eq!(status_of(&server, &owner, staff_page).await.0, 200);

    // Someone with an account elsewhere only gets the role: no password,
    // no invitation email.
    let elsewhere = server.add_person("other", "anna@other.example", "staff");
    let response = invite(&server, &owner, "anna@other.example", "staff").await;
    assert_eq!(response.status(), 201);
    let added = json_of(response).await;
    assert_eq!(added["result"], "added", "{added}");
    assert!(added.get("temporary_password").is_none());
    assert!(invitations_to(&server, "anna@other.example").is_empty());
    let anna = server.sign_in("anna@other.example", &elsewhere).await;
    assert_eq!(status_of(&server, &anna, board).await.0, 200);

    // What an owner can get wrong.
    assert_eq!(
        code_of(invite(&server, &owner, "not an address", "staff").await).await,
        (400, "invalid_email".into())
    );
    assert_eq!(
        code_of(invite(&server, &owner, "chef@demo.example", "chef").await).await,
        (400, "invalid_role".into())
    );
}
