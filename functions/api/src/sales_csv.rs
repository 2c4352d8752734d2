//! The sales report as CSV, one file per grouping: a header row, one row
//! per day, hour or item, and a final TOTAL row. Amounts are exact decimals
//! in the currency's major unit ("12.50", "1200" for yen) from the same
//! minor units the JSON answer carries, so the columns add up to what the
//! page shows. UTF-8 with a byte order mark, which spreadsheet programs
//! need to read item names like "Käsespätzle" right and CSV readers skip.

use tabletap_core::money::Amount;
use tabletap_core::sales::{Figures, SalesReport};

/// What one CSV file lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grouping {
    Day,
    Hour,
    Item,
}

impl Grouping {
    pub const ALL: [Grouping; 3] = [Grouping::Day, Grouping::Hour, Grouping::Item];

    pub fn parse(text: &str) -> Option<Self> {
        Grouping::ALL.into_iter().find(|g| g.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Grouping::Day => "day",
            Grouping::Hour => "hour",
            Grouping::Item => "item",
        }
    }
}

const BOM: &str = "\u{feff}";

/// The file's name: restaurant, range and grouping, e.g.
/// `sales-demo-2026-11-01-to-2026-11-07-by-day.csv`.
pub fn file_name(report: &SalesReport, restaurant_id: &str, grouping: Grouping) -> String {
    format!(
        "sales-{restaurant_id}-{}-to-{}-by-{}.csv",
        report.from,
        report.to,
        grouping.as_str()
    )
}

pub fn render(report: &SalesReport, grouping: Grouping) -> String {
    let mut csv = csv::Writer::from_writer(BOM.as_bytes().to_vec());
    for record in records(report, grouping) {
        csv.write_record(&record).expect("writing to memory");
    }
    let bytes = csv.into_inner().expect("writing to memory");
    String::from_utf8(bytes).expect("every field is UTF-8")
}

fn records(report: &SalesReport, grouping: Grouping) -> Vec<Vec<String>> {
    let currency = report.currency.code().to_owned();
    let money = |amount: Amount| amount.to_decimal_string(report.currency);
    let figures = |label: String, f: &Figures| {
        vec![
            label,
            f.orders.to_string(),
            money(f.net),
            money(f.tax),
            money(f.gross),
            currency.clone(),
        ]
    };
    let header = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>();
    let mut records = Vec::new();
    match grouping {
        Grouping::Day => {
            records.push(header(&[
                "day", "orders", "net", "tax", "gross", "currency",
            ]));
            for d in &report.by_day {
                records.push(figures(d.day.to_string(), &d.figures));
            }
            records.push(figures("TOTAL".into(), &report.totals));
        }
        Grouping::Hour => {
            records.push(header(&[
                "hour", "orders", "net", "tax", "gross", "currency",
            ]));
            for h in &report.by_hour {
                records.push(figures(hour_label(h.hour), &h.figures));
            }
            records.push(figures("TOTAL".into(), &report.totals));
        }
        Grouping::Item => {
            records.push(header(&[
                "item_id", "name", "quantity", "net", "tax", "gross", "currency",
            ]));
            for item in &report.by_item {
                records.push(vec![
                    item.item_id.to_string(),
                    spreadsheet_safe(&item.name),
                    item.quantity.to_string(),
                    money(item.net),
                    money(item.tax),
                    money(item.gross),
                    currency.clone(),
                ]);
            }
            let quantity: u64 = report.by_item.iter().map(|i| i.quantity).sum();
            records.push(vec![
                "TOTAL".into(),
                String::new(),
                quantity.to_string(),
                money(report.totals.net),
                money(report.totals.tax),
                money(report.totals.gross),
                currency.clone(),
            ]);
        }
    }
    records
}

/// "18:00-19:00": the local hour as the owner reads it.
fn hour_label(hour: u8) -> String {
    format!("{hour:02}:00-{:02}:00", hour + 1)
}

/// A name a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, a tab
/// or carriage return first) gets a leading apostrophe, which spreadsheets
/// show as text (OWASP's advice against CSV injection).
fn spreadsheet_safe(name: &str) -> String {
    if name.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{name}")
    } else {
        name.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tabletap_core::fixtures::{berlin, order_at, simple_menu};
    use tabletap_core::sales::{SalesRange, summarize};

    fn report() -> SalesReport {
        let r = berlin();
        let mut menu = simple_menu(&r, &[("pizza", 1000, "19"), ("water", 250, "7")]);
        menu.categories[0].items[1].name = "=Wasser, \"still\"".into();
        let orders = [
            order_at(
                &r,
                &menu,
                "2026-11-20T18:00:00Z".parse().unwrap(),
                1,
                &[("pizza", 1)],
            ),
            order_at(
                &r,
                &menu,
                "2026-11-21T11:00:00Z".parse().unwrap(),
                2,
                &[("water", 3)],
            ),
        ];
        let range = SalesRange::new("2026-11-20".parse().unwrap(), "2026-11-22".parse().unwrap());
        summarize(&r, range.unwrap(), &orders).unwrap()
    }

    fn read(text: &str) -> Vec<Vec<String>> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes());
        reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect()
    }

    #[test]
    fn days_are_rows_with_a_total_row_in_major_units() {
        let text = render(&report(), Grouping::Day);
        assert!(text.starts_with(BOM));
        assert_eq!(
            read(&text),
            [
                ["day", "orders", "net", "tax", "gross", "currency"],
                ["2026-11-20", "1", "8.40", "1.60", "10.00", "EUR"],
                // 3 x 2.50 at 7% contains 0.4907 -> 0.49.
                ["2026-11-21", "1", "7.01", "0.49", "7.50", "EUR"],
                ["2026-11-22", "0", "0.00", "0.00", "0.00", "EUR"],
                ["TOTAL", "2", "15.41", "2.09", "17.50", "EUR"],
            ]
        );
    }

    #[test]
    fn hours_are_all_24_local_hours() {
        let rows = read(&render(&report(), Grouping::Hour));
        assert_eq!(rows.len(), 1 + 24 + 1);
        assert_eq!(rows[1][0], "00:00-01:00");
        assert_eq!(rows[24][0], "23:00-24:00");
        // 18:00 UTC is 19:00 in Berlin in November.
        assert_eq!(
            rows[20],
            ["19:00-20:00", "1", "8.40", "1.60", "10.00", "EUR"]
        );
        assert_eq!(rows[13][..2], ["12:00-13:00", "1"]);
        assert_eq!(rows[13][4], "7.50");
        assert_eq!(rows[25][0], "TOTAL");
    }

    #[test]
    fn items_are_quoted_and_never_run_as_formulas() {
        let rows = read(&render(&report(), Grouping::Item));
        assert_eq!(
            rows,
            [
                vec![
                    "item_id", "name", "quantity", "net", "tax", "gross", "currency"
                ],
                vec!["pizza", "Item pizza", "1", "8.40", "1.60", "10.00", "EUR"],
                vec![
                    "water",
                    "'=Wasser, \"still\"",
                    "3",
                    "7.01",
                    "0.49",
                    "7.50",
                    "EUR"
                ],
                vec!["TOTAL", "", "4", "15.41", "2.09", "17.50", "EUR"],
            ]
        );
    }

    #[test]
    fn groupings_parse_and_name_the_file() {
        assert_eq!(Grouping::parse("hour"), Some(Grouping::Hour));
        assert_eq!(Grouping::parse("week"), None);
        assert_eq!(
            file_name(&report(), "demo", Grouping::Item),
            "sales-demo-2026-11-20-to-2026-11-22-by-item.csv"
        );
    }
}
