//! What a diner sends, checked against the stored menu and priced on the
//! server. Nothing the client says about prices is read: only item ids,
//! option ids, quantities and notes.

use crate::ids::{ItemId, OptionGroupId, OptionId, StationId};
use crate::menu::{Allergen, Menu};
use crate::money::{Amount, Currency, MoneyError, TaxRate};
use crate::restaurant::TaxMode;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const MAX_LINES: usize = 50;
pub const MAX_QUANTITY: i64 = 99;
pub const MAX_LINE_NOTE_CHARS: usize = 200;
pub const MAX_ORDER_NOTE_CHARS: usize = 500;

/// A cart as the client sends it. Unknown fields (a client-side price or
/// total, say) are ignored.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartRequest {
    pub lines: Vec<CartLineRequest>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLineRequest {
    pub item_id: String,
    /// Signed so that 0 and -1 reach validation and get a clear message.
    pub quantity: i64,
    #[serde(default)]
    pub options: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Why a cart cannot be ordered. Each variant has a stable code for clients
/// and a message that tells the diner what to change.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CartError {
    #[error("The cart is empty: add at least one item.")]
    Empty,
    #[error("An order can have at most {MAX_LINES} lines; this one has {0}.")]
    TooManyLines(usize),
    #[error(
        "Line {line}: there is no item {item_id:?} on this menu. Reload the menu and try again."
    )]
    UnknownItem { line: usize, item_id: String },
    #[error("Line {line}: {item} is sold out right now.")]
    ItemUnavailable { line: usize, item: String },
    #[error("Line {line}: quantity must be between 1 and {MAX_QUANTITY}, got {quantity}.")]
    InvalidQuantity { line: usize, quantity: i64 },
    #[error("Line {line}: {item} has no option {option_id:?}.")]
    UnknownOption {
        line: usize,
        item: String,
        option_id: String,
    },
    #[error("Line {line}: {option} for {item} is not available right now.")]
    OptionUnavailable {
        line: usize,
        item: String,
        option: String,
    },
    #[error("Line {line}: {option} is chosen twice for {item}.")]
    DuplicateOption {
        line: usize,
        item: String,
        option: String,
    },
    #[error("Line {line}: {item} needs {} for {group}.", choices("a choice", "at least", *.min))]
    MissingRequiredOption {
        line: usize,
        item: String,
        group: String,
        min: u32,
    },
    #[error("Line {line}: {item} allows {} for {group}, got {chosen}.", choices("only one choice", "at most", *.max))]
    TooManyOptions {
        line: usize,
        item: String,
        group: String,
        max: u32,
        chosen: u32,
    },
    #[error("{where_}: the note is longer than {limit} characters.")]
    NoteTooLong { where_: String, limit: usize },
    #[error("{where_}: the note contains characters that cannot be printed.")]
    NoteNotPrintable { where_: String },
    #[error("The order total is too large.")]
    TotalTooLarge,
}

/// "a choice" for one, "at least 2 choices" for more.
fn choices(one: &str, bound: &str, n: u32) -> String {
    if n == 1 {
        one.to_owned()
    } else {
        format!("{bound} {n} choices")
    }
}

impl CartError {
    /// Stable, machine-readable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            CartError::Empty => "empty_cart",
            CartError::TooManyLines(_) => "too_many_lines",
            CartError::UnknownItem { .. } => "unknown_item",
            CartError::ItemUnavailable { .. } => "item_unavailable",
            CartError::InvalidQuantity { .. } => "invalid_quantity",
            CartError::UnknownOption { .. } => "unknown_option",
            CartError::OptionUnavailable { .. } => "option_unavailable",
            CartError::DuplicateOption { .. } => "duplicate_option",
            CartError::MissingRequiredOption { .. } => "missing_required_option",
            CartError::TooManyOptions { .. } => "too_many_options",
            CartError::NoteTooLong { .. } => "note_too_long",
            CartError::NoteNotPrintable { .. } => "note_not_printable",
            CartError::TotalTooLarge => "total_too_large",
        }
    }

    /// The 1-based cart line the error is about, if any.
    pub fn line(&self) -> Option<usize> {
        match self {
            CartError::UnknownItem { line, .. }
            | CartError::ItemUnavailable { line, .. }
            | CartError::InvalidQuantity { line, .. }
            | CartError::UnknownOption { line, .. }
            | CartError::OptionUnavailable { line, .. }
            | CartError::DuplicateOption { line, .. }
            | CartError::MissingRequiredOption { line, .. }
            | CartError::TooManyOptions { line, .. } => Some(*line),
            _ => None,
        }
    }
}

impl From<MoneyError> for CartError {
    fn from(_: MoneyError) -> Self {
        CartError::TotalTooLarge
    }
}

/// One order line with names and prices copied from the menu at order time,
/// so later menu edits never change an order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    pub item_id: ItemId,
    pub name: String,
    pub station: StationId,
    pub quantity: u32,
    pub options: Vec<ChosenOption>,
    /// Base price plus option deltas, for one unit.
    pub unit_price: Amount,
    pub line_total: Amount,
    pub tax_rate: TaxRate,
    pub allergens: Vec<Allergen>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChosenOption {
    pub group_id: OptionGroupId,
    pub group: String,
    pub option_id: OptionId,
    pub name: String,
    pub price_delta: Amount,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub currency: Currency,
    pub tax_mode: TaxMode,
    /// Sum of line totals at menu prices.
    pub subtotal: Amount,
    /// Tax contained in (inclusive) or added to (exclusive) the subtotal.
    pub tax: Amount,
    /// What the customer pays.
    pub total: Amount,
    /// Tax per rate, as a receipt must show it.
    pub tax_breakdown: Vec<TaxPortion>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxPortion {
    pub rate: TaxRate,
    /// Sum of the line totals at this rate.
    pub base: Amount,
    pub tax: Amount,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PricedCart {
    pub lines: Vec<OrderLine>,
    pub note: Option<String>,
    pub totals: Totals,
}

/// Validates a cart against the menu and prices it.
///
/// Tax is computed once per rate over the sum of lines at that rate (not per
/// line), rounding half away from zero: the per-invoice method most tax
/// authorities accept, and the one that keeps the receipt's breakdown adding up.
pub fn price_cart(
    menu: &Menu,
    tax_mode: TaxMode,
    cart: &CartRequest,
) -> Result<PricedCart, CartError> {
    if cart.lines.is_empty() {
        return Err(CartError::Empty);
    }
    if cart.lines.len() > MAX_LINES {
        return Err(CartError::TooManyLines(cart.lines.len()));
    }
    let lines = cart
        .lines
        .iter()
        .enumerate()
        .map(|(index, line)| price_line(menu, index + 1, line))
        .collect::<Result<Vec<_>, _>>()?;
    let note = clean_note(cart.note.as_deref(), MAX_ORDER_NOTE_CHARS, || {
        "Order note".into()
    })?;
    let totals = total(menu.currency, tax_mode, &lines)?;
    Ok(PricedCart {
        lines,
        note,
        totals,
    })
}

fn price_line(menu: &Menu, line: usize, request: &CartLineRequest) -> Result<OrderLine, CartError> {
    let item = menu
        .item(&request.item_id)
        .ok_or_else(|| CartError::UnknownItem {
            line,
            item_id: request.item_id.clone(),
        })?;
    if !item.available {
        return Err(CartError::ItemUnavailable {
            line,
            item: item.name.clone(),
        });
    }
    if !(1..=MAX_QUANTITY).contains(&request.quantity) {
        return Err(CartError::InvalidQuantity {
            line,
            quantity: request.quantity,
        });
    }
    let quantity = u32::try_from(request.quantity).expect("checked range");

    let mut chosen: Vec<ChosenOption> = Vec::with_capacity(request.options.len());
    for option_id in &request.options {
        let (group, option) = item
            .option(option_id)
            .ok_or_else(|| CartError::UnknownOption {
                line,
                item: item.name.clone(),
                option_id: option_id.clone(),
            })?;
        if chosen.iter().any(|c| c.option_id == option.id) {
            return Err(CartError::DuplicateOption {
                line,
                item: item.name.clone(),
                option: option.name.clone(),
            });
        }
        if !option.available {
            return Err(CartError::OptionUnavailable {
                line,
                item: item.name.clone(),
                option: option.name.clone(),
            });
        }
        chosen.push(ChosenOption {
            group_id: group.id.clone(),
            group: group.name.clone(),
            option_id: option.id.clone(),
            name: option.name.clone(),
            price_delta: option.price_delta,
        });
    }
    for group in &item.option_groups {
        let count = chosen.iter().filter(|c| c.group_id == group.id).count() as u32;
        if count < group.min {
            return Err(CartError::MissingRequiredOption {
                line,
                item: item.name.clone(),
                group: group.name.clone(),
                min: group.min,
            });
        }
        if count > group.max {
            return Err(CartError::TooManyOptions {
                line,
                item: item.name.clone(),
                group: group.name.clone(),
                max: group.max,
                chosen: count,
            });
        }
    }
    // Show options in menu order, whatever order the client sent them in.
    chosen.sort_by_key(|c| {
        item.option_groups
            .iter()
            .flat_map(|g| g.options.iter())
            .position(|o| o.id == c.option_id)
    });

    let unit_price = chosen
        .iter()
        .try_fold(item.price, |sum, c| sum.checked_add(c.price_delta))?;
    let line_total = unit_price.checked_mul(quantity)?;
    let note = clean_note(request.note.as_deref(), MAX_LINE_NOTE_CHARS, || {
        format!("Line {line}")
    })?;
    Ok(OrderLine {
        item_id: item.id.clone(),
        name: item.name.clone(),
        station: item.station.clone(),
        quantity,
        options: chosen,
        unit_price,
        line_total,
        tax_rate: item.tax_rate,
        allergens: item.allergens.clone(),
        note,
    })
}

fn total(currency: Currency, tax_mode: TaxMode, lines: &[OrderLine]) -> Result<Totals, CartError> {
    let mut by_rate: BTreeMap<TaxRate, Amount> = BTreeMap::new();
    let mut subtotal = Amount::ZERO;
    for line in lines {
        subtotal = subtotal.checked_add(line.line_total)?;
        let base = by_rate.entry(line.tax_rate).or_default();
        *base = base.checked_add(line.line_total)?;
    }
    let tax_breakdown: Vec<TaxPortion> = by_rate
        .into_iter()
        .map(|(rate, base)| TaxPortion {
            rate,
            base,
            tax: match tax_mode {
                TaxMode::Inclusive => rate.tax_in_gross(base),
                TaxMode::Exclusive => rate.tax_on_net(base),
            },
        })
        .collect();
    let tax = tax_breakdown
        .iter()
        .try_fold(Amount::ZERO, |sum, p| sum.checked_add(p.tax))?;
    let total = match tax_mode {
        TaxMode::Inclusive => subtotal,
        TaxMode::Exclusive => subtotal.checked_add(tax)?,
    };
    Ok(Totals {
        currency,
        tax_mode,
        subtotal,
        tax,
        total,
        tax_breakdown,
    })
}

/// Trims a note, folds line breaks and tabs into spaces (a ticket prints
/// one note per line) and refuses other control characters, which a thermal
/// printer would read as commands. Empty notes become `None`.
pub fn clean_note(
    note: Option<&str>,
    limit: usize,
    where_: impl Fn() -> String,
) -> Result<Option<String>, CartError> {
    let Some(note) = note else { return Ok(None) };
    let folded: String = note
        .chars()
        .map(|c| {
            if matches!(c, '\n' | '\r' | '\t') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let trimmed = folded.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    if trimmed.chars().any(|c| c.is_control()) {
        return Err(CartError::NoteNotPrintable { where_: where_() });
    }
    if trimmed.chars().count() > limit {
        return Err(CartError::NoteTooLong {
            where_: where_(),
            limit,
        });
    }
    Ok(Some(trimmed.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::sample_menu;

    fn line(item: &str, quantity: i64, options: &[&str]) -> CartLineRequest {
        CartLineRequest {
            item_id: item.into(),
            quantity,
            options: options.iter().map(|s| s.to_string()).collect(),
            note: None,
        }
    }

    fn cart(lines: Vec<CartLineRequest>) -> CartRequest {
        CartRequest { lines, note: None }
    }

    fn price(lines: Vec<CartLineRequest>) -> Result<PricedCart, CartError> {
        price_cart(&sample_menu(), TaxMode::Inclusive, &cart(lines))
    }

    #[test]
    fn option_deltas_add_to_the_unit_price() {
        let priced = price(vec![line("margherita", 2, &["burrata", "large", "olives"])]).unwrap();
        let l = &priced.lines[0];
        assert_eq!(l.unit_price, Amount(900 + 300 + 100 + 350));
        assert_eq!(l.line_total, Amount(2 * 1650));
        // Options come back in menu order, not request order.
        let names: Vec<_> = l.options.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(names, ["Large", "Olives", "Burrata"]);
        assert_eq!(l.station.as_str(), "pizza");
        assert_eq!(l.allergens, vec![Allergen::Gluten, Allergen::Milk]);
    }

    #[test]
    fn inclusive_tax_is_contained_in_the_total_per_rate() {
        let priced = price(vec![
            line("margherita", 1, &["regular"]),
            line("water", 2, &[]),
        ])
        .unwrap();
        let t = &priced.totals;
        assert_eq!(t.subtotal, Amount(900 + 500));
        assert_eq!(t.total, Amount(1400));
        // 7% contained in 5.00 = 0.327.. -> 0.33; 19% in 9.00 = 1.436.. -> 1.44.
        assert_eq!(t.tax_breakdown.len(), 2);
        assert_eq!(t.tax_breakdown[0].tax, Amount(33));
        assert_eq!(t.tax_breakdown[1].tax, Amount(144));
        assert_eq!(t.tax, Amount(177));
    }

    #[test]
    fn exclusive_tax_is_added_on_top() {
        let menu = sample_menu();
        let priced = price_cart(
            &menu,
            TaxMode::Exclusive,
            &cart(vec![
                line("margherita", 1, &["regular"]),
                line("water", 2, &[]),
            ]),
        )
        .unwrap();
        let t = &priced.totals;
        // 19% of 9.00 = 1.71; 7% of 5.00 = 0.35.
        assert_eq!(t.tax, Amount(171 + 35));
        assert_eq!(t.total, Amount(1400 + 206));
    }

    #[test]
    fn tax_is_rounded_once_per_rate_not_per_line() {
        // Three waters at 7% exclusive: per line 0.175 -> 0.18 each would be
        // 0.54; on the sum 7.50 * 7% = 0.525 -> 0.53.
        let menu = sample_menu();
        let priced = price_cart(
            &menu,
            TaxMode::Exclusive,
            &cart(vec![
                line("water", 1, &[]),
                line("water", 1, &[]),
                line("water", 1, &[]),
            ]),
        )
        .unwrap();
        assert_eq!(priced.totals.tax, Amount(53));
    }

    #[test]
    fn required_single_choice_is_enforced() {
        let err = price(vec![line("margherita", 1, &[])]).unwrap_err();
        assert_eq!(err.code(), "missing_required_option");
        assert_eq!(
            err.to_string(),
            "Line 1: Margherita needs a choice for Size."
        );
        let err = price(vec![line("margherita", 1, &["regular", "large"])]).unwrap_err();
        assert_eq!(err.code(), "too_many_options");
        assert_eq!(
            err.to_string(),
            "Line 1: Margherita allows only one choice for Size, got 2."
        );
    }

    #[test]
    fn extras_are_limited() {
        let err = price(vec![line(
            "margherita",
            1,
            &["regular", "olives", "burrata", "truffle"],
        )])
        .unwrap_err();
        // The unavailable truffle is refused before counting.
        assert_eq!(err.code(), "option_unavailable");
        let mut menu = sample_menu();
        menu.categories[0].items[0].option_groups[1].max = 1;
        let err = price_cart(
            &menu,
            TaxMode::Inclusive,
            &cart(vec![line(
                "margherita",
                1,
                &["regular", "olives", "burrata"],
            )]),
        )
        .unwrap_err();
        assert_eq!(err.code(), "too_many_options");
        assert_eq!(err.line(), Some(1));
    }

    #[test]
    fn unknown_duplicate_and_sold_out_are_refused() {
        assert_eq!(
            price(vec![line("calzone", 1, &[])]).unwrap_err().code(),
            "unknown_item"
        );
        assert_eq!(
            price(vec![line("soup", 1, &[])]).unwrap_err().code(),
            "item_unavailable"
        );
        assert_eq!(
            price(vec![line("margherita", 1, &["regular", "anchovies"])])
                .unwrap_err()
                .code(),
            "unknown_option"
        );
        assert_eq!(
            price(vec![line(
                "margherita",
                1,
                &["regular", "olives", "olives"]
            )])
            .unwrap_err()
            .code(),
            "duplicate_option"
        );
        // An option of another item is unknown for this one.
        assert_eq!(
            price(vec![line("water", 1, &["large"])])
                .unwrap_err()
                .code(),
            "unknown_option"
        );
    }

    #[test]
    fn quantities_must_be_sane() {
        for q in [0, -1, 100, i64::MAX, i64::MIN] {
            let err = price(vec![line("water", q, &[])]).unwrap_err();
            assert_eq!(
                err,
                CartError::InvalidQuantity {
                    line: 1,
                    quantity: q
                }
            );
        }
        assert!(price(vec![line("water", 99, &[])]).is_ok());
    }

    #[test]
    fn empty_and_oversized_carts_are_refused() {
        assert_eq!(price(vec![]).unwrap_err(), CartError::Empty);
        let many = (0..=MAX_LINES).map(|_| line("water", 1, &[])).collect();
        assert_eq!(price(many).unwrap_err().code(), "too_many_lines");
    }

    #[test]
    fn errors_name_the_line() {
        let err = price(vec![line("water", 1, &[]), line("nope", 1, &[])]).unwrap_err();
        assert_eq!(err.line(), Some(2));
    }

    #[test]
    fn notes_are_cleaned_and_bounded() {
        let mut request = cart(vec![CartLineRequest {
            note: Some("  no basil\nplease ".into()),
            ..line("margherita", 1, &["regular"])
        }]);
        request.note = Some("   ".into());
        let priced = price_cart(&sample_menu(), TaxMode::Inclusive, &request).unwrap();
        assert_eq!(priced.lines[0].note.as_deref(), Some("no basil please"));
        assert_eq!(priced.note, None);

        request.note = Some("\u{1b}@ESC".into());
        let err = price_cart(&sample_menu(), TaxMode::Inclusive, &request).unwrap_err();
        assert_eq!(err.code(), "note_not_printable");

        request.note = Some("x".repeat(MAX_ORDER_NOTE_CHARS + 1));
        let err = price_cart(&sample_menu(), TaxMode::Inclusive, &request).unwrap_err();
        assert_eq!(err.code(), "note_too_long");
    }

    #[test]
    fn client_prices_are_not_even_read() {
        let json =
            r#"{"lines":[{"item_id":"water","quantity":1,"price":1,"unit_price":1}],"total":1}"#;
        let request: CartRequest = serde_json::from_str(json).unwrap();
        let priced = price_cart(&sample_menu(), TaxMode::Inclusive, &request).unwrap();
        assert_eq!(priced.totals.total, Amount(250));
    }

    #[test]
    fn zero_decimal_currencies_price_the_same_way() {
        let mut menu = sample_menu();
        menu.currency = Currency::parse("JPY").unwrap();
        let priced = price_cart(
            &menu,
            TaxMode::Exclusive,
            &cart(vec![line("water", 3, &[])]),
        )
        .unwrap();
        // 750 yen at 7% = 52.5 -> 53.
        assert_eq!(priced.totals.tax, Amount(53));
        assert_eq!(priced.totals.currency.code(), "JPY");
    }
}
