//! Closing the kitchen loop: a listener reports that a ticket printed, and
//! the order becomes PRINTED with a conditional write.
//!
//! Acknowledgements arrive at least once and may overtake the dispatcher's
//! own SENT write, so every outcome other than "the store is unavailable" is
//! final: a replay, an order already further along, or an acknowledgement
//! that cannot apply is recorded in the log and not retried.

use crate::error::AppError;
use crate::ports::{OrderStore, StatusUpdate};
use tabletap_core::ids::RestaurantId;
use tabletap_core::order::OrderStatus;
use tabletap_core::ticket::PrintAck;

#[derive(Debug, PartialEq, Eq)]
pub enum PrintAckOutcome {
    MarkedPrinted,
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

#[tracing::instrument(name = "print_ack", skip_all, fields(restaurant = %topic_restaurant, order = %ack.order_id))]
pub async fn record_print_ack<S>(
    store: &S,
    topic_restaurant: &RestaurantId,
    ack: &PrintAck,
) -> Result<PrintAckOutcome, AppError>
where
    S: OrderStore + ?Sized,
{
    if &ack.restaurant_id != topic_restaurant {
        tracing::warn!(topic = %topic_restaurant, claimed = %ack.restaurant_id, ticket = %ack.ticket_id, "print ack names another restaurant than its topic; ignored");
        return Ok(PrintAckOutcome::WrongRestaurant);
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
                ack.printed_at,
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
