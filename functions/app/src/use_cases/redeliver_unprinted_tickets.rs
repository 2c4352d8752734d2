//! The redelivery sweep: every ticket the ledger still holds unprinted past
//! its next attempt is published again, with the same ticket id, on the
//! backoff of [`redelivery_delay`]; one still unprinted `alert_after` its
//! first publish ([`ALERT_AFTER`] in AWS and by default locally) raises a
//! delivery alert, once.
//!
//! This is what makes a broker's queue irrelevant to the guarantee: a
//! broker that forgot a session (rumqttd restarted, IoT Core's session
//! expired, a listener that never connected) or dropped a message no
//! subscription matched delays a ticket by one backoff step, never loses
//! it. The listener's journal makes the repeat harmless: a ticket it already
//! printed is only acknowledged again.
//!
//! Runs every second in the local server and once a minute (EventBridge) in
//! AWS; overlapping sweeps are harmless (at worst one extra publish).

use crate::ports::{Clock, KitchenPublisher, StoreError};
#[cfg(doc)]
use crate::ticket_delivery::ALERT_AFTER;
use crate::ticket_delivery::{DeliveryAlert, DeliveryAlertSink, TicketLedger, redelivery_delay};
use jiff::SignedDuration;

/// What one sweep did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Sweep {
    pub republished: usize,
    /// Publishes that failed (retried on the next attempt's schedule).
    pub publish_failures: usize,
    /// Printed while the sweep ran: nothing rescheduled.
    pub printed_meanwhile: usize,
    pub alerts_raised: usize,
}

/// Tickets handled per sweep at most; the rest wait for the next sweep.
pub const SWEEP_LIMIT: usize = 500;

pub async fn redeliver_unprinted_tickets<L>(
    ledger: &L,
    kitchen: &dyn KitchenPublisher,
    alerts: &dyn DeliveryAlertSink,
    clock: &dyn Clock,
    alert_after: SignedDuration,
) -> Result<Sweep, StoreError>
where
    L: TicketLedger + ?Sized,
{
    let now = clock.now();
    let due = ledger.tickets_due(now, SWEEP_LIMIT).await?;
    let mut sweep = Sweep::default();
    for mut ticket in due {
        match kitchen
            .publish(&ticket.topic, ticket.payload.as_bytes())
            .await
        {
            Ok(()) => sweep.republished += 1,
            Err(error) => {
                sweep.publish_failures += 1;
                tracing::warn!(ticket = %ticket.ticket_id, error = %error, "redelivery: publish failed; tried again later");
            }
        }
        ticket.attempts += 1;
        ticket.next_attempt_at = now
            .saturating_add(redelivery_delay(ticket.attempts))
            .unwrap_or(now);
        let unprinted_for = now.duration_since(ticket.created_at);
        let raise = ticket.alerted_at.is_none() && unprinted_for >= alert_after;
        if raise {
            ticket.alerted_at = Some(now);
        }
        if !ledger.reschedule_ticket(&ticket).await? {
            sweep.printed_meanwhile += 1;
            continue;
        }
        tracing::info!(
            ticket = %ticket.ticket_id,
            restaurant = %ticket.restaurant_id,
            attempts = ticket.attempts,
            unprinted_s = unprinted_for.as_secs(),
            "ticket not acknowledged yet; published again"
        );
        if raise && let Some(alert) = DeliveryAlert::of(&ticket) {
            sweep.alerts_raised += 1;
            tracing::error!(
                outcome = "delivery_alert",
                restaurant = %alert.restaurant_id,
                order = %alert.order_id,
                ticket = %alert.ticket_id,
                station = %alert.station,
                attempts = alert.attempts,
                unprinted_s = unprinted_for.as_secs(),
                "ticket still not printed: check the kitchen listener and printer"
            );
            if let Err(error) = alerts.raise(&alert).await {
                tracing::error!(ticket = %alert.ticket_id, error = %error, "cannot send the delivery alert to ops");
            }
        }
    }
    Ok(sweep)
}
