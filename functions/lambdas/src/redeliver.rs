//! The redeliver-tickets function: EventBridge Scheduler runs it once a
//! minute. Every ticket the ledger holds unprinted past its next attempt is
//! published to IoT Core again with the same ticket id, and one unprinted
//! for two minutes raises a delivery alert to the ops topic (see
//! `tabletap_app`'s redelivery sweep and docs/kitchen-delivery.md).
//!
//! IoT Core keeps QoS 1 messages for a persistent session only while the
//! session lives (an hour by default) and never for a listener that has
//! not subscribed yet; this sweep is what makes a kitchen PC that was off,
//! or a session that expired, cost a delay instead of a ticket.

use tabletap_app::ports::{Clock, KitchenPublisher, StoreError};
use tabletap_app::ticket_delivery::{ALERT_AFTER, DeliveryAlertSink, TicketLedger};
use tabletap_app::use_cases::redeliver_unprinted_tickets::{Sweep, redeliver_unprinted_tickets};

/// The ops topic alerts go to (the template passes `OpsAlertsTopic`).
pub fn ops_topic_arn() -> Result<String, String> {
    crate::required_env(
        "TABLETAP_OPS_TOPIC_ARN",
        "the ARN of the SNS topic delivery alerts go to",
    )
}

/// One sweep. An unreachable ledger fails the invocation (Lambda's Errors
/// metric and its alarm see it; the next minute's run tries again); a
/// failed publish only moves that ticket to its next attempt.
pub async fn handle_schedule<L>(
    ledger: &L,
    kitchen: &dyn KitchenPublisher,
    alerts: &dyn DeliveryAlertSink,
    clock: &dyn Clock,
) -> Result<Sweep, StoreError>
where
    L: TicketLedger + ?Sized,
{
    let sweep = redeliver_unprinted_tickets(ledger, kitchen, alerts, clock, ALERT_AFTER).await?;
    tracing::info!(
        republished = sweep.republished,
        publish_failures = sweep.publish_failures,
        printed_meanwhile = sweep.printed_meanwhile,
        alerts_raised = sweep.alerts_raised,
        "redelivery sweep done"
    );
    Ok(sweep)
}
