//! What the templates see: every amount, date and time already formatted for
//! the restaurant, so templates contain layout only.

use crate::locale::format_date_time;
use serde::Serialize;
use tabletap_core::cart::{ChosenOption, OrderLine};
use tabletap_core::money::{Amount, Currency};
use tabletap_core::money_format::format_money;
use tabletap_core::order::{Channel, Order};
use tabletap_core::restaurant::{Restaurant, RestaurantError, TaxMode};

#[derive(Debug, Serialize)]
pub struct ReceiptView {
    pub subject: String,
    /// Hidden first line many mail clients show in the inbox list.
    pub preheader: String,
    /// The `lang` attribute of the HTML part.
    pub lang: String,
    pub restaurant: String,
    pub heading: String,
    pub order_number: String,
    pub takeout: Option<TakeoutView>,
    pub table: Option<String>,
    pub placed_at: String,
    pub lines: Vec<LineView>,
    pub note: Option<String>,
    pub subtotal: String,
    pub taxes: Vec<TaxView>,
    pub total: String,
}

#[derive(Debug, Serialize)]
pub struct TakeoutView {
    pub customer: String,
    pub pickup: String,
}

#[derive(Debug, Serialize)]
pub struct LineView {
    pub quantity: u32,
    pub name: String,
    /// One entry per option group: "Extras: Olives, Burrata".
    pub options: Vec<String>,
    pub note: Option<String>,
    pub unit_price: String,
    pub total: String,
}

#[derive(Debug, Serialize)]
pub struct TaxView {
    pub label: String,
    pub amount: String,
}

impl ReceiptView {
    pub fn new(order: &Order, restaurant: &Restaurant) -> Result<Self, RestaurantError> {
        let tz = restaurant.tz()?;
        let locale = restaurant.locale.as_str();
        // The order's own currency: it was priced in it, whatever the
        // restaurant's settings say today.
        let currency = order.totals.currency;
        let money = |amount: Amount| format_money(amount, currency, locale);
        let when = |at: jiff::Timestamp| format_date_time(&at.to_zoned(tz.clone()), locale);
        let number = order.number.to_string();
        let restaurant_name = one_line(&restaurant.name);

        let (heading, takeout, table) = match &order.channel {
            Channel::Takeout {
                customer,
                pickup_at,
            } => (
                "Takeout order".to_owned(),
                Some(TakeoutView {
                    customer: customer.name.clone(),
                    pickup: when(*pickup_at),
                }),
                None,
            ),
            Channel::DineIn { table_label, .. } => {
                ("Dine-in order".to_owned(), None, Some(table_label.clone()))
            }
        };
        let total = money(order.totals.total);
        let preheader = match &takeout {
            Some(t) => format!("Order {number}, pickup {}, total {total}", t.pickup),
            None => format!("Order {number}, total {total}"),
        };
        Ok(Self {
            subject: format!("Your order {number} at {restaurant_name}"),
            preheader,
            lang: locale.split(['-', '_']).next().unwrap_or("en").to_owned(),
            heading,
            takeout,
            table,
            placed_at: when(order.placed_at),
            lines: order
                .lines
                .iter()
                .map(|line| line_view(line, currency, locale))
                .collect(),
            note: order.note.clone(),
            subtotal: money(order.totals.subtotal),
            taxes: order
                .totals
                .tax_breakdown
                .iter()
                .map(|portion| {
                    let rate = portion.rate.to_percent_string();
                    TaxView {
                        label: match order.totals.tax_mode {
                            TaxMode::Inclusive => format!("incl. {rate}% VAT"),
                            TaxMode::Exclusive => format!("Tax {rate}%"),
                        },
                        amount: money(portion.tax),
                    }
                })
                .collect(),
            total,
            order_number: number,
            restaurant: restaurant_name,
        })
    }
}

fn line_view(line: &OrderLine, currency: Currency, locale: &str) -> LineView {
    LineView {
        quantity: line.quantity,
        name: line.name.clone(),
        options: group_options(&line.options),
        note: line.note.clone(),
        unit_price: format_money(line.unit_price, currency, locale),
        total: format_money(line.line_total, currency, locale),
    }
}

/// "Size: Large", "Extras: Olives, Burrata": options arrive in menu order,
/// so a group's choices are next to each other.
fn group_options(options: &[ChosenOption]) -> Vec<String> {
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for option in options {
        match groups.last_mut() {
            Some((group, names)) if *group == option.group => names.push(&option.name),
            _ => groups.push((&option.group, vec![&option.name])),
        }
    }
    groups
        .into_iter()
        .map(|(group, names)| format!("{group}: {}", names.join(", ")))
        .collect()
}

/// A subject is one header line: no line breaks or other controls.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}
