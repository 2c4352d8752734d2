//! Puts the restaurant and the order on the current span as soon as a use
//! case knows them, so every later log line of the request carries them
//! (the request span of `tabletap_api::handle` declares both fields; on a
//! span without them this does nothing).

use tabletap_core::ids::RestaurantId;
use tabletap_core::order::OrderId;

pub fn restaurant(id: &RestaurantId) {
    tracing::Span::current().record("restaurant", tracing::field::display(id));
}

pub fn order(id: &OrderId) {
    tracing::Span::current().record("order", tracing::field::display(id));
}
