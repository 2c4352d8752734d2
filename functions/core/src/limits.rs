//! Order rate limits: a photographed table code must not let anyone flood a
//! kitchen.
//!
//! Each limit is a fixed window: at most `orders` orders per `minutes`,
//! counted in windows aligned to the epoch (so every server agrees on the
//! window without talking to the others). A window's counter lives in the
//! store; this module only says which window a moment falls in, how long
//! until it ends, and what the defaults are.
//!
//! A fixed window lets a burst of up to twice the limit straddle a window
//! boundary. That is the price of one conditional write per order and no
//! read: the limits are there to stop a flood, not to meter a diner.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LimitError {
    #[error("{what}: minutes must be between 1 and 1440, got {minutes}")]
    BadWindow { what: &'static str, minutes: u32 },
}

/// At most `orders` orders in each window of `minutes`. `orders: 0` turns
/// the limit off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowLimit {
    pub orders: u32,
    pub minutes: u32,
}

impl WindowLimit {
    pub fn is_off(self) -> bool {
        self.orders == 0
    }

    /// The window `at` falls in.
    pub fn window(self, at: Timestamp) -> Window {
        let length = i64::from(self.minutes.max(1)) * 60;
        let now = at.as_second();
        let start = now.div_euclid(length) * length;
        Window {
            start_epoch: start,
            end_epoch: start + length,
            seconds_left: u64::try_from(start + length - now).unwrap_or(1).max(1),
        }
    }

    fn check(self, what: &'static str) -> Result<(), LimitError> {
        if (1..=1440).contains(&self.minutes) {
            Ok(())
        } else {
            Err(LimitError::BadWindow {
                what,
                minutes: self.minutes,
            })
        }
    }
}

/// One window of a limit, in epoch seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub start_epoch: i64,
    pub end_epoch: i64,
    /// Until the window ends: what a refused client is told to wait
    /// (`Retry-After`), at least one second.
    pub seconds_left: u64,
}

/// A restaurant's order limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OrderLimits {
    /// Orders from one table link (dine-in).
    pub per_table: WindowLimit,
    /// All orders of the restaurant, each channel counted on its own so a
    /// flood of unpaid takeout orders cannot lock out the dining room.
    pub per_restaurant: WindowLimit,
}

impl Default for OrderLimits {
    /// Ten orders a table in ten minutes is more than a table of eight
    /// ordering round after round; sixty a minute is far beyond any one
    /// kitchen's pace.
    fn default() -> Self {
        Self {
            per_table: WindowLimit {
                orders: 10,
                minutes: 10,
            },
            per_restaurant: WindowLimit {
                orders: 60,
                minutes: 1,
            },
        }
    }
}

impl OrderLimits {
    pub fn validate(&self) -> Result<(), LimitError> {
        self.per_table.check("order_limits.per_table")?;
        self.per_restaurant.check("order_limits.per_restaurant")
    }
}

/// Which counter refused an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LimitScope {
    Table,
    Restaurant,
}

/// An order refused by a limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LimitReached {
    pub scope: LimitScope,
    pub limit: WindowLimit,
    pub retry_after_seconds: u64,
}

impl LimitReached {
    /// What the diner reads.
    pub fn message(&self) -> String {
        let wait = match self.retry_after_seconds {
            0..=90 => "a minute".to_owned(),
            s => format!("{} minutes", s.div_ceil(60)),
        };
        let window = match self.limit.minutes {
            1 => "a minute".to_owned(),
            m => format!("{m} minutes"),
        };
        match self.scope {
            LimitScope::Table => format!(
                "This table has already sent {} orders in {window}, the most we take from one table. \
                 Please ask a member of staff, or try again in {wait}.",
                self.limit.orders
            ),
            LimitScope::Restaurant => format!(
                "The kitchen is receiving more orders than it can take right now. \
                 Please try again in {wait} or ask a member of staff."
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn windows_are_aligned_and_say_how_long_is_left() {
        let limit = WindowLimit {
            orders: 10,
            minutes: 10,
        };
        let w = limit.window(at("2026-12-07T18:03:30Z"));
        assert_eq!(w.start_epoch, at("2026-12-07T18:00:00Z").as_second());
        assert_eq!(w.end_epoch, at("2026-12-07T18:10:00Z").as_second());
        assert_eq!(w.seconds_left, 390);
        // The same window for every moment inside it, the next one after.
        assert_eq!(
            limit.window(at("2026-12-07T18:09:59Z")).start_epoch,
            w.start_epoch
        );
        assert_eq!(
            limit.window(at("2026-12-07T18:10:00Z")).start_epoch,
            w.end_epoch
        );
    }

    #[test]
    fn a_refused_order_never_waits_zero_seconds() {
        let limit = WindowLimit {
            orders: 1,
            minutes: 1,
        };
        assert_eq!(limit.window(at("2026-12-07T18:00:59.900Z")).seconds_left, 1);
    }

    #[test]
    fn defaults_and_files() {
        let limits: OrderLimits = serde_json::from_str("{}").unwrap();
        assert_eq!(limits, OrderLimits::default());
        let limits: OrderLimits =
            serde_json::from_str(r#"{"per_table": {"orders": 0, "minutes": 10}}"#).unwrap();
        assert!(limits.per_table.is_off());
        assert_eq!(limits.per_restaurant, OrderLimits::default().per_restaurant);
        let bad = OrderLimits {
            per_table: WindowLimit {
                orders: 5,
                minutes: 0,
            },
            ..OrderLimits::default()
        };
        assert_eq!(
            bad.validate(),
            Err(LimitError::BadWindow {
                what: "order_limits.per_table",
                minutes: 0
            })
        );
    }

    #[test]
    fn messages_say_what_to_do() {
        let reached = LimitReached {
            scope: LimitScope::Table,
            limit: OrderLimits::default().per_table,
            retry_after_seconds: 390,
        };
        let text = reached.message();
        assert!(text.contains("10 orders in 10 minutes"), "{text}");
        assert!(text.contains("try again in 7 minutes"), "{text}");
    }
}
