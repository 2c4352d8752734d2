//! The owner's sales report on the real `tabletap-local`: orders placed,
//! paid for or not and cancelled over HTTP as diners and staff do, then
//! the report and its CSV files read as the owner. The expected figures are
//! the placed orders' own totals and lines, added up here.

use serde_json::{Value, json};
use std::collections::BTreeMap;
use tabletap_e2e::{LocalServer, json_of};

async fn place_dine_in(server: &LocalServer, lines: Value) -> Value {
    let token = server.table("Table 1").token.clone();
    let response = server
        .http
        .post(server.api(&format!("/tables/{token}/orders")))
        .json(&json!({ "lines": lines }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    json_of(response).await
}

/// A takeout order nobody pays for: PENDING_PAYMENT.
async fn place_unpaid_takeout(server: &LocalServer, lines: Value) -> Value {
    let times = server
        .get_json(&server.api("/restaurants/demo/pickup-times"))
        .await;
    let pickup_at = times["slots"][0]["at"].as_str().expect("a pickup slot");
    let response = server
        .http
        .post(server.api("/restaurants/demo/takeout-orders"))
        .json(&json!({
            "customer": {"name": "Ada", "email": "ada@example.com", "phone": "+49 30 1234567"},
            "pickup_at": pickup_at,
            "lines": lines,
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let order = json_of(response).await["order"].clone();
    assert_eq!(order["status"], "PENDING_PAYMENT");
    order
}

fn int(value: &Value) -> i64 {
    value
        .as_i64()
        .unwrap_or_else(|| panic!("{value} is not an integer"))
}

/// "12.50" in cents, read without the server's code.
fn cents(text: &str) -> i64 {
    let (euros, cents) = text.split_once('.').expect("two decimals");
    assert_eq!(cents.len(), 2, "{text}");
    euros.parse::<i64>().unwrap() * 100 + cents.parse::<i64>().unwrap()
}

#[tokio::test]
async fn the_owner_sees_sold_orders_and_what_was_left_out_in_json_and_csv() {
    let mut server = LocalServer::start().await;
    let password = server.add_person("demo", "owner@demo.example", "owner");
    let owner = server.sign_in("owner@demo.example", &password).await;

    let sold = [
        place_dine_in(
            &server,
            json!([
                {"item_id": "margherita", "quantity": 2, "options": ["large", "olives"]},
                {"item_id": "acqua", "quantity": 1, "options": ["large"]}
            ]),
        )
        .await,
        place_dine_in(
            &server,
            json!([
                {"item_id": "negroni", "quantity": 3},
                {"item_id": "tiramisu", "quantity": 1},
                {"item_id": "margherita", "quantity": 1, "options": ["regular"]}
            ]),
        )
        .await,
    ];
    let cancelled = place_dine_in(&server, json!([{"item_id": "negroni", "quantity": 4}])).await;
    let id = cancelled["id"].as_str().unwrap();
    let response = server
        .http
        .post(server.api(&format!("/restaurants/demo/staff/orders/{id}/actions")))
        .bearer_auth(&owner)
        .json(&json!({"action": "cancel", "reason": "Guest left"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let unpaid =
        place_unpaid_takeout(&server, json!([{"item_id": "tiramisu", "quantity": 2}])).await;

    // The sums, from the orders as placed.
    let day = sold[0]["business_date"].as_str().unwrap().to_owned();
    let gross: i64 = sold.iter().map(|o| int(&o["totals"]["total"])).sum();
    let tax: i64 = sold.iter().map(|o| int(&o["totals"]["tax"])).sum();
    let mut items: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for order in &sold {
        for line in order["lines"].as_array().unwrap() {
            let entry = items
                .entry(line["item_id"].as_str().unwrap().to_owned())
                .or_default();
            entry.0 += int(&line["quantity"]);
            // A tax-inclusive menu: a line's gross is its line total.
            entry.1 += int(&line["line_total"]);
        }
    }

    let get = |query: String| {
        server
            .http
            .get(server.api(&format!("/restaurants/demo/owner/sales?{query}")))
            .bearer_auth(&owner)
            .send()
    };
    let report = json_of(get(format!("from={day}&to={day}")).await.unwrap()).await;
    assert_eq!(report["totals"]["orders"], 2);
    assert_eq!(int(&report["totals"]["gross"]), gross);
    assert_eq!(int(&report["totals"]["tax"]), tax);
    assert_eq!(int(&report["totals"]["net"]), gross - tax);
    assert_eq!(report["by_day"].as_array().unwrap().len(), 1);
    assert_eq!(int(&report["by_day"][0]["gross"]), gross);
    let hours: i64 = report["by_hour"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| int(&h["gross"]))
        .sum();
    assert_eq!(hours, gross);
    let excluded = &report["excluded"];
    assert_eq!(excluded["cancelled"]["orders"], 1);
    assert_eq!(excluded["cancelled"]["gross"], cancelled["totals"]["total"]);
    assert_eq!(excluded["unpaid"]["orders"], 1);
    assert_eq!(excluded["unpaid"]["gross"], unpaid["totals"]["total"]);
    let reported: BTreeMap<String, (i64, i64)> = report["by_item"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["item_id"].as_str().unwrap().to_owned(),
                (int(&i["quantity"]), int(&i["gross"])),
            )
        })
        .collect();
    assert_eq!(reported, items, "units and gross per item");
    // Without a range: today, which is the day the orders were placed on
    // (unless the business day turned over in between).
    let today = json_of(get(String::new()).await.unwrap()).await;
    assert!(today["from"] == today["to"] && today["to"].as_str().unwrap() >= day.as_str());

    let response = get(format!("from={day}&to={day}&format=csv&group=item"))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let body = response.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    assert_eq!(
        reader.headers().unwrap(),
        vec![
            "item_id", "name", "quantity", "net", "tax", "gross", "currency"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let (total, rows) = rows.split_last().unwrap();
    assert_eq!(&total[0], "TOTAL");
    assert_eq!(rows.len(), items.len());
    let column = |i: usize| rows.iter().map(|r| cents(&r[i])).sum::<i64>();
    assert_eq!((column(3), column(4), column(5)), (gross - tax, tax, gross));
    assert_eq!(
        (cents(&total[3]), cents(&total[4]), cents(&total[5])),
        (gross - tax, tax, gross)
    );
    for row in rows {
        assert_eq!(
            (row[2].parse::<i64>().unwrap(), cents(&row[5])),
            items[&row[0]],
            "{row:?}"
        );
    }

    // Staff may not see the figures.
    let staff_password = server.add_person("demo", "anna@demo.example", "staff");
    let staff = server.sign_in("anna@demo.example", &staff_password).await;
    let refused = server
        .http
        .get(server.api("/restaurants/demo/owner/sales"))
        .bearer_auth(&staff)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    server.stop().await;
}
