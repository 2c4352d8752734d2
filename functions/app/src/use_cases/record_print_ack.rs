//! Closing the kitchen loop: a listener reports that a ticket printed; the
//! ticket is marked printed in the ledger, and once every ticket of the
//! order printed, the order becomes PRINTED with a conditional write (an
//! order for two stations stays SENT until both printed).
//!
//! Orders dispatched before the ledger existed have no tickets in it: their
//! first acknowledgement marks them PRINTED as before.
//!
//! Acknowledgements arrive at least once and may overtake the dispatcher's
//! own SENT write, so every outcome other than "the store is unavailable" is
//! final: a replay, an order already further along, or an acknowledgement
//! that cannot apply is recorded in the log and not retried.

use crate::error::AppError;
use crate::ports::{Clock, OrderStore, StatusUpdate};
use crate::ticket_delivery::{TicketLedger, TicketPrinted};
use jiff::SignedDuration;
use tabletap_core::ids::RestaurantId;
use tabletap_core::order::OrderStatus;
use tabletap_core::ticket::PrintAck;

#[derive(Debug, PartialEq, Eq)]
pub enum PrintAckOutcome {
    MarkedPrinted,
    /// This ticket is recorded as printed; the order waits for its other
    /// tickets (this many).
    WaitingForOtherTickets(usize),
    /// The ticket id does not belong to the order the acknowledgement names,
    /// or the order has tickets in the ledger and this is none of them.
    UnknownTicket,
    /// Already PRINTED, or further along (READY, COMPLETED, CANCELLED).
    AlreadyPastPrinting(OrderStatus),
    /// The order is in a state no ticket is printed for (unpaid, awaiting
    /// approval): a stray or forged acknowledgement.
    NotPrintable(OrderStatus),
    UnknownOrder,
    /// The acknowledgement names another restaurant than the topic it came
    /// on; only the topic is vouched for by the broker's policy.
    WrongRestaurant,
}

/// How often a lost race is retried before giving up; each round re-reads
/// the order, so this only matters under heavy contention.
const MAX_ROUNDS: usize = 4;

/// A listener's clock this far from ours is not believed: the receive time
/// goes into the order's history instead.
pub const PRINTED_AT_TOLERANCE: SignedDuration = SignedDuration::from_mins(5);

/// The time to record for a print: the listener's, unless it is more than
/// [`PRINTED_AT_TOLERANCE`] away from `received` (a wrong clock or a forged
/// value), then `received`.
pub fn clamp_printed_at(
    printed_at: tabletap_core::Timestamp,
    received: tabletap_core::Timestamp,
) -> tabletap_core::Timestamp {
    if received.duration_since(printed_at).abs() > PRINTED_AT_TOLERANCE {
        received
    } else {
        printed_at
    }
}

#[tracing::instrument(name = "print_ack", skip_all, fields(restaurant = %topic_restaurant, order = %ack.order_id))]
pub async fn record_print_ack<S>(
    store: &S,
    clock: &dyn Clock,
    topic_restaurant: &RestaurantId,
    ack: &PrintAck,
) -> Result<PrintAckOutcome, AppError>
where
    S: OrderStore + TicketLedger + ?Sized,
{
    if &ack.restaurant_id != topic_restaurant {
        tracing::warn!(topic = %topic_restaurant, claimed = %ack.restaurant_id, ticket = %ack.ticket_id, "print ack names another restaurant than its topic; ignored");
        return Ok(PrintAckOutcome::WrongRestaurant);
    }
    let received = clock.now();
    let printed_at = clamp_printed_at(ack.printed_at, received);
    if printed_at != ack.printed_at {
        tracing::warn!(ticket = %ack.ticket_id, claimed = %ack.printed_at, recorded = %printed_at, "print ack's printed_at is far from now; the receive time is recorded");
    }
    let of_this_order = ack
        .ticket_id
        .strip_prefix(ack.order_id.as_str())
        .is_some_and(|rest| rest.starts_with('.'));
    if !of_this_order {
        tracing::warn!(order = %ack.order_id, ticket = %ack.ticket_id, "print ack's ticket id is not one of its order; ignored");
        return Ok(PrintAckOutcome::UnknownTicket);
    }
    match store
        .mark_ticket_printed(&ack.restaurant_id, &ack.ticket_id, printed_at)
        .await?
    {
        TicketPrinted::Marked | TicketPrinted::AlreadyPrinted => {
            let tickets = store
                .order_tickets(&ack.restaurant_id, &ack.order_id)
                .await?;
            let waiting = tickets.iter().filter(|t| !t.is_printed()).count();
            if waiting > 0 {
                tracing::info!(order = %ack.order_id, ticket = %ack.ticket_id, waiting, "ticket printed; the order waits for its other tickets");
                return Ok(PrintAckOutcome::WaitingForOtherTickets(waiting));
            }
        }
        TicketPrinted::Unknown => {
            // An order dispatched before the ledger existed has no tickets
            // in it; any other unknown ticket is stray.
            if !store
                .order_tickets(&ack.restaurant_id, &ack.order_id)
                .await?
                .is_empty()
            {
                tracing::warn!(order = %ack.order_id, ticket = %ack.ticket_id, "print ack for a ticket the ledger does not know; ignored");
                return Ok(PrintAckOutcome::UnknownTicket);
            }
        }
    }
    let Some(order) = store.get_order(&ack.restaurant_id, &ack.order_id).await? else {
        tracing::warn!(order = %ack.order_id, ticket = %ack.ticket_id, "print ack for an unknown order; ignored");
        return Ok(PrintAckOutcome::UnknownOrder);
    };
    let mut current = order.status;
    for _ in 0..MAX_ROUNDS {
        if current == OrderStatus::Printed || current.is_final() || current == OrderStatus::Ready {
            return Ok(PrintAckOutcome::AlreadyPastPrinting(current));
        }
        if !current.can_become(OrderStatus::Printed) {
            tracing::warn!(order = %ack.order_id, status = %current, "print ack for an order that has no ticket; ignored");
            return Ok(PrintAckOutcome::NotPrintable(current));
        }
        match store
            .update_order_status(
                &ack.restaurant_id,
                &ack.order_id,
                current,
                OrderStatus::Printed,
                printed_at,
            )
            .await?
        {
            StatusUpdate::Applied(_) => {
                tracing::info!(order = %ack.order_id, ticket = %ack.ticket_id, printer = %ack.printer, "order printed");
                crate::metrics::ticket_printed(&ack.restaurant_id, &ack.order_id, &ack.ticket_id);
                crate::metrics::order_printed(
                    &ack.restaurant_id,
                    &ack.order_id,
                    order.placed_at,
                    ack.printed_at,
                );
                return Ok(PrintAckOutcome::MarkedPrinted);
            }
            StatusUpdate::Conflict { current: now } => current = now,
            StatusUpdate::NotFound => return Ok(PrintAckOutcome::UnknownOrder),
        }
    }
    Err(AppError::Unexpected(anyhow::anyhow!(
        "order {} kept changing while recording its print ack",
        ack.order_id
    )))
}
