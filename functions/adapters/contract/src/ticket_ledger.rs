//! The ticket ledger's contract: a ticket is owned (due for redelivery)
//! until it is marked printed, per ticket, whatever else happens.

use crate::{order_for, rid};
use jiff::SignedDuration;
use std::sync::Arc;
use tabletap_app::ports::Store;
use tabletap_app::ticket_delivery::{TicketLedger, TicketPrinted, TicketRecord};
use tabletap_core::Timestamp;
use tabletap_core::ids::StationId;
use tabletap_core::order::Order;
use tabletap_core::ticket::tickets_for_order;

/// An order with lines for two stations (bar, pizza).
fn two_station_order(restaurant: &str, nth: u8) -> Order {
    let mut order = order_for(restaurant, nth, "2026-11-21");
    let mut drink = order.lines[0].clone();
    drink.station = StationId::parse("bar").unwrap();
    drink.name = "Still water".into();
    order.lines.push(drink);
    order
}

fn pending(order: &Order, at: Timestamp) -> Vec<TicketRecord> {
    tickets_for_order(order, "Europe/Berlin", 0)
        .iter()
        .map(|ticket| TicketRecord::pending(ticket, at))
        .collect()
}

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn secs(n: i64) -> SignedDuration {
    SignedDuration::from_secs(n)
}

pub async fn tickets_are_owned_until_each_is_printed<S: Store + TicketLedger>(store: Arc<S>) {
    let order = two_station_order("ledger-a", 1);
    let t0 = at("2026-11-21T18:00:00Z");
    let tickets = pending(&order, t0);
    assert_eq!(tickets.len(), 2);
    store.record_tickets_pending(&tickets).await.unwrap();
    // A redelivered change records them again: the first record is kept.
    let mut again = pending(&order, t0 + secs(30));
    again[0].attempts = 9;
    store.record_tickets_pending(&again).await.unwrap();

    let stored = store
        .order_tickets(&order.restaurant_id, &order.id)
        .await
        .unwrap();
    assert_eq!(stored, tickets, "both tickets, as first recorded");
    let other = order_for("ledger-a", 2, "2026-11-21");
    assert!(
        store
            .order_tickets(&order.restaurant_id, &other.id)
            .await
            .unwrap()
            .is_empty()
    );

    assert!(store.tickets_due(t0, 10).await.unwrap().is_empty());
    let due = store.tickets_due(t0 + secs(5), 10).await.unwrap();
    assert_eq!(due.len(), 2, "due at their next attempt");

    let bar = &tickets[0].ticket_id;
    let r = &order.restaurant_id;
    assert_eq!(
        store
            .mark_ticket_printed(r, bar, t0 + secs(1))
            .await
            .unwrap(),
        TicketPrinted::Marked
    );
    assert_eq!(
        store
            .mark_ticket_printed(r, bar, t0 + secs(2))
            .await
            .unwrap(),
        TicketPrinted::AlreadyPrinted
    );
    assert_eq!(
        store
            .mark_ticket_printed(r, &format!("{}.grill.0", order.id), t0)
            .await
            .unwrap(),
        TicketPrinted::Unknown
    );
    assert_eq!(
        store
            .mark_ticket_printed(&rid("ledger-other"), bar, t0)
            .await
            .unwrap(),
        TicketPrinted::Unknown,
        "a ticket is found only under its own restaurant"
    );
    let stored = store.order_tickets(r, &order.id).await.unwrap();
    assert_eq!(
        stored[0].printed_at,
        Some(t0 + secs(1)),
        "the first ack's time"
    );
    assert_eq!(stored[1].printed_at, None);
    let due = store.tickets_due(t0 + secs(60), 10).await.unwrap();
    assert_eq!(
        due.iter().map(|t| &t.ticket_id).collect::<Vec<_>>(),
        [&tickets[1].ticket_id],
        "a printed ticket is no longer due"
    );
}

pub async fn rescheduled_tickets_wait_and_alerts_end_with_the_print<S: Store + TicketLedger>(
    store: Arc<S>,
) {
    let order = order_for("ledger-b", 1, "2026-11-21");
    let t0 = at("2026-11-21T18:00:00Z");
    let ticket = pending(&order, t0).remove(0);
    store
        .record_tickets_pending(std::slice::from_ref(&ticket))
        .await
        .unwrap();
    let mut next = ticket.clone();
    next.attempts = 2;
    next.next_attempt_at = t0 + secs(130);
    next.alerted_at = Some(t0 + secs(120));
    assert!(store.reschedule_ticket(&next).await.unwrap());

    assert!(
        store
            .tickets_due(t0 + secs(129), 10)
            .await
            .unwrap()
            .is_empty()
    );
    let due = store.tickets_due(t0 + secs(130), 10).await.unwrap();
    assert_eq!(due, vec![next.clone()]);
    let r = &order.restaurant_id;
    assert_eq!(store.delivery_alerts(r).await.unwrap(), vec![next.clone()]);
    assert!(
        store
            .delivery_alerts(&rid("ledger-other"))
            .await
            .unwrap()
            .is_empty()
    );

    assert_eq!(
        store
            .mark_ticket_printed(r, &ticket.ticket_id, t0 + secs(140))
            .await
            .unwrap(),
        TicketPrinted::Marked
    );
    let mut late = next.clone();
    late.attempts = 3;
    assert!(
        !store.reschedule_ticket(&late).await.unwrap(),
        "a printed ticket is never rescheduled"
    );
    assert!(store.delivery_alerts(r).await.unwrap().is_empty());
    assert!(
        store
            .tickets_due(t0 + secs(9999), 10)
            .await
            .unwrap()
            .is_empty()
    );
    let stored = store.order_tickets(r, &order.id).await.unwrap();
    assert_eq!(stored[0].attempts, 2);
}
