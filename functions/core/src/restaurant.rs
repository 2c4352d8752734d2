//! A restaurant (one location) and the settings that change how it sells.

use crate::ids::RestaurantId;
use crate::limits::{LimitError, OrderLimits};
use crate::money::{Currency, TaxRate};
use crate::takeout::{PickupSlot, TakeoutError, TakeoutSettings, check_pickup_time, pickup_slots};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RestaurantError {
    #[error("unknown time zone {0:?}: use an IANA name such as Europe/Berlin")]
    UnknownTimeZone(String),
    #[error("locale {0:?} is not a language tag such as de-DE or en-US")]
    BadLocale(String),
    #[error("restaurant name must be 1 to 100 characters")]
    BadName,
    #[error("day_starts_at_hour must be between 0 and 23, got {0}")]
    BadDayStart(u8),
    #[error(transparent)]
    BadLimits(#[from] LimitError),
}

/// Whether menu prices already contain tax (usual in Europe) or tax is added
/// on top at checkout (usual in the US).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaxMode {
    Inclusive,
    Exclusive,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Restaurant {
    pub id: RestaurantId,
    pub name: String,
    pub currency: Currency,
    /// BCP 47 tag the site uses to format prices and dates ("de-DE").
    pub locale: String,
    /// IANA zone; decides the order's local time and its business day.
    pub time_zone: String,
    pub tax_mode: TaxMode,
    /// Rate for items that name none.
    pub default_tax_rate: TaxRate,
    /// Dine-in orders wait for a member of staff to approve them.
    #[serde(default)]
    pub dine_in_requires_approval: bool,
    /// A bar open until 2 am keeps counting orders on the same day: the
    /// business day, and with it the order numbers, turn over at this hour.
    #[serde(default = "default_day_start")]
    pub day_starts_at_hour: u8,
    /// Takeout with online payment; off unless configured.
    #[serde(default)]
    pub takeout: TakeoutSettings,
    /// How many orders one table, and the restaurant as a whole, may send.
    #[serde(default)]
    pub order_limits: OrderLimits,
}

fn default_day_start() -> u8 {
    4
}

impl Restaurant {
    /// Checks the fields serde cannot: the time zone exists, the locale looks
    /// like a language tag, the name is presentable.
    pub fn validate(&self) -> Result<(), RestaurantError> {
        self.tz()?;
        let locale_ok = !self.locale.is_empty()
            && self.locale.len() <= 35
            && self
                .locale
                .split('-')
                .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric()));
        if !locale_ok {
            return Err(RestaurantError::BadLocale(self.locale.clone()));
        }
        let name_len = self.name.trim().chars().count();
        if name_len == 0 || name_len > 100 {
            return Err(RestaurantError::BadName);
        }
        if self.day_starts_at_hour > 23 {
            return Err(RestaurantError::BadDayStart(self.day_starts_at_hour));
        }
        self.order_limits.validate()?;
        Ok(())
    }

    pub fn tz(&self) -> Result<TimeZone, RestaurantError> {
        jiff::tz::db()
            .get(&self.time_zone)
            .map_err(|_| RestaurantError::UnknownTimeZone(self.time_zone.clone()))
    }

    /// The takeout pickup times offered at `now` (none when takeout is off).
    pub fn pickup_slots(&self, now: Timestamp) -> Result<Vec<PickupSlot>, RestaurantError> {
        Ok(pickup_slots(
            &self.takeout,
            &self.tz()?,
            self.day_starts_at_hour,
            now,
        ))
    }

    /// Checks a requested pickup time against the slots offered at `now`.
    pub fn check_pickup_time(
        &self,
        now: Timestamp,
        requested: Timestamp,
    ) -> Result<(), TakeoutError> {
        let tz = self.tz().map_err(|_| TakeoutError::TakeoutUnavailable)?;
        check_pickup_time(&self.takeout, &tz, self.day_starts_at_hour, now, requested)
    }

    /// The business day an instant belongs to, in the restaurant's zone.
    pub fn business_date(&self, at: Timestamp) -> Result<Date, RestaurantError> {
        let local = at.to_zoned(self.tz()?);
        let shifted = local
            .datetime()
            .saturating_sub(jiff::SignedDuration::from_hours(i64::from(
                self.day_starts_at_hour,
            )));
        Ok(shifted.date())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::berlin;

    #[test]
    fn business_day_turns_over_at_the_configured_hour() {
        let r = berlin();
        // 01:30 in Berlin on 22 Nov (winter, UTC+1) still belongs to 21 Nov.
        let late: Timestamp = "2026-11-22T00:30:00Z".parse().unwrap();
        assert_eq!(r.business_date(late).unwrap().to_string(), "2026-11-21");
        // 04:30 Berlin time is the next business day.
        let early: Timestamp = "2026-11-22T03:30:00Z".parse().unwrap();
        assert_eq!(r.business_date(early).unwrap().to_string(), "2026-11-22");
    }

    #[test]
    fn validation_names_the_problem() {
        let mut r = berlin();
        assert_eq!(r.validate(), Ok(()));
        r.time_zone = "Mars/Olympus".into();
        assert_eq!(
            r.validate(),
            Err(RestaurantError::UnknownTimeZone("Mars/Olympus".into()))
        );
        let mut r = berlin();
        r.locale = "de DE".into();
        assert!(matches!(r.validate(), Err(RestaurantError::BadLocale(_))));
    }
}
