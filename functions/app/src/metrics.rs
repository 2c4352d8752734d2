//! The business metrics, as tracing events with target [`TARGET`]: orders
//! placed and refused, tickets printed, order-to-printed time, payment
//! webhook outcomes. In AWS, `tabletap-telemetry` turns each into a
//! CloudWatch embedded-metric line (the alarms in infra/template.yaml read
//! them); locally they are ordinary log lines. No I/O here: tracing is the
//! log facade every use case already writes to.
//!
//! Dimensions stay few and fixed (channel, outcome, reason); the restaurant
//! and order ride along as properties, never as dimensions (each dimension
//! value would be a metric billed every month).

use tabletap_core::Timestamp;
use tabletap_core::ids::RestaurantId;
use tabletap_core::order::{Channel, Order, OrderId};

/// Must equal `tabletap_telemetry::METRIC_TARGET` (tested there).
pub const TARGET: &str = "tabletap::metric";

fn channel_name(channel: &Channel) -> &'static str {
    match channel {
        Channel::DineIn { .. } => "dine_in",
        Channel::Takeout { .. } => "takeout",
    }
}

pub fn order_placed(order: &Order) {
    tracing::info!(
        target: TARGET,
        metric = "OrdersPlaced",
        value = 1u64,
        dimensions = "channel",
        channel = channel_name(&order.channel),
        restaurant = %order.restaurant_id,
        order = %order.id,
    );
}

/// An order refused by an order limit (`reason`: "table" or "restaurant").
pub fn order_refused(restaurant: &RestaurantId, reason: &'static str) {
    tracing::info!(
        target: TARGET,
        metric = "OrdersRefused",
        value = 1u64,
        dimensions = "reason",
        reason,
        restaurant = %restaurant,
    );
}

pub fn ticket_printed(restaurant: &RestaurantId, order: &OrderId, ticket: &str) {
    tracing::info!(
        target: TARGET,
        metric = "TicketsPrinted",
        value = 1u64,
        restaurant = %restaurant,
        order = %order,
        ticket,
    );
}

/// From the order being placed to its (last) ticket printing.
pub fn order_printed(
    restaurant: &RestaurantId,
    order: &OrderId,
    placed: Timestamp,
    printed: Timestamp,
) {
    let ms = printed.duration_since(placed).as_millis().max(0);
    tracing::info!(
        target: TARGET,
        metric = "OrderToPrinted",
        value = u64::try_from(ms).unwrap_or(u64::MAX),
        unit = "Milliseconds",
        restaurant = %restaurant,
        order = %order,
    );
}

/// A payment webhook event handled (`outcome`: accepted, refused, ...).
pub fn webhook_event(restaurant: &RestaurantId, order: &OrderId, outcome: &'static str) {
    tracing::info!(
        target: TARGET,
        metric = "WebhookEvents",
        value = 1u64,
        dimensions = "outcome",
        outcome,
        restaurant = %restaurant,
        order = %order,
    );
}

/// A ticket still unprinted past the alert time (the delivery alarm).
pub fn ticket_overdue(restaurant: &RestaurantId, order: &OrderId) {
    tracing::info!(
        target: TARGET,
        metric = "TicketsOverdue",
        value = 1u64,
        restaurant = %restaurant,
        order = %order,
    );
}
