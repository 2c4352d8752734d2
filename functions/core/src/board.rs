//! The staff side's rules: what a bump or a cancel does to an order, what
//! a ticket's print state is, and the changes cursor that lets a board
//! poll all evening for almost nothing.

use crate::order::{Order, OrderId, OrderStatus};
use crate::ticket::tickets_for_order;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

/// What a person on the floor or in the kitchen does to an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StaffAction {
    /// AWAITING_APPROVAL -> ACCEPTED, which sends it to the kitchen.
    Approve,
    /// Cooked: ACCEPTED, SENT or PRINTED -> READY.
    Ready,
    /// Served or picked up: READY -> COMPLETED.
    Complete,
    /// Any open status -> CANCELLED, with a reason.
    Cancel,
}

/// The longest cancel reason kept (it shows on the board and in the history).
pub const MAX_REASON_CHARS: usize = 200;

impl StaffAction {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "approve" => Some(Self::Approve),
            "ready" => Some(Self::Ready),
            "complete" => Some(Self::Complete),
            "cancel" => Some(Self::Cancel),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Approve => "approve",
            Self::Ready => "ready",
            Self::Complete => "complete",
            Self::Cancel => "cancel",
        }
    }

    pub fn target(self) -> OrderStatus {
        match self {
            Self::Approve => OrderStatus::Accepted,
            Self::Ready => OrderStatus::Ready,
            Self::Complete => OrderStatus::Completed,
            Self::Cancel => OrderStatus::Cancelled,
        }
    }

    /// The statuses this action applies to. Narrower than the state
    /// machine where a person's intent is narrower: "approve" never
    /// touches a takeout order waiting for its payment.
    pub fn applies_to(self, status: OrderStatus) -> bool {
        use OrderStatus::*;
        match self {
            Self::Approve => status == AwaitingApproval,
            Self::Ready => matches!(status, Accepted | Sent | Printed),
            Self::Complete => status == Ready,
            Self::Cancel => status.can_become(Cancelled),
        }
    }
}

/// Whether a ticket reached its printer, as far as the system knows: the
/// dispatcher records the send (the order's SENT), the listener's
/// acknowledgement the print (PRINTED). Acknowledgements are per order
/// today, so every station's ticket shows the order's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PrintState {
    /// Waiting for approval or payment: nothing goes to the kitchen yet.
    NotSent,
    /// Accepted; the dispatcher is about to publish it.
    Queued,
    Sent,
    Printed,
    /// Cancelled or expired before it printed.
    NotPrinted,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TicketPrint {
    pub station: String,
    pub state: PrintState,
    pub sent_at: Option<Timestamp>,
    pub printed_at: Option<Timestamp>,
}

/// A ticket not printed this long after it was sent is shown in red.
pub const PRINT_OVERDUE_AFTER: SignedDuration = SignedDuration::from_secs(60);

/// The print state of every station's ticket of an order.
pub fn ticket_prints(order: &Order) -> Vec<TicketPrint> {
    let first = |status: OrderStatus| {
        order
            .history
            .iter()
            .find(|c| c.status == status)
            .map(|c| c.at)
    };
    let sent_at = first(OrderStatus::Sent);
    let printed_at = first(OrderStatus::Printed);
    let state = match (order.status, sent_at, printed_at) {
        (_, _, Some(_)) => PrintState::Printed,
        (OrderStatus::PendingPayment | OrderStatus::AwaitingApproval, _, _) => PrintState::NotSent,
        (OrderStatus::Accepted, _, _) => PrintState::Queued,
        (OrderStatus::Cancelled | OrderStatus::Expired, _, _) => PrintState::NotPrinted,
        (_, Some(_), None) => PrintState::Sent,
        // Marked READY (or later) without a send or a print on record.
        (_, None, None) => PrintState::NotPrinted,
    };
    tickets_for_order(order, "UTC", 0)
        .into_iter()
        .map(|t| TicketPrint {
            station: t.station.to_string(),
            state,
            sent_at,
            printed_at,
        })
        .collect()
}

/// Whether a ticket should be shown in red at `now`.
pub fn print_overdue(print: &TicketPrint, now: Timestamp) -> bool {
    print.state == PrintState::Sent
        && print
            .sent_at
            .is_some_and(|sent| now.duration_since(sent) >= PRINT_OVERDUE_AFTER)
}

/// A reprint's number: the seconds since the order was placed (at least 1).
/// Each reprint gets its own ticket id, so the listener's duplicate guard
/// prints it; two taps within the same second print once.
pub fn reprint_number(order: &Order, now: Timestamp) -> u32 {
    let seconds = now.duration_since(order.placed_at).as_secs().max(1);
    u32::try_from(seconds).unwrap_or(u32::MAX)
}

/// How far back every changes poll looks again, so a change that reached
/// the store's index late (DynamoDB indexes are eventually consistent) or
/// was stamped by a writer whose clock runs a little behind is still seen.
pub const CHANGE_OVERLAP: SignedDuration = SignedDuration::from_secs(5);

/// One order's last change as a store's change index lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeMark {
    pub order_id: OrderId,
    pub updated_at: Timestamp,
}

/// Where a board's polling stands: everything changed before `watermark`
/// was delivered, and so were the changes in `seen` (those inside the
/// overlap window). Opaque to clients.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeCursor {
    pub watermark: Timestamp,
    pub seen: Vec<ChangeMark>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("the changes cursor is not one this server handed out")]
pub struct BadCursor;

impl ChangeCursor {
    pub fn at(watermark: Timestamp) -> Self {
        Self {
            watermark,
            seen: Vec::new(),
        }
    }

    /// Where the next store read starts.
    pub fn read_from(&self) -> Timestamp {
        self.watermark
            .checked_sub(CHANGE_OVERLAP)
            .unwrap_or(self.watermark)
    }

    /// `<watermark µs>` then `.<order id>~<µs>` per seen change: URL-safe.
    pub fn encode(&self) -> String {
        let mut text = self.watermark.as_microsecond().to_string();
        for mark in &self.seen {
            text.push('.');
            text.push_str(mark.order_id.as_str());
            text.push('~');
            text.push_str(&mark.updated_at.as_microsecond().to_string());
        }
        text
    }

    pub fn decode(text: &str) -> Result<Self, BadCursor> {
        if text.len() > 4096 {
            return Err(BadCursor);
        }
        let micros = |s: &str| {
            s.parse::<i64>()
                .ok()
                .and_then(|m| Timestamp::from_microsecond(m).ok())
                .ok_or(BadCursor)
        };
        let mut parts = text.split('.');
        let watermark = micros(parts.next().ok_or(BadCursor)?)?;
        let seen = parts
            .map(|part| {
                let (id, at) = part.split_once('~').ok_or(BadCursor)?;
                Ok(ChangeMark {
                    order_id: OrderId::parse(id).map_err(|_| BadCursor)?,
                    updated_at: micros(at)?,
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { watermark, seen })
    }

    /// From what the store listed since [`read_from`](Self::read_from):
    /// the orders to send (changed and not delivered yet) and the cursor
    /// for the next poll, stamped `now`.
    pub fn advance(&self, listed: Vec<ChangeMark>, now: Timestamp) -> (Vec<OrderId>, ChangeCursor) {
        let mut changed = Vec::new();
        for mark in &listed {
            if !self.seen.contains(mark) && !changed.contains(&mark.order_id) {
                changed.push(mark.order_id.clone());
            }
        }
        let next = ChangeCursor {
            watermark: now.max(self.watermark),
            seen: Vec::new(),
        };
        let from = next.read_from();
        let seen = listed
            .into_iter()
            .filter(|m| m.updated_at >= from)
            .collect();
        (changed, ChangeCursor { seen, ..next })
    }
}

/// A fixed-width, sortable text form of an instant, for store index keys.
pub fn change_sort_key(at: Timestamp, order: &OrderId) -> String {
    format!("{:020}#{order}", at.as_microsecond().max(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::sample_order;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn actions_apply_only_where_they_mean_something() {
        use OrderStatus::*;
        for status in OrderStatus::ALL {
            for action in [
                StaffAction::Approve,
                StaffAction::Ready,
                StaffAction::Complete,
                StaffAction::Cancel,
            ] {
                if action.applies_to(status) {
                    assert!(status.can_become(action.target()), "{action:?} on {status}");
                }
            }
        }
        assert!(!StaffAction::Approve.applies_to(PendingPayment));
        assert!(StaffAction::Ready.applies_to(Sent));
        assert!(!StaffAction::Ready.applies_to(AwaitingApproval));
        assert!(StaffAction::Cancel.applies_to(Ready));
        assert!(!StaffAction::Cancel.applies_to(Completed));
        assert_eq!(StaffAction::parse("complete"), Some(StaffAction::Complete));
        assert_eq!(StaffAction::parse("delete"), None);
    }

    #[test]
    fn print_state_follows_the_history() {
        let mut order = sample_order();
        let placed = order.placed_at;
        assert_eq!(ticket_prints(&order)[0].state, PrintState::Queued);
        let sent = placed + SignedDuration::from_secs(1);
        order.transition(OrderStatus::Sent, sent).unwrap();
        let prints = ticket_prints(&order);
        assert_eq!(prints[0].state, PrintState::Sent);
        assert_eq!(prints[0].sent_at, Some(sent));
        assert!(!print_overdue(
            &prints[0],
            sent + SignedDuration::from_secs(59)
        ));
        assert!(print_overdue(
            &prints[0],
            sent + SignedDuration::from_secs(60)
        ));
        order.transition(OrderStatus::Printed, sent).unwrap();
        order.transition(OrderStatus::Ready, sent).unwrap();
        let prints = ticket_prints(&order);
        assert!(prints.iter().all(|p| p.state == PrintState::Printed));
        assert!(!print_overdue(
            &prints[0],
            sent + SignedDuration::from_secs(600)
        ));
    }

    #[test]
    fn reprints_get_their_own_number() {
        let order = sample_order();
        assert_eq!(reprint_number(&order, order.placed_at), 1);
        assert_eq!(
            reprint_number(&order, order.placed_at + SignedDuration::from_secs(90)),
            90
        );
    }

    #[test]
    fn the_cursor_round_trips_and_refuses_junk() {
        let order = sample_order();
        let cursor = ChangeCursor {
            watermark: t("2026-11-21T18:00:00Z"),
            seen: vec![ChangeMark {
                order_id: order.id.clone(),
                updated_at: t("2026-11-21T17:59:58.123456Z"),
            }],
        };
        assert_eq!(ChangeCursor::decode(&cursor.encode()), Ok(cursor));
        for junk in ["", "abc", "1.2", "1.x~2", "99999999999999999999999"] {
            assert_eq!(ChangeCursor::decode(junk), Err(BadCursor), "{junk}");
        }
    }

    #[test]
    fn a_poll_delivers_each_change_once_even_when_it_is_listed_again() {
        let id = sample_order().id;
        let other = OrderId::new(t("2026-11-21T18:00:00Z"), 7);
        let start = ChangeCursor::at(t("2026-11-21T18:00:00Z"));
        let change = ChangeMark {
            order_id: id.clone(),
            updated_at: t("2026-11-21T18:00:01Z"),
        };
        let (changed, cursor) = start.advance(vec![change.clone()], t("2026-11-21T18:00:02Z"));
        assert_eq!(changed, vec![id.clone()]);
        // Listed again inside the overlap: not sent again.
        let (changed, cursor) = cursor.advance(vec![change.clone()], t("2026-11-21T18:00:03Z"));
        assert!(changed.is_empty());
        // A late index entry (stamped before the watermark) still arrives.
        let late = ChangeMark {
            order_id: other.clone(),
            updated_at: t("2026-11-21T18:00:01.5Z"),
        };
        let (changed, cursor) =
            cursor.advance(vec![change.clone(), late], t("2026-11-21T18:00:04Z"));
        assert_eq!(changed, vec![other]);
        // Once outside the window the cursor forgets it; it is not listed then.
        let (changed, cursor) = cursor.advance(vec![], t("2026-11-21T18:01:00Z"));
        assert!(changed.is_empty());
        assert!(cursor.seen.is_empty());
        assert!(cursor.encode().len() < 40);
    }

    #[test]
    fn sort_keys_sort_by_time() {
        let id = sample_order().id;
        let a = change_sort_key(t("2026-11-21T18:00:00Z"), &id);
        let b = change_sort_key(t("2026-11-21T18:00:00.5Z"), &id);
        let c = change_sort_key(t("2027-01-01T00:00:00Z"), &id);
        assert!(a < b && b < c);
        assert_eq!(a.len(), b.len());
    }
}
