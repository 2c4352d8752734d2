//! The ticket ledger in redb: `tickets` holds each ticket
//! (`<restaurant>/<ticket id>`; ticket ids start with the order id, so an
//! order's tickets are one range), `tickets_due` indexes the unprinted ones
//! by next attempt (`<epoch ms, 15 digits>/<restaurant>/<ticket id>`) for the
//! redelivery sweep, and `delivery_alerts` the alerted unprinted ones per
//! restaurant. Each change is one write transaction, so the index never
//! disagrees with the ticket.

use crate::{EmbeddedStore, decode, encode, prefix_end, unavailable};
use async_trait::async_trait;
use redb::{ReadableDatabase, ReadableTable, TableDefinition, WriteTransaction};
use tabletap_app::ports::StoreError;
use tabletap_app::ticket_delivery::{TicketLedger, TicketPrinted, TicketRecord};
use tabletap_core::Timestamp;
use tabletap_core::ids::RestaurantId;
use tabletap_core::order::OrderId;

pub(crate) const TICKETS: TableDefinition<&str, &[u8]> = TableDefinition::new("tickets");
pub(crate) const TICKETS_DUE: TableDefinition<&str, ()> = TableDefinition::new("tickets_due");
pub(crate) const DELIVERY_ALERTS: TableDefinition<&str, ()> =
    TableDefinition::new("delivery_alerts");

fn ticket_key(restaurant: &RestaurantId, ticket_id: &str) -> String {
    format!("{restaurant}/{ticket_id}")
}

fn due_key(ticket: &TicketRecord) -> String {
    format!(
        "{:015}/{}/{}",
        ticket.next_attempt_at.as_millisecond().max(0),
        ticket.restaurant_id,
        ticket.ticket_id
    )
}

/// Writes a ticket with its index entries, replacing `old`'s.
fn put_ticket(
    txn: &WriteTransaction,
    old: Option<&TicketRecord>,
    ticket: &TicketRecord,
) -> Result<(), StoreError> {
    let key = ticket_key(&ticket.restaurant_id, &ticket.ticket_id);
    let mut due = txn.open_table(TICKETS_DUE).map_err(unavailable)?;
    let mut alerts = txn.open_table(DELIVERY_ALERTS).map_err(unavailable)?;
    if let Some(old) = old {
        due.remove(due_key(old).as_str()).map_err(unavailable)?;
    }
    if ticket.is_printed() {
        alerts.remove(key.as_str()).map_err(unavailable)?;
    } else {
        due.insert(due_key(ticket).as_str(), ())
            .map_err(unavailable)?;
        if ticket.alerted_at.is_some() {
            alerts.insert(key.as_str(), ()).map_err(unavailable)?;
        }
    }
    txn.open_table(TICKETS)
        .map_err(unavailable)?
        .insert(key.as_str(), encode(ticket)?.as_slice())
        .map_err(unavailable)?;
    Ok(())
}

fn get_ticket(txn: &WriteTransaction, key: &str) -> Result<Option<TicketRecord>, StoreError> {
    let tickets = txn.open_table(TICKETS).map_err(unavailable)?;
    let found = tickets.get(key).map_err(unavailable)?;
    found.map(|bytes| decode(bytes.value())).transpose()
}

#[async_trait]
impl TicketLedger for EmbeddedStore {
    async fn record_tickets_pending(&self, tickets: &[TicketRecord]) -> Result<(), StoreError> {
        let tickets = tickets.to_vec();
        self.blocking(move |db| {
            let txn = db.begin_write().map_err(unavailable)?;
            for ticket in &tickets {
                let key = ticket_key(&ticket.restaurant_id, &ticket.ticket_id);
                if get_ticket(&txn, &key)?.is_none() {
                    put_ticket(&txn, None, ticket)?;
                }
            }
            txn.commit().map_err(unavailable)
        })
        .await
    }

    async fn mark_ticket_printed(
        &self,
        restaurant: &RestaurantId,
        ticket_id: &str,
        at: Timestamp,
    ) -> Result<TicketPrinted, StoreError> {
        let key = ticket_key(restaurant, ticket_id);
        self.blocking(move |db| {
            let txn = db.begin_write().map_err(unavailable)?;
            let outcome = match get_ticket(&txn, &key)? {
                None => TicketPrinted::Unknown,
                Some(ticket) if ticket.is_printed() => TicketPrinted::AlreadyPrinted,
                Some(old) => {
                    let mut printed = old.clone();
                    printed.printed_at = Some(at);
                    put_ticket(&txn, Some(&old), &printed)?;
                    TicketPrinted::Marked
                }
            };
            txn.commit().map_err(unavailable)?;
            Ok(outcome)
        })
        .await
    }

    async fn order_tickets(
        &self,
        restaurant: &RestaurantId,
        order: &OrderId,
    ) -> Result<Vec<TicketRecord>, StoreError> {
        let prefix = format!("{restaurant}/{order}.");
        self.blocking(move |db| {
            let txn = db.begin_read().map_err(unavailable)?;
            let tickets = txn.open_table(TICKETS).map_err(unavailable)?;
            let end = prefix_end(&prefix);
            tickets
                .range(prefix.as_str()..end.as_str())
                .map_err(unavailable)?
                .map(|entry| decode(entry.map_err(unavailable)?.1.value()))
                .collect()
        })
        .await
    }

    async fn tickets_due(
        &self,
        now: Timestamp,
        limit: usize,
    ) -> Result<Vec<TicketRecord>, StoreError> {
        // Every key of a time up to `now` sorts before this one.
        let end = format!("{:015}0", now.as_millisecond().max(0));
        self.blocking(move |db| {
            let txn = db.begin_read().map_err(unavailable)?;
            let due = txn.open_table(TICKETS_DUE).map_err(unavailable)?;
            let tickets = txn.open_table(TICKETS).map_err(unavailable)?;
            let mut result = Vec::new();
            for entry in due.range(..end.as_str()).map_err(unavailable)?.take(limit) {
                let (key, _) = entry.map_err(unavailable)?;
                let Some((_, ticket_key)) = key.value().split_once('/') else {
                    continue;
                };
                if let Some(bytes) = tickets.get(ticket_key).map_err(unavailable)? {
                    result.push(decode(bytes.value())?);
                }
            }
            Ok(result)
        })
        .await
    }

    async fn reschedule_ticket(&self, ticket: &TicketRecord) -> Result<bool, StoreError> {
        let ticket = ticket.clone();
        self.blocking(move |db| {
            let txn = db.begin_write().map_err(unavailable)?;
            let key = ticket_key(&ticket.restaurant_id, &ticket.ticket_id);
            let rescheduled = match get_ticket(&txn, &key)? {
                Some(old) if !old.is_printed() => {
                    let mut next = old.clone();
                    next.attempts = ticket.attempts;
                    next.next_attempt_at = ticket.next_attempt_at;
                    next.alerted_at = old.alerted_at.or(ticket.alerted_at);
                    put_ticket(&txn, Some(&old), &next)?;
                    true
                }
                _ => false,
            };
            txn.commit().map_err(unavailable)?;
            Ok(rescheduled)
        })
        .await
    }

    async fn delivery_alerts(
        &self,
        restaurant: &RestaurantId,
    ) -> Result<Vec<TicketRecord>, StoreError> {
        let prefix = format!("{restaurant}/");
        self.blocking(move |db| {
            let txn = db.begin_read().map_err(unavailable)?;
            let alerts = txn.open_table(DELIVERY_ALERTS).map_err(unavailable)?;
            let tickets = txn.open_table(TICKETS).map_err(unavailable)?;
            let end = prefix_end(&prefix);
            let mut result: Vec<TicketRecord> = Vec::new();
            for entry in alerts
                .range(prefix.as_str()..end.as_str())
                .map_err(unavailable)?
            {
                let (key, _) = entry.map_err(unavailable)?;
                if let Some(bytes) = tickets.get(key.value()).map_err(unavailable)? {
                    result.push(decode(bytes.value())?);
                }
            }
            result.sort_by_key(|t| t.created_at);
            Ok(result)
        })
        .await
    }
}
