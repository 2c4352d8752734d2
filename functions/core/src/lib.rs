//! The TableTap ordering domain.
//!
//! Everything here is pure: no clocks, no randomness, no network, no files.
//! Callers pass in the current time and random bytes, so every rule (pricing,
//! option choices, order states, ticket format) is tested in isolation.

pub mod board;
pub mod cart;
#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;
pub mod ids;
pub mod limits;
pub mod menu;
pub mod money;
pub mod money_format;
pub mod order;
pub mod payment;
pub mod photo;
pub mod restaurant;
pub mod sales;
pub mod staff;
pub mod table;
pub mod takeout;
pub mod ticket;
pub mod token;

pub use jiff::{Timestamp, civil::Date};
