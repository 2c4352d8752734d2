//! The print-ack function: an AWS IoT rule forwards every message on
//! `tabletap/+/acks` here, with the restaurant taken from the topic.

use serde::Deserialize;
use tabletap_app::AppError;
use tabletap_app::ports::{Clock, OrderStore, StoreError};
use tabletap_app::ticket_delivery::TicketLedger;
use tabletap_app::use_cases::record_print_ack::record_print_ack;
use tabletap_core::ids::RestaurantId;
use tabletap_core::ticket::PrintAck;

/// What the rule sends: the PrintAck's named fields, with `restaurant_id`
/// and `topic_restaurant` both taken from `topic(2)` (see the template), so
/// nothing in a payload can stand in for the topic's restaurant.
#[derive(Debug, Deserialize)]
pub struct PrintAckEvent {
    pub topic_restaurant: RestaurantId,
    #[serde(flatten)]
    pub ack: PrintAck,
}

/// Returns an error only when a retry can help (the store was unavailable);
/// the rule's Lambda action then retries, and the dead-letter queue keeps
/// what still fails. Every other outcome is final and only logged.
#[tracing::instrument(name = "print_ack_event", skip_all, fields(restaurant = %event.topic_restaurant, order = %event.ack.order_id))]
pub async fn handle_print_ack<S>(
    store: &S,
    clock: &dyn Clock,
    event: PrintAckEvent,
) -> Result<(), lambda_http::Error>
where
    S: OrderStore + TicketLedger + ?Sized,
{
    match record_print_ack(store, clock, &event.topic_restaurant, &event.ack).await {
        Ok(outcome) => {
            tracing::info!(?outcome, ticket = %event.ack.ticket_id, "print ack handled");
            Ok(())
        }
        Err(error @ AppError::Store(StoreError::Unavailable(_))) => Err(error.into()),
        Err(error) => {
            tracing::error!(error = ?error, ticket = %event.ack.ticket_id, "print ack could not be recorded; not retried");
            Ok(())
        }
    }
}
