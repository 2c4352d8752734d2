//! The owner's sales report: what a range of business days sold, by day, by
//! hour of the day and by item, and what was left out. Pure sums over
//! stored orders; money stays in integer minor units.
//!
//! - **Sold** are orders that reached the kitchen's side of the state
//!   machine: ACCEPTED, SENT, PRINTED, READY and COMPLETED. Cancelled,
//!   unpaid (PENDING_PAYMENT, EXPIRED) and awaiting-approval orders are not
//!   summed; their counts and gross are reported in [`Excluded`] so the page
//!   can say so. Orders in a currency other than the restaurant's (placed
//!   before a currency change) are never added to its figures either.
//! - An order counts on the business day stored on it: the day its number
//!   was counted on and the board showed it under (`Restaurant::business_date`
//!   when it was placed, so a 1 am order belongs to the evening before).
//! - Its hour is the local hour of placement in the restaurant's time zone,
//!   as a wall clock shows it: on the night clocks go back both 02:xx hours
//!   land in bucket 2, on the night they go forward bucket 2 stays empty.
//! - **Gross** is what the customer paid (`Totals::total`), **tax** the
//!   order's tax (`Totals::tax`), and **net = gross - tax**, in both tax
//!   modes. Order figures are exactly the stored ones.
//! - **By item**: tax is computed per invoice and rate, never per line, so
//!   a line's share is allocated: each rate's tax of an order is split over
//!   that order's lines at that rate in proportion to their line totals, by
//!   the largest-remainder method (every share rounded down, the leftover
//!   minor units to the largest fractions, earlier lines first on ties). A
//!   line's gross is its line total (inclusive) or line total plus its tax
//!   share (exclusive). So the items of every order add up to exactly that
//!   order, and the item table to exactly the totals.

use crate::cart::OrderLine;
use crate::ids::ItemId;
use crate::money::{Amount, Currency, MoneyError};
use crate::order::{Order, OrderStatus};
use crate::restaurant::{Restaurant, RestaurantError, TaxMode};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Serialize;
use std::collections::BTreeMap;

/// The longest range one report covers: a quarter. A day is one store
/// query, so this bounds what one request reads.
pub const MAX_RANGE_DAYS: i64 = 92;

/// An inclusive range of business days, at most [`MAX_RANGE_DAYS`] long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SalesRange {
    from: Date,
    to: Date,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SalesRangeError {
    #[error(
        "The range ends on {to}, before it starts on {from}: choose a 'to' day on or after 'from'."
    )]
    EndsBeforeStart { from: Date, to: Date },
    #[error(
        "The range {from} to {to} covers {days} days; a report covers at most {MAX_RANGE_DAYS} days. Choose a shorter range."
    )]
    TooLong { from: Date, to: Date, days: i64 },
}

impl SalesRangeError {
    /// Stable, machine-readable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            SalesRangeError::EndsBeforeStart { .. } => "range_ends_before_start",
            SalesRangeError::TooLong { .. } => "range_too_long",
        }
    }
}

impl SalesRange {
    pub fn new(from: Date, to: Date) -> Result<Self, SalesRangeError> {
        if to < from {
            return Err(SalesRangeError::EndsBeforeStart { from, to });
        }
        // Both dates are valid civil dates, so the span always exists.
        let days = from
            .until(to)
            .map(|span| i64::from(span.get_days()) + 1)
            .unwrap_or(i64::MAX);
        if days > MAX_RANGE_DAYS {
            return Err(SalesRangeError::TooLong { from, to, days });
        }
        Ok(Self { from, to })
    }

    pub fn from(&self) -> Date {
        self.from
    }

    pub fn to(&self) -> Date {
        self.to
    }

    /// Every day of the range, in order.
    pub fn days(&self) -> impl Iterator<Item = Date> + use<> {
        let to = self.to;
        std::iter::successors(Some(self.from), move |day| {
            day.tomorrow().ok().filter(|next| *next <= to)
        })
    }

    pub fn contains(&self, day: Date) -> bool {
        self.from <= day && day <= self.to
    }
}

/// Order count and money of one group (a day, an hour, the whole range).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    pub orders: u32,
    pub net: Amount,
    pub tax: Amount,
    pub gross: Amount,
}

impl Figures {
    fn add_order(&mut self, money: Money) -> Result<(), MoneyError> {
        self.orders += 1;
        self.add_money(money)
    }

    fn add_money(&mut self, money: Money) -> Result<(), MoneyError> {
        self.net = self.net.checked_add(money.net)?;
        self.tax = self.tax.checked_add(money.tax)?;
        self.gross = self.gross.checked_add(money.gross)?;
        Ok(())
    }
}

/// Net, tax and gross of one order or line; net = gross - tax.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Money {
    net: Amount,
    tax: Amount,
    gross: Amount,
}

impl Money {
    fn from_gross_and_tax(gross: Amount, tax: Amount) -> Result<Self, MoneyError> {
        Ok(Self {
            net: gross.checked_sub(tax)?,
            tax,
            gross,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DaySales {
    pub day: Date,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HourSales {
    /// 0 to 23: the local hour the orders were placed in.
    pub hour: u8,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ItemSales {
    pub item_id: ItemId,
    /// The name on the item's most recent order (menus get renamed).
    pub name: String,
    /// Units sold.
    pub quantity: u64,
    pub net: Amount,
    pub tax: Amount,
    pub gross: Amount,
}

/// Orders of one excluded kind: how many, and what they would have been.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ExcludedOrders {
    pub orders: u32,
    pub gross: Amount,
}

/// Orders in another currency: counted only, never summed with the rest.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct OtherCurrencyOrders {
    pub orders: u32,
}

/// What the figures leave out, so the page can say it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Excluded {
    pub cancelled: ExcludedOrders,
    /// Takeout never paid: PENDING_PAYMENT or EXPIRED.
    pub unpaid: ExcludedOrders,
    /// Dine-in orders staff have not approved (yet).
    pub awaiting_approval: ExcludedOrders,
    pub other_currency: OtherCurrencyOrders,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SalesReport {
    pub from: Date,
    pub to: Date,
    pub currency: Currency,
    /// The zone the hours are in.
    pub time_zone: String,
    pub totals: Figures,
    /// Every day of the range, days without sales included.
    pub by_day: Vec<DaySales>,
    /// Hours 0 to 23, all 24 of them, summed over the range.
    pub by_hour: Vec<HourSales>,
    /// Best sellers first (by gross, then item id).
    pub by_item: Vec<ItemSales>,
    pub excluded: Excluded,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SalesError {
    #[error(transparent)]
    Restaurant(#[from] RestaurantError),
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// How an order's status counts in the report.
enum Counted {
    Sold,
    Cancelled,
    Unpaid,
    AwaitingApproval,
}

fn counted(status: OrderStatus) -> Counted {
    match status {
        OrderStatus::Accepted
        | OrderStatus::Sent
        | OrderStatus::Printed
        | OrderStatus::Ready
        | OrderStatus::Completed => Counted::Sold,
        OrderStatus::Cancelled => Counted::Cancelled,
        OrderStatus::PendingPayment | OrderStatus::Expired => Counted::Unpaid,
        OrderStatus::AwaitingApproval => Counted::AwaitingApproval,
    }
}

struct ItemTally {
    name: String,
    named_at: Timestamp,
    quantity: u64,
    money: Figures,
}

/// The report for `range` over `orders` (any order, any status; orders of
/// another restaurant or outside the range are ignored).
pub fn summarize<'a>(
    restaurant: &Restaurant,
    range: SalesRange,
    orders: impl IntoIterator<Item = &'a Order>,
) -> Result<SalesReport, SalesError> {
    let mut tally = SalesTally::new(restaurant, range)?;
    for order in orders {
        tally.add(order)?;
    }
    Ok(tally.finish())
}

/// A report being summed, one order at a time, so a caller reading a
/// quarter day by day never holds more than a day's orders.
pub struct SalesTally<'r> {
    restaurant: &'r Restaurant,
    tz: TimeZone,
    range: SalesRange,
    totals: Figures,
    by_day: BTreeMap<Date, Figures>,
    by_hour: [Figures; 24],
    by_item: BTreeMap<ItemId, ItemTally>,
    excluded: Excluded,
}

impl<'r> SalesTally<'r> {
    pub fn new(restaurant: &'r Restaurant, range: SalesRange) -> Result<Self, SalesError> {
        Ok(Self {
            restaurant,
            tz: restaurant.tz()?,
            range,
            totals: Figures::default(),
            by_day: range.days().map(|d| (d, Figures::default())).collect(),
            by_hour: [Figures::default(); 24],
            by_item: BTreeMap::new(),
            excluded: Excluded::default(),
        })
    }

    /// Counts one order where it belongs (or nowhere, see [`summarize`]).
    pub fn add(&mut self, order: &Order) -> Result<(), SalesError> {
        if order.restaurant_id != self.restaurant.id || !self.range.contains(order.business_date) {
            return Ok(());
        }
        if order.totals.currency != self.restaurant.currency {
            self.excluded.other_currency.orders += 1;
            return Ok(());
        }
        let gross = order.totals.total;
        let left_out = match counted(order.status) {
            Counted::Sold => None,
            Counted::Cancelled => Some(&mut self.excluded.cancelled),
            Counted::Unpaid => Some(&mut self.excluded.unpaid),
            Counted::AwaitingApproval => Some(&mut self.excluded.awaiting_approval),
        };
        if let Some(group) = left_out {
            group.orders += 1;
            group.gross = group.gross.checked_add(gross)?;
            return Ok(());
        }

        let money = Money::from_gross_and_tax(gross, order.totals.tax)?;
        self.totals.add_order(money)?;
        self.by_day
            .get_mut(&order.business_date)
            .expect("every day of the range has a row")
            .add_order(money)?;
        let hour = order.placed_at.to_zoned(self.tz.clone()).hour();
        self.by_hour[usize::try_from(hour).expect("hours are 0 to 23")].add_order(money)?;

        for (line, money) in order.lines.iter().zip(line_money(order)?) {
            let tally = self
                .by_item
                .entry(line.item_id.clone())
                .or_insert_with(|| ItemTally {
                    name: line.name.clone(),
                    named_at: order.placed_at,
                    quantity: 0,
                    money: Figures::default(),
                });
            if order.placed_at > tally.named_at {
                tally.name.clone_from(&line.name);
                tally.named_at = order.placed_at;
            }
            tally.quantity += u64::from(line.quantity);
            tally.money.add_money(money)?;
        }
        Ok(())
    }

    pub fn finish(self) -> SalesReport {
        let mut by_item: Vec<ItemSales> = self
            .by_item
            .into_iter()
            .map(|(item_id, tally)| ItemSales {
                item_id,
                name: tally.name,
                quantity: tally.quantity,
                net: tally.money.net,
                tax: tally.money.tax,
                gross: tally.money.gross,
            })
            .collect();
        // A stable sort of a list in id order: equal gross stays by id.
        by_item.sort_by_key(|item| std::cmp::Reverse(item.gross));
        SalesReport {
            from: self.range.from(),
            to: self.range.to(),
            currency: self.restaurant.currency,
            time_zone: self.restaurant.time_zone.clone(),
            totals: self.totals,
            by_day: self
                .by_day
                .into_iter()
                .map(|(day, figures)| DaySales { day, figures })
                .collect(),
            by_hour: (0u8..)
                .zip(self.by_hour)
                .map(|(hour, figures)| HourSales { hour, figures })
                .collect(),
            by_item,
            excluded: self.excluded,
        }
    }
}

/// Each line's share of its order, summing exactly to the order's gross
/// and tax (see the module docs for the method).
fn line_money(order: &Order) -> Result<Vec<Money>, MoneyError> {
    let lines = &order.lines;
    let mut tax = vec![0i64; lines.len()];
    for portion in &order.totals.tax_breakdown {
        let at_rate: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].tax_rate == portion.rate)
            .collect();
        let weights: Vec<i64> = at_rate
            .iter()
            .map(|&i| lines[i].line_total.minor())
            .collect();
        for (&i, share) in at_rate.iter().zip(allocate(portion.tax.minor(), &weights)) {
            tax[i] = share;
        }
    }
    let gross_of = |line: &OrderLine, tax: i64| match order.totals.tax_mode {
        TaxMode::Inclusive => Ok(line.line_total),
        TaxMode::Exclusive => line.line_total.checked_add(Amount(tax)),
    };
    let gross = lines
        .iter()
        .zip(&tax)
        .map(|(line, &tax)| gross_of(line, tax))
        .collect::<Result<Vec<_>, _>>()?;

    // Orders are priced by cart::price_cart, whose breakdown is exactly its
    // lines by rate, so the shares add up. Should a stored order ever not
    // (hand-edited data), spread its own totals over its lines instead, so
    // the item table still equals the totals.
    let sum = |values: &[i64]| values.iter().try_fold(0i64, |s, v| s.checked_add(*v));
    let gross_minor: Vec<i64> = gross.iter().map(|g| g.minor()).collect();
    let consistent = sum(&tax) == Some(order.totals.tax.minor())
        && sum(&gross_minor) == Some(order.totals.total.minor());
    let (tax, gross_minor) = if consistent {
        (tax, gross_minor)
    } else {
        let weights: Vec<i64> = lines.iter().map(|l| l.line_total.minor()).collect();
        (
            allocate(order.totals.tax.minor(), &weights),
            allocate(order.totals.total.minor(), &weights),
        )
    };
    tax.into_iter()
        .zip(gross_minor)
        .map(|(tax, gross)| Money::from_gross_and_tax(Amount(gross), Amount(tax)))
        .collect()
}

/// Splits `total` into shares proportional to `weights` that add up to
/// exactly `total`: every exact share rounded down, then the leftover units
/// one each to the largest remainders (earlier entries first on ties).
/// Negative weights (line totals never are) count as zero; weights that
/// add up to zero count as equal. Every share lies between 0 and `total`.
pub fn allocate(total: i64, weights: &[i64]) -> Vec<i64> {
    if weights.is_empty() {
        return Vec::new();
    }
    let mut weights: Vec<i128> = weights.iter().map(|&w| i128::from(w.max(0))).collect();
    let mut sum: i128 = weights.iter().sum();
    if sum == 0 {
        weights.iter_mut().for_each(|w| *w = 1);
        sum = weights.len() as i128;
    }
    let total_wide = i128::from(total);
    let mut shares: Vec<i128> = Vec::with_capacity(weights.len());
    let mut remainders: Vec<(i128, usize)> = Vec::with_capacity(weights.len());
    for (index, weight) in weights.iter().enumerate() {
        let exact = total_wide * weight;
        shares.push(exact.div_euclid(sum));
        remainders.push((exact.rem_euclid(sum), index));
    }
    let leftover = total_wide - shares.iter().sum::<i128>();
    // Largest remainder first; on equal remainders the earlier index.
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, index) in remainders
        .iter()
        .take(usize::try_from(leftover).unwrap_or(0))
    {
        shares[index] += 1;
    }
    shares
        .into_iter()
        .map(|share| i64::try_from(share).expect("a share lies between 0 and the total"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{berlin, new_york, order_at, simple_menu};
    use crate::menu::Menu;

    fn day(text: &str) -> Date {
        text.parse().unwrap()
    }

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn range(from: &str, to: &str) -> SalesRange {
        SalesRange::new(day(from), day(to)).unwrap()
    }

    /// Pizza at the full rate, water at the reduced one (Berlin's VAT).
    fn berlin_menu() -> Menu {
        simple_menu(&berlin(), &[("pizza", 1000, "19"), ("water", 250, "7")])
    }

    fn figures(orders: u32, net: i64, tax: i64, gross: i64) -> Figures {
        Figures {
            orders,
            net: Amount(net),
            tax: Amount(tax),
            gross: Amount(gross),
        }
    }

    fn item<'a>(report: &'a SalesReport, id: &str) -> &'a ItemSales {
        report
            .by_item
            .iter()
            .find(|i| i.item_id.as_str() == id)
            .unwrap_or_else(|| panic!("no item {id} in {:?}", report.by_item))
    }

    /// The report's groupings each add up to its totals, exactly.
    fn assert_groupings_add_up(report: &SalesReport) {
        let sum = |rows: &mut dyn Iterator<Item = Figures>| {
            rows.fold(Figures::default(), |mut s, f| {
                s.orders += f.orders;
                s.add_money(Money {
                    net: f.net,
                    tax: f.tax,
                    gross: f.gross,
                })
                .unwrap();
                s
            })
        };
        assert_eq!(
            sum(&mut report.by_day.iter().map(|d| d.figures)),
            report.totals
        );
        assert_eq!(
            sum(&mut report.by_hour.iter().map(|h| h.figures)),
            report.totals
        );
        let items = sum(&mut report.by_item.iter().map(|i| Figures {
            orders: 0,
            net: i.net,
            tax: i.tax,
            gross: i.gross,
        }));
        assert_eq!(
            (items.net, items.tax, items.gross),
            (report.totals.net, report.totals.tax, report.totals.gross)
        );
        for row in &report.by_item {
            assert_eq!(row.net.minor(), row.gross.minor() - row.tax.minor());
        }
    }

    #[test]
    fn allocation_hands_leftover_units_to_the_largest_remainders() {
        assert_eq!(allocate(100, &[333, 667]), [33, 67]);
        assert_eq!(allocate(10, &[1, 1, 1]), [4, 3, 3]);
        // Equal remainders: earlier entries first.
        assert_eq!(allocate(2, &[5, 5, 5]), [1, 1, 0]);
        assert_eq!(allocate(7, &[0, 0]), [4, 3]);
        assert_eq!(allocate(-5, &[1, 1]), [-2, -3]);
        assert_eq!(allocate(0, &[]), Vec::<i64>::new());
        // Whatever the inputs, the shares add up and none is off by a unit
        // or more from its exact share.
        for total in [0i64, 1, 7, 99, 1_234, 98_765] {
            for weights in [
                vec![1i64],
                vec![3, 3, 3],
                vec![1, 2, 3, 4, 5],
                vec![999, 1, 1],
                vec![0, 5, 0, 5],
            ] {
                let shares = allocate(total, &weights);
                assert_eq!(
                    shares.iter().sum::<i64>(),
                    total,
                    "{total} over {weights:?}"
                );
                let sum: i64 = weights.iter().sum();
                for (share, weight) in shares.iter().zip(&weights) {
                    let exact = total as f64 * *weight as f64 / sum as f64;
                    assert!((*share as f64 - exact).abs() < 1.0, "{share} vs {exact}");
                }
            }
        }
    }

    #[test]
    fn item_tax_is_the_invoice_tax_shared_out_not_rounded_per_line() {
        // Three 0.05 items at 10%, tax added: the invoice's tax is
        // 10% of 0.15 = 0.015 -> 0.02. Rounded per line it would be 3 x
        // 0.005 -> 0.03, a cent the customer never paid.
        let r = new_york();
        let menu = simple_menu(&r, &[("a", 5, "10"), ("b", 5, "10"), ("c", 5, "10")]);
        let order = order_at(
            &r,
            &menu,
            at("2026-11-21T17:00:00Z"),
            1,
            &[("a", 1), ("b", 1), ("c", 1)],
        );
        assert_eq!(order.totals.tax, Amount(2));
        let report = summarize(&r, range("2026-11-21", "2026-11-21"), [&order]).unwrap();
        assert_eq!(report.totals, figures(1, 15, 2, 17));
        // 2/3 of a cent each: a cent each to the first two lines.
        let taxes: Vec<(&str, i64, i64, i64)> = report
            .by_item
            .iter()
            .map(|i| {
                (
                    i.item_id.as_str(),
                    i.net.minor(),
                    i.tax.minor(),
                    i.gross.minor(),
                )
            })
            .collect();
        assert_eq!(taxes, [("a", 5, 1, 6), ("b", 5, 1, 6), ("c", 5, 0, 5)]);
        assert_groupings_add_up(&report);
    }

    #[test]
    fn inclusive_prices_split_each_rate_over_its_own_lines() {
        let r = berlin();
        let order = order_at(
            &r,
            &berlin_menu(),
            at("2026-11-21T18:00:00Z"),
            1,
            &[("pizza", 1), ("water", 2), ("pizza", 2)],
        );
        // 19% contained in 30.00 is 4.7899 -> 4.79; 7% in 5.00 is 0.3271 -> 0.33.
        assert_eq!(order.totals.tax, Amount(479 + 33));
        let report = summarize(&r, range("2026-11-21", "2026-11-21"), [&order]).unwrap();
        assert_eq!(report.totals, figures(1, 3500 - 512, 512, 3500));
        let pizza = item(&report, "pizza");
        assert_eq!(
            (pizza.quantity, pizza.gross, pizza.tax),
            (3, Amount(3000), Amount(479))
        );
        assert_eq!(pizza.net, Amount(3000 - 479));
        let water = item(&report, "water");
        assert_eq!(
            (water.quantity, water.gross, water.tax),
            (2, Amount(500), Amount(33))
        );
        assert_eq!(
            report.by_item[0].item_id.as_str(),
            "pizza",
            "best seller first"
        );
        assert_groupings_add_up(&report);
    }

    #[test]
    fn only_sold_orders_count_and_the_rest_is_reported_as_excluded() {
        let r = berlin();
        let menu = berlin_menu();
        let with = |status: OrderStatus, order: Order| Order { status, ..order };
        let orders = [
            // 20 Nov, 19:00 in Berlin: pizza, 10.00 of which 1.60 tax.
            with(
                OrderStatus::Completed,
                order_at(&r, &menu, at("2026-11-20T18:00:00Z"), 1, &[("pizza", 1)]),
            ),
            // 01:30 on 22 Nov is still the business day of 21 Nov: two
            // waters, 5.00 of which 0.33 tax.
            with(
                OrderStatus::Sent,
                order_at(&r, &menu, at("2026-11-22T00:30:00Z"), 2, &[("water", 2)]),
            ),
            with(
                OrderStatus::Cancelled,
                order_at(&r, &menu, at("2026-11-21T12:00:00Z"), 3, &[("pizza", 2)]),
            ),
            with(
                OrderStatus::PendingPayment,
                order_at(&r, &menu, at("2026-11-21T12:05:00Z"), 4, &[("water", 1)]),
            ),
            with(
                OrderStatus::Expired,
                order_at(&r, &menu, at("2026-11-21T12:06:00Z"), 5, &[("water", 1)]),
            ),
            with(
                OrderStatus::AwaitingApproval,
                order_at(&r, &menu, at("2026-11-21T12:07:00Z"), 6, &[("pizza", 1)]),
            ),
            // After the range, and another restaurant's: not looked at.
            order_at(&r, &menu, at("2026-11-25T12:00:00Z"), 7, &[("pizza", 1)]),
            Order {
                restaurant_id: new_york().id,
                ..order_at(&r, &menu, at("2026-11-21T12:00:00Z"), 8, &[("pizza", 1)])
            },
            // Placed before the restaurant switched currency.
            {
                let mut order = order_at(&r, &menu, at("2026-11-21T12:10:00Z"), 9, &[("pizza", 1)]);
                order.totals.currency = Currency::parse("CHF").unwrap();
                order
            },
        ];
        let report = summarize(&r, range("2026-11-20", "2026-11-23"), &orders).unwrap();

        assert_eq!(report.totals, figures(2, 840 + 467, 160 + 33, 1500));
        let days: Vec<(String, Figures)> = report
            .by_day
            .iter()
            .map(|d| (d.day.to_string(), d.figures))
            .collect();
        assert_eq!(
            days,
            [
                ("2026-11-20".to_owned(), figures(1, 840, 160, 1000)),
                ("2026-11-21".to_owned(), figures(1, 467, 33, 500)),
                ("2026-11-22".to_owned(), Figures::default()),
                ("2026-11-23".to_owned(), Figures::default()),
            ]
        );
        assert_eq!(report.by_hour.len(), 24);
        for row in &report.by_hour {
            let expected = match row.hour {
                19 => figures(1, 840, 160, 1000),
                1 => figures(1, 467, 33, 500),
                _ => Figures::default(),
            };
            assert_eq!(row.figures, expected, "hour {}", row.hour);
        }
        assert_eq!(
            report.excluded,
            Excluded {
                cancelled: ExcludedOrders {
                    orders: 1,
                    gross: Amount(2000)
                },
                unpaid: ExcludedOrders {
                    orders: 2,
                    gross: Amount(500)
                },
                awaiting_approval: ExcludedOrders {
                    orders: 1,
                    gross: Amount(1000)
                },
                other_currency: OtherCurrencyOrders { orders: 1 },
            }
        );
        assert_eq!(
            (report.currency.code(), report.time_zone.as_str()),
            ("EUR", "Europe/Berlin")
        );
        assert_groupings_add_up(&report);
    }

    #[test]
    fn an_order_whose_breakdown_does_not_match_its_lines_still_adds_up() {
        // Not something price_cart writes; a hand-edited record, say.
        let r = berlin();
        let mut order = order_at(
            &r,
            &berlin_menu(),
            at("2026-11-21T18:00:00Z"),
            1,
            &[("pizza", 1), ("water", 2)],
        );
        order.totals.tax_breakdown.truncate(1);
        let report = summarize(&r, range("2026-11-21", "2026-11-21"), [&order]).unwrap();
        assert_eq!(report.totals, figures(1, 1500 - 193, 193, 1500));
        // Its own tax spread over 10.00 and 5.00: 128.67 -> 129 and 64.33 -> 64.
        assert_eq!(item(&report, "pizza").tax, Amount(129));
        assert_eq!(item(&report, "water").tax, Amount(64));
        assert_groupings_add_up(&report);
    }

    #[test]
    fn the_business_day_turns_over_at_day_starts_at_hour() {
        let r = berlin();
        let menu = berlin_menu();
        // 03:59 in Berlin on 22 Nov belongs to the 21st; 04:00 to the 22nd.
        let night = order_at(&r, &menu, at("2026-11-22T02:59:00Z"), 1, &[("pizza", 1)]);
        let morning = order_at(&r, &menu, at("2026-11-22T03:00:00Z"), 1, &[("water", 1)]);
        let both = summarize(&r, range("2026-11-21", "2026-11-22"), [&night, &morning]).unwrap();
        assert_eq!(both.by_day[0].figures.gross, Amount(1000));
        assert_eq!(both.by_day[1].figures.gross, Amount(250));
        assert_eq!(both.by_hour[3].figures.gross, Amount(1000));
        assert_eq!(both.by_hour[4].figures.gross, Amount(250));
        let only_22nd =
            summarize(&r, range("2026-11-22", "2026-11-22"), [&night, &morning]).unwrap();
        assert_eq!(only_22nd.totals.gross, Amount(250));
        assert_eq!(only_22nd.by_item.len(), 1);
        assert_groupings_add_up(&both);
    }

    #[test]
    fn hours_follow_the_wall_clock_across_daylight_saving_changes() {
        let r = berlin();
        let menu = berlin_menu();
        // 25 Oct 2026: 03:00 summer time becomes 02:00 winter time, so
        // 00:30 and 01:30 UTC are both 02:30 on Berlin's clocks.
        let first = order_at(&r, &menu, at("2026-10-25T00:30:00Z"), 1, &[("pizza", 1)]);
        let second = order_at(&r, &menu, at("2026-10-25T01:30:00Z"), 2, &[("water", 1)]);
        let autumn = summarize(&r, range("2026-10-24", "2026-10-25"), [&first, &second]).unwrap();
        assert_eq!(
            autumn.by_hour[2].figures,
            figures(2, 840 + 234, 160 + 16, 1250)
        );
        assert_eq!(
            autumn
                .by_hour
                .iter()
                .filter(|h| h.figures.orders > 0)
                .count(),
            1
        );
        // Both before 04:00: the business day of the 24th.
        assert_eq!(autumn.by_day[0].figures.orders, 2);
        assert_groupings_add_up(&autumn);

        // 29 Mar 2026: 02:00 winter time becomes 03:00 summer time; no
        // order can be placed at 02:xx.
        let before = order_at(&r, &menu, at("2026-03-29T00:59:00Z"), 1, &[("pizza", 1)]);
        let after = order_at(&r, &menu, at("2026-03-29T01:00:00Z"), 2, &[("water", 1)]);
        let spring = summarize(&r, range("2026-03-28", "2026-03-29"), [&before, &after]).unwrap();
        let busy: Vec<(u8, u32)> = spring
            .by_hour
            .iter()
            .filter(|h| h.figures.orders > 0)
            .map(|h| (h.hour, h.figures.orders))
            .collect();
        assert_eq!(busy, [(1, 1), (3, 1)]);
        assert_groupings_add_up(&spring);
    }

    #[test]
    fn items_keep_their_latest_name_and_rank_by_gross() {
        let r = berlin();
        let mut menu = berlin_menu();
        let old = order_at(&r, &menu, at("2026-11-20T18:00:00Z"), 1, &[("water", 1)]);
        menu.categories[0].items[1].name = "Still water 0.5 l".into();
        let new = order_at(
            &r,
            &menu,
            at("2026-11-21T18:00:00Z"),
            2,
            &[("water", 1), ("pizza", 1)],
        );
        // Given newest first: the name still comes from the newest order.
        let report = summarize(&r, range("2026-11-20", "2026-11-21"), [&new, &old]).unwrap();
        let names: Vec<(&str, &str, u64)> = report
            .by_item
            .iter()
            .map(|i| (i.item_id.as_str(), i.name.as_str(), i.quantity))
            .collect();
        assert_eq!(
            names,
            [
                ("pizza", "Item pizza", 1),
                ("water", "Still water 0.5 l", 2)
            ]
        );
    }

    #[test]
    fn ranges_are_checked_and_listed_day_by_day() {
        let week = range("2026-02-26", "2026-03-02");
        let days: Vec<String> = week.days().map(|d| d.to_string()).collect();
        assert_eq!(
            days,
            [
                "2026-02-26",
                "2026-02-27",
                "2026-02-28",
                "2026-03-01",
                "2026-03-02"
            ]
        );
        assert_eq!(range("2026-11-21", "2026-11-21").days().count(), 1);
        assert_eq!(range("9999-12-30", "9999-12-31").days().count(), 2);
        // 92 days (1 Oct to 31 Dec) is the most.
        assert_eq!(range("2026-10-01", "2026-12-31").days().count(), 92);
        let too_long = SalesRange::new(day("2026-10-01"), day("2027-01-01")).unwrap_err();
        assert_eq!(too_long.code(), "range_too_long");
        assert!(too_long.to_string().contains("93 days"), "{too_long}");
        let backwards = SalesRange::new(day("2026-11-21"), day("2026-11-20")).unwrap_err();
        assert_eq!(backwards.code(), "range_ends_before_start");
        assert!(backwards.to_string().contains("2026-11-20"), "{backwards}");
    }
}
