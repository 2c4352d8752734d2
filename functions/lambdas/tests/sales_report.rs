//! The owner's sales report through the get-sales function's composition
//! on DynamoDB Local: a week of orders for a tax-inclusive restaurant in
//! Berlin and a tax-exclusive one in New York, written through the store
//! port (with a cancelled, an unpaid, an expired and an unapproved order,
//! one after midnight and one outside the range), then the API Gateway
//! event `events/api/get-sales.json` replayed for each.
//!
//! The expected figures are worked out here from the test's own price list
//! and wall-clock times, with its own tax rounding and business-day rule,
//! not by the report's code; the CSV files are read back with the `csv`
//! crate and must add up to the same.

use lambda_http::http::{StatusCode, header};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;
use tabletap_api::cors::Cors;
use tabletap_api::{AppState, Route};
use tabletap_app::ports::{OrderStore, RestaurantStore};
use tabletap_core::fixtures::{berlin, new_york, order_at, simple_menu};
use tabletap_core::order::{Channel, Customer, OrderStatus, StatusChange};
use tabletap_core::restaurant::{Restaurant, TaxMode};
use tabletap_store_dynamodb::local::fresh_test_store;

use OrderStatus::*;

const FROM: &str = "2026-11-15";
const TO: &str = "2026-11-21";

/// (item, price in minor units, tax rate in parts per million)
type Price = (&'static str, i64, i64);

const BERLIN_PRICES: &[Price] = &[
    ("pizza", 1150, 190_000),
    ("pasta", 1390, 190_000),
    ("water", 350, 70_000),
    ("cake", 480, 70_000),
];

const NEW_YORK_PRICES: &[Price] = &[
    ("burger", 1495, 88_750),
    ("fries", 450, 88_750),
    ("soda", 299, 88_750),
    ("bagel", 325, 45_000),
];

struct Seed {
    /// Wall-clock time of placement in the restaurant's zone.
    local: &'static str,
    lines: &'static [(&'static str, i64)],
    status: OrderStatus,
}

const fn seed(
    local: &'static str,
    lines: &'static [(&'static str, i64)],
    status: OrderStatus,
) -> Seed {
    Seed {
        local,
        lines,
        status,
    }
}

const BERLIN_ORDERS: &[Seed] = &[
    seed("2026-11-15T12:30", &[("pizza", 2), ("water", 2)], Completed),
    seed(
        "2026-11-15T19:45",
        &[("pasta", 1), ("pizza", 1), ("cake", 3)],
        Completed,
    ),
    // 01:30 is still the evening of the 15th (the day starts at 04:00).
    seed("2026-11-16T01:30", &[("water", 1)], Completed),
    seed("2026-11-17T20:00", &[("pizza", 3), ("water", 4)], Cancelled),
    seed("2026-11-17T20:10", &[("pasta", 2), ("water", 1)], Printed),
    seed("2026-11-19T13:05", &[("pizza", 1)], PendingPayment),
    seed("2026-11-19T13:15", &[("cake", 2)], Expired),
    seed(
        "2026-11-20T18:00",
        &[("water", 3), ("pasta", 1)],
        AwaitingApproval,
    ),
    seed("2026-11-21T03:59", &[("cake", 1)], Sent),
    seed(
        "2026-11-21T22:30",
        &[("pizza", 1), ("pasta", 1), ("water", 2), ("cake", 1)],
        Ready,
    ),
    // The business day after the range.
    seed("2026-11-22T12:00", &[("pizza", 5)], Completed),
];

const NEW_YORK_ORDERS: &[Seed] = &[
    seed(
        "2026-11-15T12:00",
        &[("burger", 2), ("fries", 1), ("soda", 2)],
        Completed,
    ),
    seed("2026-11-16T08:15", &[("bagel", 3), ("soda", 1)], Accepted),
    seed(
        "2026-11-16T12:40",
        &[("burger", 1), ("fries", 2)],
        Cancelled,
    ),
    seed("2026-11-19T17:00", &[("burger", 1)], PendingPayment),
    seed(
        "2026-11-20T18:30",
        &[("burger", 3), ("fries", 3), ("soda", 3), ("bagel", 1)],
        Ready,
    ),
    seed("2026-11-21T02:10", &[("fries", 1)], Completed),
    // The business day before the range.
    seed("2026-11-14T23:00", &[("burger", 1)], Completed),
];

// ------------------------------------------------------------ seeding --

/// The status changes that lead from the status an order is created with
/// to `status`, as the system makes them.
fn path_to(status: OrderStatus) -> (OrderStatus, Vec<OrderStatus>) {
    match status {
        PendingPayment => (PendingPayment, vec![]),
        Expired => (PendingPayment, vec![Expired]),
        AwaitingApproval => (AwaitingApproval, vec![]),
        Accepted => (Accepted, vec![]),
        Sent => (Accepted, vec![Sent]),
        Printed => (Accepted, vec![Sent, Printed]),
        Ready => (Accepted, vec![Sent, Printed, Ready]),
        Completed => (Accepted, vec![Sent, Printed, Ready, Completed]),
        Cancelled => (Accepted, vec![Cancelled]),
    }
}

fn placed_at(restaurant: &Restaurant, local: &str) -> tabletap_core::Timestamp {
    let civil: jiff::civil::DateTime = local.parse().unwrap();
    civil
        .to_zoned(restaurant.tz().unwrap())
        .unwrap()
        .timestamp()
}

async fn seed_restaurant(
    store: &tabletap_store_dynamodb::DynamoDbStore,
    restaurant: &Restaurant,
    prices: &[Price],
    seeds: &[Seed],
) {
    store.put_restaurant(restaurant).await.unwrap();
    let items: Vec<(&str, i64, String)> = prices
        .iter()
        .map(|(id, price, ppm)| (*id, *price, format!("{}", *ppm as f64 / 10_000.0)))
        .collect();
    let items: Vec<(&str, i64, &str)> =
        items.iter().map(|(i, p, r)| (*i, *p, r.as_str())).collect();
    let menu = simple_menu(restaurant, &items);
    for (n, seed) in seeds.iter().enumerate() {
        let at = placed_at(restaurant, seed.local);
        let mut order = order_at(restaurant, &menu, at, n as u32 + 1, seed.lines);
        let (initial, changes) = path_to(seed.status);
        if initial == PendingPayment {
            order.channel = Channel::Takeout {
                customer: Customer {
                    name: "Ada".into(),
                    email: "ada@example.com".into(),
                    phone: "+1 555 0100".into(),
                },
                pickup_at: at,
            };
        }
        order.status = initial;
        order.history = vec![StatusChange::new(initial, at)];
        store.create_order(&order, None).await.unwrap();
        let mut from = initial;
        for (minutes, to) in (1i64..).zip(changes) {
            let when = at
                .checked_add(jiff::SignedDuration::from_mins(minutes))
                .unwrap();
            store
                .update_order_status(&restaurant.id, &order.id, from, to, when)
                .await
                .unwrap();
            from = to;
        }
    }
}

async fn state() -> AppState {
    let store = fresh_test_store("tabletap-sales").await;
    seed_restaurant(&store, &berlin(), BERLIN_PRICES, BERLIN_ORDERS).await;
    seed_restaurant(&store, &new_york(), NEW_YORK_PRICES, NEW_YORK_ORDERS).await;
    AppState {
        cors: Cors::from_list("https://order.example.com"),
        ..AppState::new(Arc::new(store))
    }
}

// ------------------------------------------------- the expected sums --

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Sums {
    orders: i64,
    net: i64,
    tax: i64,
    gross: i64,
}

impl Sums {
    fn add(&mut self, other: Sums) {
        self.orders += other.orders;
        self.net += other.net;
        self.tax += other.tax;
        self.gross += other.gross;
    }
}

#[derive(Debug, Default)]
struct ItemSums {
    quantity: i64,
    /// Sum of quantity x price: the gross of a tax-inclusive menu, the net
    /// of a tax-exclusive one.
    at_menu_prices: i64,
    /// The item's exact (unrounded) share of its orders' tax.
    exact_tax: f64,
    /// How many order lines it appeared on: no allocation can be further
    /// from the exact share than one unit per line.
    lines: i64,
}

#[derive(Debug, Default)]
struct Expected {
    totals: Sums,
    by_day: BTreeMap<String, Sums>,
    by_hour: BTreeMap<i64, Sums>,
    by_item: BTreeMap<&'static str, ItemSums>,
    cancelled: (i64, i64),
    unpaid: (i64, i64),
    awaiting_approval: (i64, i64),
}

/// `numerator / denominator`, rounded half up (both positive).
fn round_half_up(numerator: i64, denominator: i64) -> i64 {
    (2 * numerator + denominator) / (2 * denominator)
}

fn expected(mode: TaxMode, prices: &[Price], seeds: &[Seed]) -> Expected {
    let price = |id: &str| *prices.iter().find(|p| p.0 == id).unwrap();
    let mut e = Expected::default();
    let mut day: jiff::civil::Date = FROM.parse().unwrap();
    let last: jiff::civil::Date = TO.parse().unwrap();
    while day <= last {
        e.by_day.insert(day.to_string(), Sums::default());
        day = day.tomorrow().unwrap();
    }
    for hour in 0..24 {
        e.by_hour.insert(hour, Sums::default());
    }
    for seed in seeds {
        // The test's own reading of "YYYY-MM-DDTHH:MM" and of the 04:00 rule.
        let (date, time) = seed.local.split_once('T').unwrap();
        let hour: i64 = time[..2].parse().unwrap();
        let mut business_day: jiff::civil::Date = date.parse().unwrap();
        if hour < 4 {
            business_day = business_day.yesterday().unwrap();
        }
        let business_day = business_day.to_string();
        if !e.by_day.contains_key(&business_day) {
            continue;
        }
        // Tax once per rate over the order's lines at that rate.
        let mut base_by_rate: BTreeMap<i64, i64> = BTreeMap::new();
        for (item, quantity) in seed.lines {
            let (_, unit, ppm) = price(item);
            *base_by_rate.entry(ppm).or_default() += unit * quantity;
        }
        let tax_by_rate: BTreeMap<i64, i64> = base_by_rate
            .iter()
            .map(|(&ppm, &base)| {
                let tax = match mode {
                    TaxMode::Inclusive => round_half_up(base * ppm, 1_000_000 + ppm),
                    TaxMode::Exclusive => round_half_up(base * ppm, 1_000_000),
                };
                (ppm, tax)
            })
            .collect();
        let at_menu_prices: i64 = base_by_rate.values().sum();
        let tax: i64 = tax_by_rate.values().sum();
        let gross = match mode {
            TaxMode::Inclusive => at_menu_prices,
            TaxMode::Exclusive => at_menu_prices + tax,
        };
        let excluded = match seed.status {
            Cancelled => Some(&mut e.cancelled),
            PendingPayment | Expired => Some(&mut e.unpaid),
            AwaitingApproval => Some(&mut e.awaiting_approval),
            Accepted | Sent | Printed | Ready | Completed => None,
        };
        if let Some((count, sum)) = excluded {
            *count += 1;
            *sum += gross;
            continue;
        }
        let sums = Sums {
            orders: 1,
            net: gross - tax,
            tax,
            gross,
        };
        e.totals.add(sums);
        e.by_day.get_mut(&business_day).unwrap().add(sums);
        e.by_hour.get_mut(&hour).unwrap().add(sums);
        for (item, quantity) in seed.lines {
            let (_, unit, ppm) = price(item);
            let sums = e.by_item.entry(item).or_default();
            sums.quantity += quantity;
            sums.at_menu_prices += unit * quantity;
            sums.exact_tax +=
                tax_by_rate[&ppm] as f64 * (unit * quantity) as f64 / base_by_rate[&ppm] as f64;
            sums.lines += 1;
        }
    }
    e
}

// ------------------------------------------------------------ calling --

fn event(restaurant: &str, query: &str) -> lambda_http::Request {
    let path = format!(
        "{}/../../events/api/get-sales.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut event: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let raw_path = format!("/restaurants/{restaurant}/owner/sales");
    event["rawPath"] = raw_path.clone().into();
    event["requestContext"]["http"]["path"] = raw_path.into();
    event["pathParameters"]["restaurant_id"] = restaurant.into();
    event["requestContext"]["authorizer"]["jwt"]["claims"]["cognito:groups"] =
        format!("[{restaurant}:owner {restaurant}:staff]").into();
    let pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap();
            (k.to_owned(), v.to_owned())
        })
        .collect();
    event["rawQueryString"] = query.into();
    event["queryStringParameters"] = pairs
        .iter()
        .map(|(k, v)| (k.clone(), Value::from(v.clone())))
        .collect::<serde_json::Map<_, _>>()
        .into();
    lambda_http::request::from_str(&event.to_string()).unwrap()
}

async fn get(
    state: &AppState,
    restaurant: &str,
    query: &str,
) -> (StatusCode, lambda_http::http::HeaderMap, String) {
    let response = tabletap_api::handle(Route::GetSales, state, event(restaurant, query)).await;
    let status = response.status();
    let headers = response.headers().clone();
    let body = String::from_utf8(response.body().to_vec()).unwrap();
    (status, headers, body)
}

fn int(value: &Value) -> i64 {
    value
        .as_i64()
        .unwrap_or_else(|| panic!("{value} is not an integer"))
}

fn sums_of(value: &Value) -> Sums {
    Sums {
        orders: int(&value["orders"]),
        net: int(&value["net"]),
        tax: int(&value["tax"]),
        gross: int(&value["gross"]),
    }
}

/// "12.50" (or "-0.05") in minor units of a two-decimal currency, read
/// without the report's code.
fn minor(text: &str) -> i64 {
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, text),
    };
    let (whole, cents) = digits.split_once('.').unwrap_or_else(|| panic!("{text:?}"));
    assert_eq!(cents.len(), 2, "{text:?} has two decimals");
    sign * (whole.parse::<i64>().unwrap() * 100 + cents.parse::<i64>().unwrap())
}

// -------------------------------------------------------------- tests --

async fn check_restaurant(
    state: &AppState,
    restaurant: &Restaurant,
    prices: &[Price],
    seeds: &[Seed],
) {
    let id = restaurant.id.as_str();
    let want = expected(restaurant.tax_mode, prices, seeds);
    let (status, headers, body) = get(state, id, &format!("from={FROM}&to={TO}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    let report: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(report["currency"], restaurant.currency.code());
    assert_eq!(
        (report["from"].as_str(), report["to"].as_str()),
        (Some(FROM), Some(TO))
    );

    assert_eq!(sums_of(&report["totals"]), want.totals, "{id} totals");
    let by_day: BTreeMap<String, Sums> = report["by_day"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["day"].as_str().unwrap().to_owned(), sums_of(d)))
        .collect();
    assert_eq!(by_day, want.by_day, "{id} by day");
    assert_eq!(
        report["by_day"].as_array().unwrap().len(),
        7,
        "every day, empty ones too"
    );
    let by_hour: BTreeMap<i64, Sums> = report["by_hour"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (int(&h["hour"]), sums_of(h)))
        .collect();
    assert_eq!(by_hour, want.by_hour, "{id} by hour");

    let items = report["by_item"].as_array().unwrap();
    let ids: Vec<&str> = items
        .iter()
        .map(|i| i["item_id"].as_str().unwrap())
        .collect();
    let mut want_ids: Vec<&str> = want.by_item.keys().copied().collect();
    want_ids.sort_by_key(|id| ids.iter().position(|i| i == id));
    assert_eq!(ids, want_ids, "{id}: the sold items, each once");
    let grosses: Vec<i64> = items.iter().map(|i| int(&i["gross"])).collect();
    assert!(
        grosses.windows(2).all(|w| w[0] >= w[1]),
        "best seller first: {grosses:?}"
    );
    let mut item_tax = 0;
    let mut item_gross = 0;
    let mut item_net = 0;
    for item in items {
        let name = item["item_id"].as_str().unwrap();
        let w = &want.by_item[name];
        let (net, tax, gross) = (int(&item["net"]), int(&item["tax"]), int(&item["gross"]));
        assert_eq!(int(&item["quantity"]), w.quantity, "{id} {name} quantity");
        match restaurant.tax_mode {
            TaxMode::Inclusive => assert_eq!(gross, w.at_menu_prices, "{id} {name} gross"),
            TaxMode::Exclusive => assert_eq!(net, w.at_menu_prices, "{id} {name} net"),
        }
        assert_eq!(net, gross - tax, "{id} {name}: net = gross - tax");
        assert!(
            (tax as f64 - w.exact_tax).abs() < w.lines as f64,
            "{id} {name}: tax {tax} is its share {:.3}, give or take a unit per line",
            w.exact_tax
        );
        item_tax += tax;
        item_gross += gross;
        item_net += net;
    }
    assert_eq!(
        (item_net, item_tax, item_gross),
        (want.totals.net, want.totals.tax, want.totals.gross),
        "{id}: the items add up to the totals"
    );

    let excluded = |kind: &str| {
        let e = &report["excluded"][kind];
        (int(&e["orders"]), int(&e["gross"]))
    };
    assert_eq!(excluded("cancelled"), want.cancelled, "{id} cancelled");
    assert_eq!(excluded("unpaid"), want.unpaid, "{id} unpaid");
    assert_eq!(
        excluded("awaiting_approval"),
        want.awaiting_approval,
        "{id} awaiting approval"
    );
    assert_eq!(int(&report["excluded"]["other_currency"]["orders"]), 0);

    // Each CSV, read back by a real CSV reader, adds up to the same.
    for group in ["day", "hour", "item"] {
        let query = format!("from={FROM}&to={TO}&format=csv&group={group}");
        let (status, headers, body) = get(state, id, &query).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
        assert_eq!(
            headers[header::CONTENT_DISPOSITION],
            format!("attachment; filename=\"sales-{id}-{FROM}-to-{TO}-by-{group}.csv\"").as_str()
        );
        let mut reader = csv::Reader::from_reader(body.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        let (total, rows) = rows.split_last().unwrap();
        assert_eq!(&total[0], "TOTAL", "{id} {group}: the last row");
        let column = |name: &str| header.iter().position(|h| h == name).unwrap();
        let sum = |name: &str| rows.iter().map(|r| minor(&r[column(name)])).sum::<i64>();
        let (net, tax, gross) = (sum("net"), sum("tax"), sum("gross"));
        assert_eq!(
            (net, tax, gross),
            (want.totals.net, want.totals.tax, want.totals.gross),
            "{id} {group}: the CSV's rows add up to the page's totals"
        );
        assert_eq!(
            (
                minor(&total[column("net")]),
                minor(&total[column("tax")]),
                minor(&total[column("gross")])
            ),
            (net, tax, gross),
            "{id} {group}: the TOTAL row"
        );
        assert!(
            rows.iter()
                .chain([total])
                .all(|r| &r[column("currency")] == restaurant.currency.code())
        );
        match group {
            "day" | "hour" => {
                let orders: i64 = rows.iter().map(|r| r[1].parse::<i64>().unwrap()).sum();
                assert_eq!(orders, want.totals.orders, "{id} {group} orders");
                assert_eq!(total[1].parse::<i64>().unwrap(), want.totals.orders);
                assert_eq!(rows.len(), if group == "day" { 7 } else { 24 });
            }
            _ => {
                assert_eq!(header[..3], ["item_id", "name", "quantity"]);
                assert_eq!(rows.len(), want.by_item.len());
                for row in rows {
                    let w = &want.by_item[&row[0]];
                    assert_eq!(row[2].parse::<i64>().unwrap(), w.quantity);
                }
                let units: i64 = want.by_item.values().map(|w| w.quantity).sum();
                assert_eq!(total[2].parse::<i64>().unwrap(), units);
            }
        }
    }
}

#[tokio::test]
async fn the_report_and_its_csv_files_equal_an_independent_sum_in_both_tax_modes() {
    let state = state().await;
    check_restaurant(&state, &berlin(), BERLIN_PRICES, BERLIN_ORDERS).await;
    check_restaurant(&state, &new_york(), NEW_YORK_PRICES, NEW_YORK_ORDERS).await;
}

#[tokio::test]
async fn bad_ranges_and_options_are_refused_with_a_code() {
    let state = state().await;
    for (query, code) in [
        ("from=2026-11-21&to=2026-11-20", "range_ends_before_start"),
        ("from=2026-01-01&to=2026-12-31", "range_too_long"),
        ("from=2026-11-31", "invalid_date"),
        ("to=yesterday", "invalid_date"),
        ("format=xlsx", "invalid_format"),
        ("format=csv&group=week", "invalid_group"),
    ] {
        let (status, _, body) = get(&state, "demo", query).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        let error: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(error["code"], code, "{query}");
        assert!(!error["message"].as_str().unwrap().is_empty());
    }
    // 92 days is the most a report covers.
    let (status, _, body) = get(&state, "demo", "from=2026-10-01&to=2026-12-31").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let report: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(report["by_day"].as_array().unwrap().len(), 92);
}
