//! Amounts written the way people of a locale read prices: `12,50 €` in
//! Germany, `$12.50` in the US, `￥1,200` in Japan.
//!
//! A small table of conventions (from CLDR) for the locales restaurants use,
//! not a full CLDR engine: ICU4X's currency formatting is still experimental
//! and would add megabytes of data to every Lambda. Integer arithmetic only.
//! A locale not in the table falls back to an unambiguous `1234.50 EUR`.

use crate::money::{Amount, Currency};

/// No-break space: keeps a number and its symbol on one line, as CLDR does.
const NBSP: char = '\u{a0}';
/// Narrow no-break space: the French thousands separator.
const NNBSP: char = '\u{202f}';

/// How a locale writes a money amount.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Conventions {
    decimal: char,
    group: Option<char>,
    symbol_first: bool,
    /// A no-break space between the symbol and the number.
    spaced: bool,
}

/// The parts of a BCP 47 tag that decide money formatting.
struct Tag {
    language: String,
    region: Option<String>,
}

fn parse_tag(locale: &str) -> Tag {
    let mut parts = locale.split(['-', '_']);
    let language = parts.next().unwrap_or_default().to_ascii_lowercase();
    // Skip a script subtag ("zh-Hant-TW"); a region is 2 letters or 3 digits.
    let region = parts
        .find(|p| {
            (p.len() == 2 && p.bytes().all(|b| b.is_ascii_alphabetic()))
                || (p.len() == 3 && p.bytes().all(|b| b.is_ascii_digit()))
        })
        .map(str::to_ascii_uppercase);
    Tag { language, region }
}

fn conventions(tag: &Tag) -> Option<Conventions> {
    let c = |decimal, group, symbol_first, spaced| Conventions {
        decimal,
        group: Some(group),
        symbol_first,
        spaced,
    };
    let by_region = match (tag.language.as_str(), tag.region.as_deref()) {
        ("de", Some("CH" | "LI")) => Some(c('.', '’', true, true)),
        ("de", Some("AT")) => Some(c(',', NBSP, true, true)),
        ("fr", Some("CH")) => Some(c(',', NNBSP, false, true)),
        ("nl", Some("BE")) => Some(c(',', '.', false, true)),
        _ => None,
    };
    by_region.or(match tag.language.as_str() {
        "de" | "it" => Some(c(',', '.', false, true)),
        "fr" => Some(c(',', NNBSP, false, true)),
        "nl" => Some(c(',', '.', true, true)),
        "en" | "ja" | "zh" | "ko" => Some(c('.', ',', true, false)),
        _ => None,
    })
}

/// The symbol people of this locale use for the currency, or `None` to write
/// the ISO code. English speakers outside the US have dollars of their own,
/// so theirs are qualified ("US$").
fn symbol(currency: Currency, tag: &Tag) -> Option<&'static str> {
    Some(match currency.code() {
        "EUR" => "€",
        "GBP" => "£",
        "JPY" if tag.language == "ja" => "￥",
        "JPY" => "¥",
        "USD" if tag.language == "en" && tag.region.as_deref().is_some_and(|r| r != "US") => "US$",
        "USD" => "$",
        _ => return None,
    })
}

/// Formats `amount` (minor units of `currency`) for `locale` (a BCP 47 tag
/// such as "de-DE"). Never fails: unknown locales get `1234.50 EUR`.
pub fn format_money(amount: Amount, currency: Currency, locale: &str) -> String {
    let tag = parse_tag(locale);
    let Some(conv) = conventions(&tag) else {
        return format!("{} {}", amount.to_decimal_string(currency), currency.code());
    };
    let number = format_number(amount.minor().unsigned_abs(), currency, &conv);
    let sign = if amount.minor() < 0 { "-" } else { "" };
    let (symbol, spaced) = match symbol(currency, &tag) {
        Some(symbol) => (symbol, conv.spaced),
        // An alphabetic code always needs a space to stay readable.
        None => (currency.code(), true),
    };
    let space = if spaced {
        NBSP.to_string()
    } else {
        String::new()
    };
    if conv.symbol_first {
        format!("{sign}{symbol}{space}{number}")
    } else {
        format!("{sign}{number}{space}{symbol}")
    }
}

/// The unsigned number with grouped thousands and the currency's decimals.
fn format_number(minor: u64, currency: Currency, conv: &Conventions) -> String {
    let digits = currency.minor_unit_digits();
    let scale = 10u64.pow(digits);
    let whole = (minor / scale).to_string();
    let mut out = String::with_capacity(whole.len() + 8);
    for (i, ch) in whole.chars().enumerate() {
        let remaining = whole.len() - i;
        if let Some(group) = conv.group
            && i > 0
            && remaining.is_multiple_of(3)
        {
            out.push(group);
        }
        out.push(ch);
    }
    if digits > 0 {
        out.push(conv.decimal);
        out.push_str(&format!(
            "{:0width$}",
            minor % scale,
            width = digits as usize
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(minor: i64, code: &str, locale: &str) -> String {
        format_money(Amount(minor), Currency::parse(code).unwrap(), locale)
    }

    #[test]
    fn common_locales_match_cldr() {
        assert_eq!(fmt(1250, "EUR", "de-DE"), "12,50\u{a0}€");
        assert_eq!(fmt(1250, "EUR", "fr-FR"), "12,50\u{a0}€");
        assert_eq!(fmt(1250, "EUR", "it-IT"), "12,50\u{a0}€");
        assert_eq!(fmt(1250, "EUR", "nl-NL"), "€\u{a0}12,50");
        assert_eq!(fmt(1250, "EUR", "de-AT"), "€\u{a0}12,50");
        assert_eq!(fmt(1250, "USD", "en-US"), "$12.50");
        assert_eq!(fmt(1250, "GBP", "en-GB"), "£12.50");
        assert_eq!(fmt(1250, "EUR", "en-IE"), "€12.50");
        assert_eq!(fmt(1250, "CHF", "de-CH"), "CHF\u{a0}12.50");
        assert_eq!(fmt(120_000, "CHF", "de-CH"), "CHF\u{a0}1’200.00");
    }

    #[test]
    fn zero_decimal_currencies_have_no_fraction() {
        assert_eq!(fmt(1200, "JPY", "ja-JP"), "￥1,200");
        assert_eq!(fmt(1200, "JPY", "en-US"), "¥1,200");
        assert_eq!(fmt(0, "JPY", "ja-JP"), "￥0");
        // Three-decimal dinar, unknown symbol: code with a space.
        assert_eq!(fmt(1_234_500, "KWD", "en-US"), "KWD\u{a0}1,234.500");
    }

    #[test]
    fn thousands_are_grouped_by_locale() {
        assert_eq!(fmt(123_456_789, "EUR", "de-DE"), "1.234.567,89\u{a0}€");
        assert_eq!(
            fmt(123_456_789, "EUR", "fr-FR"),
            "1\u{202f}234\u{202f}567,89\u{a0}€"
        );
        assert_eq!(fmt(123_456_789, "USD", "en-US"), "$1,234,567.89");
        assert_eq!(fmt(100_000, "USD", "en-US"), "$1,000.00");
        assert_eq!(fmt(99_999, "USD", "en-US"), "$999.99");
        assert_eq!(fmt(i64::MAX, "USD", "en-US"), "$92,233,720,368,547,758.07");
    }

    #[test]
    fn zero_and_negative_amounts() {
        assert_eq!(fmt(0, "EUR", "de-DE"), "0,00\u{a0}€");
        assert_eq!(fmt(5, "EUR", "de-DE"), "0,05\u{a0}€");
        assert_eq!(fmt(-1250, "EUR", "de-DE"), "-12,50\u{a0}€");
        assert_eq!(fmt(-5, "USD", "en-US"), "-$0.05");
        assert_eq!(fmt(-123_456, "GBP", "en-GB"), "-£1,234.56");
        assert_eq!(fmt(i64::MIN, "EUR", "xx"), "-92233720368547758.08 EUR");
    }

    #[test]
    fn foreign_dollars_are_qualified() {
        assert_eq!(fmt(1250, "USD", "en-GB"), "US$12.50");
        assert_eq!(fmt(1250, "USD", "en-AU"), "US$12.50");
        assert_eq!(fmt(1250, "USD", "de-DE"), "12,50\u{a0}$");
    }

    #[test]
    fn tags_are_read_loosely_and_unknown_locales_fall_back() {
        assert_eq!(fmt(1250, "EUR", "de"), "12,50\u{a0}€");
        assert_eq!(fmt(1250, "EUR", "DE_de"), "12,50\u{a0}€");
        assert_eq!(fmt(1250, "USD", "en-Latn-US"), "$12.50");
        assert_eq!(fmt(1250, "EUR", "xx-YY"), "12.50 EUR");
        assert_eq!(fmt(123_456, "EUR", ""), "1234.56 EUR");
        assert_eq!(fmt(1200, "JPY", "tlh"), "1200 JPY");
    }
}
