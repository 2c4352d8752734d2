//! Reprint one station's ticket or all of an order's: owned and published
//! like any ticket (recorded pending in the ticket ledger first, then the
//! kitchen publisher, the listener, its acknowledgement; redelivered until
//! printed) with a print number above 0, so it prints with a REPRINT banner
//! and under a new ticket id that the listener's duplicate guard has not
//! seen.

use super::restaurant;
use crate::error::AppError;
use crate::ports::{Clock, KitchenPublisher, OrderStore, RestaurantStore};
use crate::ticket_delivery::{TicketLedger, TicketRecord};
use tabletap_core::board::reprint_number;
use tabletap_core::ids::RestaurantId;
use tabletap_core::order::{OrderId, OrderStatus};
use tabletap_core::ticket::{TicketV1, encode, tickets_for_order};

pub async fn reprint_tickets<S>(
    store: &S,
    kitchen: Option<&dyn KitchenPublisher>,
    clock: &dyn Clock,
    restaurant_id: &RestaurantId,
    order_id: &OrderId,
    station: Option<&str>,
) -> Result<Vec<TicketV1>, AppError>
where
    S: OrderStore + RestaurantStore + TicketLedger + ?Sized,
{
    let kitchen = kitchen.ok_or(AppError::KitchenNotConfigured)?;
    let order = store
        .get_order(restaurant_id, order_id)
        .await?
        .ok_or(AppError::OrderNotFound)?;
    // Only what the kitchen had: an ACCEPTED order's first print is still
    // on its way, and an unapproved, unpaid or cancelled one never goes.
    if !matches!(
        order.status,
        OrderStatus::Sent | OrderStatus::Printed | OrderStatus::Ready | OrderStatus::Completed
    ) {
        return Err(AppError::ActionNotAllowed {
            number: order.number.to_string(),
            status: order.status.as_str(),
            action: "reprinted",
        });
    }
    let restaurant = restaurant(store, restaurant_id).await?;
    let now = clock.now();
    let mut tickets = tickets_for_order(&order, &restaurant.time_zone, reprint_number(&order, now));
    if let Some(station) = station {
        tickets.retain(|t| t.station.as_str() == station);
        if tickets.is_empty() {
            return Err(AppError::InvalidInput {
                code: "unknown_station",
                message: format!(
                    "Order {} has no ticket for station {station:?}.",
                    order.number
                ),
            });
        }
    }
    // Owned before it leaves: a publish that fails or a broker that drops
    // it is the redelivery sweep's job from here on, as for a first print.
    let records: Vec<TicketRecord> = tickets
        .iter()
        .map(|ticket| TicketRecord::pending(ticket, now))
        .collect();
    store.record_tickets_pending(&records).await?;
    for ticket in &tickets {
        kitchen
            .publish(&ticket.topic(), &encode(ticket))
            .await
            .map_err(|e| AppError::KitchenUnavailable(e.into()))?;
        tracing::info!(order = %order_id, ticket = %ticket.ticket_id, "ticket reprinted");
    }
    Ok(tickets)
}
