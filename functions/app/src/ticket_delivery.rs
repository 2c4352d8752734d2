//! Who owns a kitchen ticket until it is on paper: the ticket ledger.
//!
//! A broker's PUBACK is not delivery. The dispatcher records every ticket
//! as pending *before* it publishes it; only the listener's print
//! acknowledgement for that ticket id marks it printed, and an order is
//! PRINTED once every one of its tickets is. Until then the redelivery
//! sweep publishes the ticket again (same id: the listener's journal turns
//! a duplicate into a re-sent acknowledgement) on [`REDELIVERY_DELAYS`], and
//! after [`ALERT_AFTER`] it raises a delivery alert. See
//! `docs/kitchen-delivery.md`.

use async_trait::async_trait;
use jiff::SignedDuration;
use serde::{Deserialize, Serialize};
use tabletap_core::Timestamp;
use tabletap_core::ids::{RestaurantId, StationId};
use tabletap_core::order::OrderId;
use tabletap_core::ticket::{TicketV1, encode};

use crate::ports::StoreError;

/// Waits before each redelivery of an unacknowledged ticket, counted from
/// the previous publish; the last one repeats.
pub const REDELIVERY_DELAYS: [SignedDuration; 5] = [
    SignedDuration::from_secs(5),
    SignedDuration::from_secs(10),
    SignedDuration::from_secs(20),
    SignedDuration::from_secs(40),
    SignedDuration::from_secs(60),
];

/// A ticket still unprinted this long after its first publish raises a
/// delivery alert (once).
pub const ALERT_AFTER: SignedDuration = SignedDuration::from_secs(120);

/// The wait after the `attempts`-th publish.
pub fn redelivery_delay(attempts: u32) -> SignedDuration {
    let index = (attempts.max(1) as usize - 1).min(REDELIVERY_DELAYS.len() - 1);
    REDELIVERY_DELAYS[index]
}

/// One ticket the system owns, from the dispatcher's record to the print
/// acknowledgement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketRecord {
    pub restaurant_id: RestaurantId,
    pub order_id: OrderId,
    /// The ticket's own id (`<order>.<station>.<print number>`).
    pub ticket_id: String,
    pub station: StationId,
    pub topic: String,
    /// The ticket JSON exactly as published, so a redelivery is the same
    /// message byte for byte (the order may have moved on since).
    pub payload: String,
    /// When it was first recorded (just before its first publish).
    pub created_at: Timestamp,
    /// Publishes so far, counting the one about to happen when recorded.
    pub attempts: u32,
    pub next_attempt_at: Timestamp,
    /// Absent (not null) until printed, so a store can test for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub printed_at: Option<Timestamp>,
    /// When the delivery alert was raised, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alerted_at: Option<Timestamp>,
}

impl TicketRecord {
    /// A ticket about to be published for the first time at `now`.
    pub fn pending(ticket: &TicketV1, now: Timestamp) -> Self {
        let payload = String::from_utf8(encode(ticket)).expect("ticket JSON is UTF-8");
        TicketRecord {
            restaurant_id: ticket.restaurant_id.clone(),
            order_id: ticket.order_id.clone(),
            ticket_id: ticket.ticket_id.clone(),
            station: ticket.station.clone(),
            topic: ticket.topic(),
            payload,
            created_at: now,
            attempts: 1,
            next_attempt_at: now.saturating_add(redelivery_delay(1)).unwrap_or(now),
            printed_at: None,
            alerted_at: None,
        }
    }

    pub fn is_printed(&self) -> bool {
        self.printed_at.is_some()
    }
}

/// Result of marking a ticket printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TicketPrinted {
    /// Recorded now.
    Marked,
    /// An earlier acknowledgement did (a replay or a redelivery's re-ack).
    AlreadyPrinted,
    /// The ledger has no such ticket.
    Unknown,
}

/// The ledger of tickets. A separate port from the order store, so only the
/// functions that deliver tickets get its permissions.
#[async_trait]
pub trait TicketLedger: Send + Sync {
    /// Records tickets as pending. A ticket already recorded is kept as it
    /// is (a redelivered change must not reset its schedule or its print).
    async fn record_tickets_pending(&self, tickets: &[TicketRecord]) -> Result<(), StoreError>;

    /// Marks one ticket printed and takes it off the redelivery schedule
    /// (and the alerts). The first acknowledgement's time is kept.
    async fn mark_ticket_printed(
        &self,
        restaurant: &RestaurantId,
        ticket_id: &str,
        at: Timestamp,
    ) -> Result<TicketPrinted, StoreError>;

    /// Every ticket recorded for an order (strongly consistent).
    async fn order_tickets(
        &self,
        restaurant: &RestaurantId,
        order: &OrderId,
    ) -> Result<Vec<TicketRecord>, StoreError>;

    /// Unprinted tickets of every restaurant whose next attempt is due at
    /// `now`, earliest first, at most `limit`.
    async fn tickets_due(
        &self,
        now: Timestamp,
        limit: usize,
    ) -> Result<Vec<TicketRecord>, StoreError>;

    /// After a redelivery: stores the new attempt count, next attempt and
    /// alert time, only if the ticket is still unprinted. `false` when it
    /// printed meanwhile (nothing written).
    async fn reschedule_ticket(&self, ticket: &TicketRecord) -> Result<bool, StoreError>;

    /// A restaurant's unprinted tickets that raised a delivery alert,
    /// oldest first.
    async fn delivery_alerts(
        &self,
        restaurant: &RestaurantId,
    ) -> Result<Vec<TicketRecord>, StoreError>;
}

/// A ticket that did not print in time, for staff and ops.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DeliveryAlert {
    pub restaurant_id: RestaurantId,
    pub order_id: OrderId,
    pub ticket_id: String,
    pub station: StationId,
    pub first_sent_at: Timestamp,
    pub attempts: u32,
    pub alerted_at: Timestamp,
}

impl DeliveryAlert {
    pub fn of(ticket: &TicketRecord) -> Option<Self> {
        Some(DeliveryAlert {
            restaurant_id: ticket.restaurant_id.clone(),
            order_id: ticket.order_id.clone(),
            ticket_id: ticket.ticket_id.clone(),
            station: ticket.station.clone(),
            first_sent_at: ticket.created_at,
            attempts: ticket.attempts,
            alerted_at: ticket.alerted_at?,
        })
    }
}

/// Where a new delivery alert goes besides the log and the ledger: the ops
/// SNS topic in AWS; locally nowhere else (staff read the ledger's alerts).
#[async_trait]
pub trait DeliveryAlertSink: Send + Sync {
    async fn raise(&self, alert: &DeliveryAlert) -> Result<(), crate::ports::DeliveryError>;
}

/// Alerts go to the log only (local mode: the staff API lists them).
pub struct LogOnlyAlerts;

#[async_trait]
impl DeliveryAlertSink for LogOnlyAlerts {
    async fn raise(&self, _alert: &DeliveryAlert) -> Result<(), crate::ports::DeliveryError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_then_stays_at_a_minute() {
        let secs: Vec<i64> = (1..=7).map(|a| redelivery_delay(a).as_secs()).collect();
        assert_eq!(secs, [5, 10, 20, 40, 60, 60, 60]);
        assert_eq!(redelivery_delay(0).as_secs(), 5);
    }
}
