//! The receipt as a customer gets it: golden files for both parts of the
//! sample takeout order, escaping of customer text, and other locales.
//!
//! After an intended change to the templates, rewrite the golden files with
//!   TABLETAP_UPDATE_GOLDEN=1 cargo test -p tabletap-receipt
//! and review the diff (and a screenshot of the HTML) before committing.

use std::path::PathBuf;
use tabletap_core::cart::{CartLineRequest, CartRequest, price_cart};
use tabletap_core::fixtures::{berlin, sample_menu, sample_order, sample_takeout_order};
use tabletap_core::money::{Currency, TaxRate};
use tabletap_core::order::Channel;
use tabletap_core::restaurant::{Restaurant, TaxMode};
use tabletap_receipt::{ReceiptError, render_receipt};

fn golden(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("TABLETAP_UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {} ({e}); create it with TABLETAP_UPDATE_GOLDEN=1",
            path.display()
        )
    });
    assert!(
        expected == actual,
        "{name} differs from its golden file {}; if the change is intended, \
         rerun with TABLETAP_UPDATE_GOLDEN=1 and review the diff.\n--- actual ---\n{actual}",
        path.display()
    );
}

/// Collapses runs of ASCII whitespace (line breaks from wrapping, template
/// indentation) to one space; no-break spaces inside amounts stay.
fn words(text: &str) -> String {
    text.split_ascii_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn takeout_receipt_matches_golden_files() {
    let receipt = render_receipt(&sample_takeout_order(), &berlin()).unwrap();
    assert_eq!(receipt.subject, "Your order T-007 at Trattoria Demo");
    golden("takeout.html", &receipt.html);
    golden("takeout.txt", &receipt.text);
}

#[test]
fn takeout_receipt_says_what_the_order_says() {
    let receipt = render_receipt(&sample_takeout_order(), &berlin()).unwrap();
    // Wrapped text lines and HTML indentation read as single spaces; the
    // HTML part writes "/" as "&#x2f;".
    let html = words(&receipt.html.replace("&#x2f;", "/"));
    for part in [&html, &words(&receipt.text)] {
        for expected in [
            "Trattoria Demo",
            "T-007",
            "Giulia Rossi",
            // Pickup 18:15 UTC is 19:15 in Berlin.
            "21.11.2026, 19:15",
            "Margherita",
            "Size: Large",
            "Extras: Olives, Burrata",
            "cut in 8 slices",
            "Still water",
            "Please ring the bell at the side door",
            // 9.00 + 3.00 + 1.00 + 3.50, and 2 x 2.50.
            "16,50\u{a0}€",
            "5,00\u{a0}€",
            "21,50\u{a0}€",
            "incl. 7% VAT",
            "0,33\u{a0}€",
            "incl. 19% VAT",
            "2,63\u{a0}€",
        ] {
            assert!(part.contains(expected), "missing {expected:?} in\n{part}");
        }
    }
}

#[test]
fn text_part_is_aligned_for_monospace() {
    let receipt = render_receipt(&sample_takeout_order(), &berlin()).unwrap();
    let width = receipt
        .text
        .lines()
        .map(|l| l.chars().count())
        .max()
        .unwrap();
    assert_eq!(width, 44);
    let money_lines: Vec<&str> = receipt
        .text
        .lines()
        .filter(|l| l.ends_with('€') && !l.starts_with(' '))
        .collect();
    assert!(money_lines.len() >= 6, "{money_lines:?}");
    assert!(money_lines.iter().all(|l| l.chars().count() == 44));
}

#[test]
fn customer_text_is_escaped_in_html() {
    let mut order = sample_takeout_order();
    let Channel::Takeout { customer, .. } = &mut order.channel else {
        unreachable!()
    };
    customer.name = "<script>alert(1)</script>".into();
    order.note = Some("\"><img src=x onerror=alert(2)> & more".into());
    order.lines[0].note = Some("<b>bold</b>".into());
    let mut restaurant = berlin();
    restaurant.name = "Tom & Jerry's <Diner>".into();

    let receipt = render_receipt(&order, &restaurant).unwrap();
    assert!(!receipt.html.contains("<script>"), "{}", receipt.html);
    assert!(!receipt.html.contains("<img"));
    assert!(!receipt.html.contains("<b>bold"));
    assert!(!receipt.html.contains("<Diner>"));
    assert!(
        receipt
            .html
            .contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;")
    );
    assert!(
        receipt
            .html
            .contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt; &amp; more")
    );
    assert!(
        receipt
            .html
            .contains("Tom &amp; Jerry&#x27;s &lt;Diner&gt;")
    );
    // The text part and the subject are not HTML: they keep the text as is.
    assert!(receipt.text.contains("<script>alert(1)</script>"));
    assert_eq!(receipt.subject, "Your order T-007 at Tom & Jerry's <Diner>");
}

#[test]
fn html_needs_nothing_from_outside() {
    let receipt = render_receipt(&sample_takeout_order(), &berlin()).unwrap();
    let html = receipt.html.to_ascii_lowercase();
    for banned in [
        "<script", "<link", "<img", "src=", "url(", "http://", "https://", "<style",
    ] {
        assert!(
            !html.contains(banned),
            "the receipt HTML contains {banned:?}"
        );
    }
    assert!(html.starts_with("<!doctype html>"));
    assert!(html.contains("<html lang=\"de\">"));
    assert!(html.contains("name=\"viewport\""));
}

#[test]
fn tax_exclusive_us_receipt_adds_tax() {
    let mut menu = sample_menu();
    menu.currency = Currency::parse("USD").unwrap();
    let nyc = TaxRate::parse_percent("8.875").unwrap();
    for item in menu.categories.iter_mut().flat_map(|c| c.items.iter_mut()) {
        item.tax_rate = nyc;
    }
    let cart = CartRequest {
        lines: vec![CartLineRequest {
            item_id: "margherita".into(),
            quantity: 3,
            options: vec!["regular".into()],
            note: None,
        }],
        note: None,
    };
    let mut order = sample_takeout_order();
    let priced = price_cart(&menu, TaxMode::Exclusive, &cart).unwrap();
    order.lines = priced.lines;
    order.note = priced.note;
    order.totals = priced.totals;
    let restaurant = Restaurant {
        name: "Joe's Pizza".into(),
        currency: Currency::parse("USD").unwrap(),
        locale: "en-US".into(),
        time_zone: "America/New_York".into(),
        tax_mode: TaxMode::Exclusive,
        default_tax_rate: nyc,
        ..berlin()
    };
    let receipt = render_receipt(&order, &restaurant).unwrap();
    // 3 x $9.00 = $27.00; 8.875% of it is $2.39625 -> $2.40.
    for part in [&words(&receipt.html), &words(&receipt.text)] {
        for expected in [
            "$27.00",
            "each $9.00",
            "Tax 8.875%",
            "$2.40",
            "$29.40",
            // 18:15 UTC is 1:15 PM in New York.
            "Nov 21, 2026, 1:15 PM",
        ] {
            assert!(part.contains(expected), "missing {expected:?} in\n{part}");
        }
        assert!(!part.contains("VAT"));
    }
}

#[test]
fn yen_have_no_decimals() {
    let mut order = sample_takeout_order();
    order.totals.currency = Currency::parse("JPY").unwrap();
    let restaurant = Restaurant {
        locale: "ja-JP".into(),
        time_zone: "Asia/Tokyo".into(),
        currency: Currency::parse("JPY").unwrap(),
        ..berlin()
    };
    let receipt = render_receipt(&order, &restaurant).unwrap();
    // The same minor units read as yen: 2150 is ￥2,150.
    assert!(receipt.text.contains("￥2,150"), "{}", receipt.text);
    assert!(receipt.html.contains("￥2,150"));
    // Pickup 18:15 UTC is 03:15 the next morning in Tokyo.
    assert!(
        receipt.text.contains("2026/11/22 03:15"),
        "{}",
        receipt.text
    );
}

#[test]
fn dine_in_receipt_names_the_table() {
    let receipt = render_receipt(&sample_order(), &berlin()).unwrap();
    assert_eq!(receipt.subject, "Your order A-042 at Trattoria Demo");
    assert!(receipt.text.contains("Table 7"));
    assert!(!receipt.text.contains("Pickup"));
    assert!(receipt.html.contains("Dine-in order"));
}

#[test]
fn unknown_time_zone_is_reported_with_what_to_fix() {
    let restaurant = Restaurant {
        time_zone: "Mars/Olympus".into(),
        ..berlin()
    };
    let err = render_receipt(&sample_takeout_order(), &restaurant).unwrap_err();
    assert!(matches!(err, ReceiptError::Restaurant { .. }));
    let message = err.to_string();
    assert!(message.contains("T-007"), "{message}");
    assert!(message.contains("Mars/Olympus"), "{message}");
    assert!(
        message.contains("fix the restaurant's settings"),
        "{message}"
    );
}
