//! Takeout: who an order is for, and when the restaurant can hand it over.
//!
//! Customer details are parsed into types that cannot hold invalid values
//! (parse, don't validate). Pickup times are a pure function of the
//! restaurant's settings and the current instant, so the site's list of
//! slots and the check on a placed order are the same rule.

use crate::order::Customer;
use jiff::civil::{DateTime, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a takeout order cannot be placed. Stable codes, messages that say
/// what to change.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TakeoutError {
    #[error("Please enter your name (1 to {MAX_NAME_CHARS} characters).")]
    InvalidCustomerName,
    #[error(
        "Please enter a valid email address, such as anna@example.com: your receipt goes there."
    )]
    InvalidEmail,
    #[error(
        "Please enter a phone number with {MIN_PHONE_DIGITS} to {MAX_PHONE_DIGITS} digits (only digits, spaces and + ( ) - are allowed)."
    )]
    InvalidPhone,
    #[error("That pickup time is no longer available. Please choose another time from the list.")]
    PickupTimeUnavailable,
    #[error("This restaurant does not take takeout orders right now.")]
    TakeoutUnavailable,
}

impl TakeoutError {
    pub fn code(&self) -> &'static str {
        match self {
            TakeoutError::InvalidCustomerName => "invalid_customer_name",
            TakeoutError::InvalidEmail => "invalid_email",
            TakeoutError::InvalidPhone => "invalid_phone",
            TakeoutError::PickupTimeUnavailable => "pickup_time_unavailable",
            TakeoutError::TakeoutUnavailable => "takeout_unavailable",
        }
    }
}

pub const MAX_NAME_CHARS: usize = 80;
pub const MIN_PHONE_DIGITS: usize = 6;
pub const MAX_PHONE_DIGITS: usize = 20;
const MAX_EMAIL_LEN: usize = 254;

/// A customer's name as printed on the ticket: trimmed, 1 to 80 characters,
/// no control characters (an ESC would be a printer command).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerName(String);

impl CustomerName {
    pub fn parse(text: &str) -> Result<Self, TakeoutError> {
        let name = text.trim();
        let chars = name.chars().count();
        if chars == 0 || chars > MAX_NAME_CHARS || name.chars().any(char::is_control) {
            return Err(TakeoutError::InvalidCustomerName);
        }
        Ok(Self(name.to_owned()))
    }
}

/// An email address that is sane enough to send a receipt to: one `@`, a
/// local part without spaces, a domain with a dot and no empty labels. The
/// mail server has the last word; this catches typos early.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(text: &str) -> Result<Self, TakeoutError> {
        let email = text.trim();
        let bad = || TakeoutError::InvalidEmail;
        if email.len() > MAX_EMAIL_LEN {
            return Err(bad());
        }
        let (local, domain) = email.split_once('@').ok_or_else(bad)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            })
            && labels.last().is_some_and(|tld| tld.chars().count() >= 2);
        if local_ok && domain_ok {
            Ok(Self(email.to_owned()))
        } else {
            Err(bad())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A phone number as people write it ("+49 (30) 1234-567"): digits, spaces,
/// `+ ( ) -`, a `+` only in front, 6 to 20 digits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(text: &str) -> Result<Self, TakeoutError> {
        let phone = text.trim();
        let allowed = phone
            .char_indices()
            .all(|(i, c)| c.is_ascii_digit() || " ()-".contains(c) || (c == '+' && i == 0));
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        if allowed && (MIN_PHONE_DIGITS..=MAX_PHONE_DIGITS).contains(&digits) {
            Ok(Self(phone.to_owned()))
        } else {
            Err(TakeoutError::InvalidPhone)
        }
    }
}

impl Customer {
    /// The only way the domain builds a takeout customer: from parsed parts.
    pub fn new(name: CustomerName, email: EmailAddress, phone: PhoneNumber) -> Self {
        Self {
            name: name.0,
            email: email.0,
            phone: phone.0,
        }
    }

    /// Parses all three fields, reporting the first problem in form order.
    pub fn parse(name: &str, email: &str, phone: &str) -> Result<Self, TakeoutError> {
        Ok(Self::new(
            CustomerName::parse(name)?,
            EmailAddress::parse(email)?,
            PhoneNumber::parse(phone)?,
        ))
    }
}

/// A restaurant's takeout settings. Every field has a default, so
/// restaurants stored before takeout existed still load (takeout off).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TakeoutSettings {
    #[serde(default)]
    pub enabled: bool,
    /// The kitchen needs at least this long between order and pickup.
    #[serde(default = "default_lead_minutes")]
    pub lead_minutes: u32,
    /// Pickup times are offered on this grid, counted from each opening.
    #[serde(default = "default_slot_minutes")]
    pub slot_minutes: u32,
    /// 0: only the current business day; 1: also the next one; and so on.
    #[serde(default)]
    pub days_ahead: u32,
    #[serde(default)]
    pub opening_hours: OpeningHours,
}

impl Default for TakeoutSettings {
    fn default() -> Self {
        Self {
            enabled: false,
            lead_minutes: default_lead_minutes(),
            slot_minutes: default_slot_minutes(),
            days_ahead: 0,
            opening_hours: OpeningHours::default(),
        }
    }
}

fn default_lead_minutes() -> u32 {
    20
}

fn default_slot_minutes() -> u32 {
    15
}

/// Opening periods per weekday, in the restaurant's local time, written
/// `"11:30-14:30"`. A period that ends at or before its start runs past
/// midnight (`"18:00-02:00"`); `"00:00-24:00"` is the whole day.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpeningHours {
    #[serde(default)]
    pub monday: Vec<OpeningPeriod>,
    #[serde(default)]
    pub tuesday: Vec<OpeningPeriod>,
    #[serde(default)]
    pub wednesday: Vec<OpeningPeriod>,
    #[serde(default)]
    pub thursday: Vec<OpeningPeriod>,
    #[serde(default)]
    pub friday: Vec<OpeningPeriod>,
    #[serde(default)]
    pub saturday: Vec<OpeningPeriod>,
    #[serde(default)]
    pub sunday: Vec<OpeningPeriod>,
}

impl OpeningHours {
    pub fn on(&self, day: Weekday) -> &[OpeningPeriod] {
        match day {
            Weekday::Monday => &self.monday,
            Weekday::Tuesday => &self.tuesday,
            Weekday::Wednesday => &self.wednesday,
            Weekday::Thursday => &self.thursday,
            Weekday::Friday => &self.friday,
            Weekday::Saturday => &self.saturday,
            Weekday::Sunday => &self.sunday,
        }
    }
}

/// One opening period: from `open` for `minutes` minutes.
#[derive(Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OpeningPeriod {
    pub open: Time,
    pub minutes: u32,
}

impl TryFrom<String> for OpeningPeriod {
    type Error = String;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        let bad = || format!("opening period {text:?} must look like \"11:30-14:30\"");
        let (open, close) = text.split_once('-').ok_or_else(bad)?;
        let minutes_of = |hhmm: &str| -> Option<u32> {
            let (h, m) = hhmm.trim().split_once(':')?;
            let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
            (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
        };
        let (open, close) = (
            minutes_of(open).ok_or_else(bad)?,
            minutes_of(close).ok_or_else(bad)?,
        );
        if open >= 24 * 60 {
            return Err(bad());
        }
        let minutes = if close > open {
            close - open
        } else {
            close + 24 * 60 - open
        };
        let open = Time::new((open / 60) as i8, (open % 60) as i8, 0, 0).map_err(|_| bad())?;
        Ok(Self { open, minutes })
    }
}

impl From<OpeningPeriod> for String {
    fn from(period: OpeningPeriod) -> Self {
        period.to_string()
    }
}

impl fmt::Display for OpeningPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let open = u32::try_from(self.open.hour()).unwrap_or(0) * 60
            + u32::try_from(self.open.minute()).unwrap_or(0);
        let close = open + self.minutes;
        let close = if close == 24 * 60 {
            close
        } else {
            close % (24 * 60)
        };
        write!(
            f,
            "{:02}:{:02}-{:02}:{:02}",
            open / 60,
            open % 60,
            close / 60,
            close % 60
        )
    }
}

impl fmt::Debug for OpeningPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// One pickup time offered to the customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PickupSlot {
    pub at: Timestamp,
    /// Local wall-clock time, "18:30"; prefixed with the weekday ("Sat
    /// 18:30") when the slot is on a later business day than now's.
    pub label: String,
}

/// How far behind the lead time a slot may be when the order arrives: the
/// customer picked it from a list fetched a moment earlier.
pub const PICKUP_GRACE: SignedDuration = SignedDuration::from_mins(2);

/// The pickup times a restaurant can honour, from `now` plus the lead time,
/// on the slot grid, inside opening hours, on the current business day and
/// the `days_ahead` after it. Empty when takeout is off.
pub fn pickup_slots(
    settings: &TakeoutSettings,
    tz: &TimeZone,
    day_starts_at_hour: u8,
    now: Timestamp,
) -> Vec<PickupSlot> {
    if !settings.enabled || settings.slot_minutes == 0 {
        return Vec::new();
    }
    let earliest = now.saturating_add(SignedDuration::from_mins(i64::from(settings.lead_minutes)));
    let earliest = earliest.unwrap_or(now);
    let business_date = |at: Timestamp| {
        at.to_zoned(tz.clone())
            .datetime()
            .saturating_sub(SignedDuration::from_hours(i64::from(day_starts_at_hour)))
            .date()
    };
    let today = business_date(now);
    let last_day = today
        .checked_add(i64::from(settings.days_ahead).days())
        .unwrap_or(today);
    let step = SignedDuration::from_mins(i64::from(settings.slot_minutes));
    let mut slots = Vec::new();
    // A period opening yesterday can run past midnight into today.
    let mut date = today.yesterday().unwrap_or(today);
    while date <= last_day.tomorrow().unwrap_or(last_day) {
        for period in settings.opening_hours.on(date.weekday()) {
            let open = tz
                .to_timestamp(DateTime::from_parts(date, period.open))
                .ok();
            let Some(open) = open else { continue };
            let close = open.saturating_add(SignedDuration::from_mins(i64::from(period.minutes)));
            let Ok(close) = close else { continue };
            let mut at = open;
            while at < close {
                let day = business_date(at);
                if at >= earliest && day >= today && day <= last_day {
                    slots.push(at);
                }
                match at.checked_add(step) {
                    Ok(next) => at = next,
                    Err(_) => break,
                }
            }
        }
        match date.tomorrow() {
            Ok(next) => date = next,
            Err(_) => break,
        }
    }
    slots.sort();
    slots.dedup();
    slots
        .into_iter()
        .map(|at| {
            let local = at.to_zoned(tz.clone());
            let time = local.strftime("%H:%M").to_string();
            let label = if business_date(at) == today {
                time
            } else {
                format!("{} {time}", local.strftime("%a"))
            };
            PickupSlot { at, label }
        })
        .collect()
}

/// Checks that `requested` is one of the slots offered at `now` (allowing
/// [`PICKUP_GRACE`] for the time the customer spent choosing).
pub fn check_pickup_time(
    settings: &TakeoutSettings,
    tz: &TimeZone,
    day_starts_at_hour: u8,
    now: Timestamp,
    requested: Timestamp,
) -> Result<(), TakeoutError> {
    if !settings.enabled {
        return Err(TakeoutError::TakeoutUnavailable);
    }
    let then = now.saturating_sub(PICKUP_GRACE).unwrap_or(now);
    let offered = pickup_slots(settings, tz, day_starts_at_hour, then);
    if offered.iter().any(|slot| slot.at == requested) {
        Ok(())
    } else {
        Err(TakeoutError::PickupTimeUnavailable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn berlin() -> TimeZone {
        jiff::tz::db().get("Europe/Berlin").unwrap()
    }

    fn period(text: &str) -> OpeningPeriod {
        OpeningPeriod::try_from(text.to_owned()).unwrap()
    }

    /// Lunch and dinner on Saturdays, dinner until 1 am on Fridays.
    fn settings() -> TakeoutSettings {
        TakeoutSettings {
            enabled: true,
            lead_minutes: 20,
            slot_minutes: 15,
            days_ahead: 0,
            opening_hours: OpeningHours {
                friday: vec![period("18:00-01:00")],
                saturday: vec![period("11:30-14:30"), period("17:30-22:00")],
                ..OpeningHours::default()
            },
        }
    }

    fn ts(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn labels(slots: &[PickupSlot]) -> Vec<&str> {
        slots.iter().map(|s| s.label.as_str()).collect()
    }

    #[test]
    fn slots_start_after_the_lead_time_on_the_grid() {
        // Saturday 21 Nov 2026, 17:12 in Berlin (UTC+1).
        let slots = pickup_slots(&settings(), &berlin(), 4, ts("2026-11-21T16:12:00Z"));
        let shown = labels(&slots);
        assert_eq!(
            shown.first(),
            Some(&"17:45"),
            "17:12 + 20 min, on the :15 grid"
        );
        assert_eq!(shown.last(), Some(&"21:45"), "the last slot before closing");
        assert_eq!(slots.len(), 17);
        assert_eq!(slots[0].at, ts("2026-11-21T16:45:00Z"));
    }

    #[test]
    fn before_lunch_all_periods_of_the_day_are_offered() {
        let slots = pickup_slots(&settings(), &berlin(), 4, ts("2026-11-21T08:00:00Z"));
        let shown = labels(&slots);
        assert_eq!(shown[0], "11:30");
        assert!(shown.contains(&"14:15") && !shown.contains(&"14:30"));
        assert!(!shown.contains(&"15:00"), "closed between lunch and dinner");
        assert!(shown.contains(&"17:30"));
    }

    #[test]
    fn a_late_period_belongs_to_the_business_day_it_started_on() {
        // Friday 23:50: the period runs to 1 am, still Friday's business day.
        let slots = pickup_slots(&settings(), &berlin(), 4, ts("2026-11-20T22:50:00Z"));
        assert_eq!(labels(&slots), ["00:15", "00:30", "00:45"]);
    }

    #[test]
    fn after_closing_and_with_takeout_off_there_is_nothing() {
        assert!(pickup_slots(&settings(), &berlin(), 4, ts("2026-11-21T21:00:00Z")).is_empty());
        let off = TakeoutSettings {
            enabled: false,
            ..settings()
        };
        assert!(pickup_slots(&off, &berlin(), 4, ts("2026-11-21T08:00:00Z")).is_empty());
    }

    #[test]
    fn days_ahead_adds_later_business_days_with_their_weekday() {
        let mut s = settings();
        s.days_ahead = 1;
        // Friday 20 Nov, 20:00: Friday's dinner, then Saturday's periods.
        let slots = pickup_slots(&s, &berlin(), 4, ts("2026-11-20T19:00:00Z"));
        let shown = labels(&slots);
        assert_eq!(shown[0], "20:30");
        assert!(shown.contains(&"Sat 11:30"));
        assert_eq!(shown.last(), Some(&"Sat 21:45"));
    }

    #[test]
    fn around_the_clock_always_has_slots() {
        let always = TakeoutSettings {
            enabled: true,
            lead_minutes: 20,
            slot_minutes: 15,
            days_ahead: 1,
            opening_hours: serde_json::from_str(
                r#"{"monday":["00:00-24:00"],"tuesday":["00:00-24:00"],"wednesday":["00:00-24:00"],
                "thursday":["00:00-24:00"],"friday":["00:00-24:00"],"saturday":["00:00-24:00"],"sunday":["00:00-24:00"]}"#,
            )
            .unwrap(),
        };
        for hour in 0..24 {
            let now = ts(&format!("2026-11-21T{hour:02}:07:00Z"));
            let slots = pickup_slots(&always, &berlin(), 4, now);
            assert!(slots.len() > 90, "at {now}: {}", slots.len());
            assert!(slots.windows(2).all(|w| w[0].at < w[1].at));
        }
    }

    #[test]
    fn daylight_saving_changes_keep_the_grid_unique() {
        let mut s = settings();
        s.opening_hours.sunday = vec![period("00:00-24:00")];
        // Sunday 25 Oct 2026: 03:00 CEST falls back to 02:00 CET.
        let slots = pickup_slots(&s, &berlin(), 4, ts("2026-10-25T02:30:00Z"));
        assert!(slots.windows(2).all(|w| w[0].at < w[1].at));
    }

    #[test]
    fn a_requested_time_must_be_an_offered_slot() {
        let now = ts("2026-11-21T16:12:00Z");
        let check = |at: &str| check_pickup_time(&settings(), &berlin(), 4, now, ts(at));
        assert_eq!(check("2026-11-21T16:45:00Z"), Ok(()));
        assert_eq!(
            check("2026-11-21T16:50:00Z"),
            Err(TakeoutError::PickupTimeUnavailable),
            "off the grid"
        );
        assert_eq!(
            check("2026-11-21T16:15:00Z"),
            Err(TakeoutError::PickupTimeUnavailable),
            "inside the lead time"
        );
        // Chosen from a list fetched a minute ago: still fine.
        let later = ts("2026-11-21T16:26:00Z");
        assert_eq!(
            check_pickup_time(&settings(), &berlin(), 4, later, ts("2026-11-21T16:45:00Z")),
            Ok(())
        );
        let off = TakeoutSettings {
            enabled: false,
            ..settings()
        };
        assert_eq!(
            check_pickup_time(&off, &berlin(), 4, now, ts("2026-11-21T16:45:00Z")),
            Err(TakeoutError::TakeoutUnavailable)
        );
    }

    #[test]
    fn opening_periods_round_trip_and_reject_nonsense() {
        for text in ["11:30-14:30", "18:00-02:00", "00:00-24:00"] {
            assert_eq!(period(text).to_string(), text);
        }
        assert_eq!(period("00:00-24:00").minutes, 24 * 60);
        for bad in [
            "11:30",
            "25:00-26:00",
            "11:60-12:00",
            "noon-night",
            "24:00-01:00",
        ] {
            assert!(OpeningPeriod::try_from(bad.to_owned()).is_err(), "{bad}");
        }
    }

    #[test]
    fn customer_details_are_parsed() {
        let customer =
            Customer::parse("  Anna Rossi ", "anna@example.com", "+49 (30) 1234-567").unwrap();
        assert_eq!(customer.name, "Anna Rossi");
        assert_eq!(
            Customer::parse("", "anna@example.com", "0301234567"),
            Err(TakeoutError::InvalidCustomerName)
        );
        assert_eq!(
            CustomerName::parse(&"x".repeat(81)),
            Err(TakeoutError::InvalidCustomerName)
        );
        assert_eq!(
            CustomerName::parse("Anna\u{1b}[0m"),
            Err(TakeoutError::InvalidCustomerName)
        );
        assert!(CustomerName::parse(&"é".repeat(80)).is_ok());
    }

    #[test]
    fn emails_must_look_deliverable() {
        for good in [
            "anna@example.com",
            "a.b+tag@mail.example.co.uk",
            "jörg@müller.de",
        ] {
            assert!(EmailAddress::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "anna",
            "anna@",
            "@example.com",
            "anna@example",
            "anna@@example.com",
            "an na@example.com",
            "anna@exa mple.com",
            "anna@.example.com",
            "anna@example..com",
            ".anna@example.com",
            "anna@example.c",
            "anna@-example.com",
        ] {
            assert_eq!(
                EmailAddress::parse(bad),
                Err(TakeoutError::InvalidEmail),
                "{bad}"
            );
        }
    }

    #[test]
    fn phones_count_digits_and_allow_common_punctuation() {
        for good in [
            "030 1234567",
            "+49 (30) 1234-567",
            "123456",
            "+12345678901234567890",
        ] {
            assert!(PhoneNumber::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "12345",
            "call me",
            "030/123456",
            "49+30123456",
            "+123456789012345678901",
            "",
        ] {
            assert_eq!(
                PhoneNumber::parse(bad),
                Err(TakeoutError::InvalidPhone),
                "{bad}"
            );
        }
    }

    #[test]
    fn settings_default_to_off_and_load_from_partial_data() {
        let s: TakeoutSettings = serde_json::from_str(r#"{"enabled": true}"#).unwrap();
        assert_eq!((s.lead_minutes, s.slot_minutes, s.days_ahead), (20, 15, 0));
        assert!(!TakeoutSettings::default().enabled);
        assert!(serde_json::from_str::<TakeoutSettings>(r#"{"lead_minute": 5}"#).is_err());
    }
}
