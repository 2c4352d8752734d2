//! Money as integer minor units (cents, pence, yen) with a currency, and tax
//! rates as exact integers. Floats never touch an amount.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MoneyError {
    #[error("currency must be a three-letter ISO 4217 code such as EUR, got {0:?}")]
    BadCurrency(String),
    #[error("tax rate must be a percentage between 0 and 100 with at most 4 decimals, got {0:?}")]
    BadTaxRate(String),
    #[error("amount is too large")]
    Overflow,
}

/// ISO 4217 currency code.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

impl Currency {
    pub fn parse(code: &str) -> Result<Self, MoneyError> {
        match code.as_bytes() {
            [a, b, c] if code.bytes().all(|b| b.is_ascii_uppercase()) => Ok(Self([*a, *b, *c])),
            _ => Err(MoneyError::BadCurrency(code.to_owned())),
        }
    }

    pub fn code(&self) -> &str {
        // Constructed only from ASCII uppercase letters.
        std::str::from_utf8(&self.0).expect("currency code is ASCII")
    }

    /// Number of digits after the decimal point (ISO 4217 exponent), needed to
    /// show an amount and to talk to payment providers.
    pub fn minor_unit_digits(&self) -> u32 {
        match self.code() {
            "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF"
            | "UGX" | "UYI" | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
            "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
            _ => 2,
        }
    }
}

impl TryFrom<String> for Currency {
    type Error = MoneyError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Currency> for String {
    fn from(value: Currency) -> Self {
        value.code().to_owned()
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An amount in minor units of the currency of whatever holds it (a menu, an
/// order). Every arithmetic step is checked.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Amount(pub i64);

impl Amount {
    pub const ZERO: Amount = Amount(0);

    /// Reads an amount written in the currency's major unit ("9.50", "9.5",
    /// "-1.25", "800" for yen) exactly into minor units. More decimals than
    /// the currency has, exponents or other characters give `None`.
    pub fn parse_decimal(text: &str, currency: Currency) -> Option<Amount> {
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let minor = parse_fixed_point(unsigned, currency.minor_unit_digits(), 12)?;
        Some(Amount(if negative { -minor } else { minor }))
    }

    pub fn minor(self) -> i64 {
        self.0
    }

    pub fn checked_add(self, other: Amount) -> Result<Amount, MoneyError> {
        self.0
            .checked_add(other.0)
            .map(Amount)
            .ok_or(MoneyError::Overflow)
    }

    pub fn checked_sub(self, other: Amount) -> Result<Amount, MoneyError> {
        self.0
            .checked_sub(other.0)
            .map(Amount)
            .ok_or(MoneyError::Overflow)
    }

    pub fn checked_mul(self, factor: u32) -> Result<Amount, MoneyError> {
        self.0
            .checked_mul(i64::from(factor))
            .map(Amount)
            .ok_or(MoneyError::Overflow)
    }

    /// Formats as a plain decimal ("12.50") for logs, tickets and emails;
    /// the site formats with the restaurant's locale.
    pub fn to_decimal_string(self, currency: Currency) -> String {
        let digits = currency.minor_unit_digits();
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        if digits == 0 {
            return format!("{sign}{abs}");
        }
        let scale = 10u64.pow(digits);
        format!(
            "{sign}{}.{:0width$}",
            abs / scale,
            abs % scale,
            width = digits as usize
        )
    }
}

/// A tax rate in parts per million of the net price: 19% is 190_000, 8.875%
/// is 88_750. Written in menus and JSON as a percentage string ("8.875").
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct TaxRate {
    ppm: u32,
}

const PPM_PER_PERCENT: u32 = 10_000;
const PPM_WHOLE: u32 = 1_000_000;

impl TaxRate {
    pub const ZERO: TaxRate = TaxRate { ppm: 0 };

    pub fn from_ppm(ppm: u32) -> Result<Self, MoneyError> {
        if ppm > PPM_WHOLE {
            return Err(MoneyError::BadTaxRate(format!("{ppm} ppm")));
        }
        Ok(Self { ppm })
    }

    pub fn ppm(self) -> u32 {
        self.ppm
    }

    /// Parses "19", "7.7", "8.875" or "8.875%".
    pub fn parse_percent(text: &str) -> Result<Self, MoneyError> {
        let bad = || MoneyError::BadTaxRate(text.to_owned());
        let trimmed = text.trim().trim_end_matches('%').trim();
        // Four decimals of a percent are exactly parts per million.
        let ppm = parse_fixed_point(trimmed, 4, 3).ok_or_else(bad)?;
        Self::from_ppm(u32::try_from(ppm).map_err(|_| bad())?).map_err(|_| bad())
    }

    /// The percentage as written by people: "19", "7.7", "8.875".
    pub fn to_percent_string(self) -> String {
        let whole = self.ppm / PPM_PER_PERCENT;
        let frac = self.ppm % PPM_PER_PERCENT;
        if frac == 0 {
            return whole.to_string();
        }
        let frac = format!("{frac:04}");
        format!("{whole}.{}", frac.trim_end_matches('0'))
    }

    /// Tax on a net (tax-exclusive) amount, rounded half up.
    pub fn tax_on_net(self, net: Amount) -> Amount {
        Amount(div_round_half_away(
            i128::from(net.0) * i128::from(self.ppm),
            i128::from(PPM_WHOLE),
        ))
    }

    /// Tax contained in a gross (tax-inclusive) amount, rounded half up.
    pub fn tax_in_gross(self, gross: Amount) -> Amount {
        Amount(div_round_half_away(
            i128::from(gross.0) * i128::from(self.ppm),
            i128::from(PPM_WHOLE + self.ppm),
        ))
    }
}

impl TryFrom<String> for TaxRate {
    type Error = MoneyError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse_percent(&value)
    }
}

impl From<TaxRate> for String {
    fn from(value: TaxRate) -> Self {
        value.to_percent_string()
    }
}

/// Reads unsigned fixed-point decimal text ("12", "9.5", "8.875") as an
/// integer scaled by 10^`digits`, exactly: no floats, no exponent, at most
/// `digits` decimals and `max_whole_digits` digits before the point.
fn parse_fixed_point(text: &str, digits: u32, max_whole_digits: usize) -> Option<i64> {
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty()
        || whole.len() > max_whole_digits
        || frac.len() > digits as usize
        || !all_digits(whole)
        || !all_digits(frac)
    {
        return None;
    }
    let frac_value: i64 = if digits == 0 {
        0
    } else {
        format!("{frac:0<width$}", width = digits as usize)
            .parse()
            .ok()?
    };
    whole
        .parse::<i64>()
        .ok()?
        .checked_mul(10i64.checked_pow(digits)?)?
        .checked_add(frac_value)
}

/// Divides and rounds to the nearest integer, halves away from zero (the
/// commercial rounding tax authorities expect). The result of a division of
/// two in-range amounts always fits back into i64.
fn div_round_half_away(numerator: i128, denominator: i128) -> i64 {
    debug_assert!(denominator > 0);
    let half = denominator / 2;
    let rounded = if numerator >= 0 {
        (numerator + half) / denominator
    } else {
        (numerator - half) / denominator
    };
    i64::try_from(rounded).expect("tax never exceeds the amount it is taken from")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currency_codes_are_validated() {
        assert_eq!(Currency::parse("EUR").unwrap().code(), "EUR");
        assert!(Currency::parse("eur").is_err());
        assert!(Currency::parse("EURO").is_err());
        assert!(Currency::parse("").is_err());
        assert_eq!(Currency::parse("JPY").unwrap().minor_unit_digits(), 0);
        assert_eq!(Currency::parse("KWD").unwrap().minor_unit_digits(), 3);
    }

    #[test]
    fn amounts_format_by_currency_exponent() {
        let eur = Currency::parse("EUR").unwrap();
        let jpy = Currency::parse("JPY").unwrap();
        assert_eq!(Amount(1250).to_decimal_string(eur), "12.50");
        assert_eq!(Amount(5).to_decimal_string(eur), "0.05");
        assert_eq!(Amount(-5).to_decimal_string(eur), "-0.05");
        assert_eq!(Amount(1250).to_decimal_string(jpy), "1250");
    }

    #[test]
    fn decimal_amounts_convert_exactly() {
        let eur = Currency::parse("EUR").unwrap();
        let jpy = Currency::parse("JPY").unwrap();
        assert_eq!(Amount::parse_decimal("9.50", eur), Some(Amount(950)));
        assert_eq!(Amount::parse_decimal("9.5", eur), Some(Amount(950)));
        assert_eq!(Amount::parse_decimal("0.1", eur), Some(Amount(10)));
        assert_eq!(Amount::parse_decimal("12", eur), Some(Amount(1200)));
        assert_eq!(Amount::parse_decimal("-1.25", eur), Some(Amount(-125)));
        assert_eq!(Amount::parse_decimal("800", jpy), Some(Amount(800)));
        assert_eq!(Amount::parse_decimal("9.505", eur), None);
        assert_eq!(Amount::parse_decimal("8.5", jpy), None);
        assert_eq!(Amount::parse_decimal("abc", eur), None);
        assert_eq!(Amount::parse_decimal("", eur), None);
        assert_eq!(Amount::parse_decimal("1e3", eur), None);
    }

    #[test]
    fn tax_rates_parse_exactly() {
        assert_eq!(TaxRate::parse_percent("19").unwrap().ppm(), 190_000);
        assert_eq!(TaxRate::parse_percent("7.7").unwrap().ppm(), 77_000);
        assert_eq!(TaxRate::parse_percent("8.875%").unwrap().ppm(), 88_750);
        assert_eq!(TaxRate::parse_percent("0").unwrap().ppm(), 0);
        assert_eq!(TaxRate::parse_percent("100").unwrap().ppm(), 1_000_000);
        for bad in ["", "-1", "100.01", "1.23456", "abc", "1e2", ".5", "1000"] {
            assert!(
                TaxRate::parse_percent(bad).is_err(),
                "{bad} should be refused"
            );
        }
        assert_eq!(
            TaxRate::parse_percent("8.875").unwrap().to_percent_string(),
            "8.875"
        );
        assert_eq!(
            TaxRate::parse_percent("19.0").unwrap().to_percent_string(),
            "19"
        );
    }

    #[test]
    fn tax_rounds_half_away_from_zero() {
        let rate = TaxRate::parse_percent("10").unwrap();
        // 10% of 0.05 is 0.005: rounds up to 0.01.
        assert_eq!(rate.tax_on_net(Amount(5)), Amount(1));
        // 10% of 0.04 is 0.004: rounds down.
        assert_eq!(rate.tax_on_net(Amount(4)), Amount(0));
        // Gross 1.10 at 10% contains exactly 0.10.
        assert_eq!(rate.tax_in_gross(Amount(110)), Amount(10));
        // Gross 10.00 at 19% contains 1.5966.. -> 1.60.
        let vat = TaxRate::parse_percent("19").unwrap();
        assert_eq!(vat.tax_in_gross(Amount(1000)), Amount(160));
        // 8.875% of 9.99 = 0.88661.. -> 0.89.
        let nyc = TaxRate::parse_percent("8.875").unwrap();
        assert_eq!(nyc.tax_on_net(Amount(999)), Amount(89));
        assert_eq!(rate.tax_on_net(Amount(-5)), Amount(-1));
    }

    #[test]
    fn arithmetic_is_checked() {
        assert_eq!(
            Amount(i64::MAX).checked_add(Amount(1)),
            Err(MoneyError::Overflow)
        );
        assert_eq!(
            Amount(i64::MAX / 2 + 1).checked_mul(2),
            Err(MoneyError::Overflow)
        );
        assert_eq!(Amount(250).checked_mul(3), Ok(Amount(750)));
    }
}
