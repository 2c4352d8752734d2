//! Orders: what was ordered (a snapshot of the menu), by whom, and where it
//! is in its life. Every status change goes through [`OrderStatus::can_become`],
//! and stores apply it as a conditional write on the current status.

use crate::cart::{OrderLine, PricedCart, Totals};
use crate::ids::{RestaurantId, TableId};
use crate::payment::OrderPayment;
use crate::token::AccessTokenDigest;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Time-ordered unique id (a ULID, 26 characters of Crockford base32).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrderId(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("order id {0:?} is malformed")]
pub struct BadOrderId(pub String);

impl OrderId {
    /// Builds an id from the creation time and 80 random bits.
    pub fn new(at: Timestamp, random: u128) -> Self {
        let millis = u64::try_from(at.as_millisecond()).unwrap_or(0);
        Self(
            ulid::Ulid::from_parts(millis, random)
                .to_string()
                .to_ascii_lowercase(),
        )
    }

    pub fn parse(text: &str) -> Result<Self, BadOrderId> {
        let ok = text.len() == 26 && ulid::Ulid::from_string(text).is_ok();
        if ok {
            Ok(Self(text.to_ascii_lowercase()))
        } else {
            Err(BadOrderId(text.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for OrderId {
    type Error = BadOrderId;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<OrderId> for String {
    fn from(value: OrderId) -> Self {
        value.0
    }
}

impl fmt::Display for OrderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for OrderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OrderId({})", self.0)
    }
}

/// What staff and diners call an order: "A-042" (dine-in) or "T-007"
/// (takeout), counted per restaurant per business day.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrderNumber {
    pub prefix: char,
    pub sequence: u32,
}

impl OrderNumber {
    pub fn new(channel: &Channel, sequence: u32) -> Self {
        let prefix = match channel {
            Channel::DineIn { .. } => 'A',
            Channel::Takeout { .. } => 'T',
        };
        Self { prefix, sequence }
    }
}

impl fmt::Display for OrderNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:03}", self.prefix, self.sequence)
    }
}

impl fmt::Debug for OrderNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl TryFrom<String> for OrderNumber {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        let bad = || format!("order number {value:?} is malformed");
        let (prefix, sequence) = value.split_once('-').ok_or_else(bad)?;
        let mut chars = prefix.chars();
        let (Some(prefix), None) = (chars.next(), chars.next()) else {
            return Err(bad());
        };
        let sequence = sequence.parse().map_err(|_| bad())?;
        Ok(Self { prefix, sequence })
    }
}

impl From<OrderNumber> for String {
    fn from(value: OrderNumber) -> Self {
        value.to_string()
    }
}

/// Where an order came from and who it is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Channel {
    DineIn {
        table_id: TableId,
        table_label: String,
    },
    Takeout {
        customer: Customer,
        pickup_at: Timestamp,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub name: String,
    pub email: String,
    pub phone: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderStatus {
    /// Takeout, waiting for the card payment to succeed. Never printed.
    PendingPayment,
    /// Dine-in at a restaurant where staff approve orders first.
    AwaitingApproval,
    /// Good to cook: the dispatcher will send the ticket.
    Accepted,
    /// Ticket published to the kitchen.
    Sent,
    /// The kitchen printer confirmed it printed the ticket.
    Printed,
    Ready,
    Completed,
    Cancelled,
    /// Takeout never paid.
    Expired,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 9] = [
        OrderStatus::PendingPayment,
        OrderStatus::AwaitingApproval,
        OrderStatus::Accepted,
        OrderStatus::Sent,
        OrderStatus::Printed,
        OrderStatus::Ready,
        OrderStatus::Completed,
        OrderStatus::Cancelled,
        OrderStatus::Expired,
    ];

    /// The whole state machine in one place.
    ///
    /// A print acknowledgement may overtake the dispatcher's own SENT write,
    /// so ACCEPTED may become PRINTED directly; staff may mark an order READY
    /// even when no ticket printed (printer jammed, order called out).
    pub fn can_become(self, next: OrderStatus) -> bool {
        use OrderStatus::*;
        matches!(
            (self, next),
            (PendingPayment, Accepted | Expired | Cancelled)
                | (AwaitingApproval, Accepted | Cancelled)
                | (Accepted, Sent | Printed | Ready | Cancelled)
                | (Sent, Printed | Ready | Cancelled)
                | (Printed, Ready | Cancelled)
                | (Ready, Completed | Cancelled)
        )
    }

    pub fn is_final(self) -> bool {
        matches!(
            self,
            OrderStatus::Completed | OrderStatus::Cancelled | OrderStatus::Expired
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::PendingPayment => "PENDING_PAYMENT",
            OrderStatus::AwaitingApproval => "AWAITING_APPROVAL",
            OrderStatus::Accepted => "ACCEPTED",
            OrderStatus::Sent => "SENT",
            OrderStatus::Printed => "PRINTED",
            OrderStatus::Ready => "READY",
            OrderStatus::Completed => "COMPLETED",
            OrderStatus::Cancelled => "CANCELLED",
            OrderStatus::Expired => "EXPIRED",
        }
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("an order that is {from} cannot become {to}")]
pub struct TransitionRefused {
    pub from: OrderStatus,
    pub to: OrderStatus,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    pub status: OrderStatus,
    pub at: Timestamp,
    /// Why, where a person gave a reason (a cancellation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl StatusChange {
    pub fn new(status: OrderStatus, at: Timestamp) -> Self {
        Self {
            status,
            at,
            reason: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub id: OrderId,
    pub restaurant_id: RestaurantId,
    pub number: OrderNumber,
    /// Business day in the restaurant's zone; with `number`, what staff see.
    pub business_date: Date,
    pub channel: Channel,
    pub status: OrderStatus,
    pub lines: Vec<OrderLine>,
    pub note: Option<String>,
    pub totals: Totals,
    pub placed_at: Timestamp,
    pub updated_at: Timestamp,
    /// Every status the order has had, oldest first.
    pub history: Vec<StatusChange>,
    pub access_token_digest: AccessTokenDigest,
    /// Takeout: the card payment, once a PaymentIntent exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment: Option<OrderPayment>,
    /// Takeout: an unpaid order stops being payable at this instant and is
    /// never printed (docs/payments.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Timestamp>,
}

/// Everything needed to create an order; the caller supplies time, ids and
/// the number it allocated.
pub struct NewOrder {
    pub id: OrderId,
    pub restaurant_id: RestaurantId,
    pub sequence: u32,
    pub business_date: Date,
    pub channel: Channel,
    pub priced: PricedCart,
    pub placed_at: Timestamp,
    pub access_token_digest: AccessTokenDigest,
    pub needs_approval: bool,
}

impl Order {
    pub fn new(new: NewOrder) -> Self {
        let status = match (&new.channel, new.needs_approval) {
            (Channel::Takeout { .. }, _) => OrderStatus::PendingPayment,
            (Channel::DineIn { .. }, true) => OrderStatus::AwaitingApproval,
            (Channel::DineIn { .. }, false) => OrderStatus::Accepted,
        };
        Self {
            number: OrderNumber::new(&new.channel, new.sequence),
            id: new.id,
            restaurant_id: new.restaurant_id,
            business_date: new.business_date,
            channel: new.channel,
            status,
            lines: new.priced.lines,
            note: new.priced.note,
            totals: new.priced.totals,
            placed_at: new.placed_at,
            updated_at: new.placed_at,
            history: vec![StatusChange::new(status, new.placed_at)],
            access_token_digest: new.access_token_digest,
            payment: None,
            expires_at: None,
        }
    }

    /// Applies a status change in memory, if the state machine allows it.
    pub fn transition(&mut self, to: OrderStatus, at: Timestamp) -> Result<(), TransitionRefused> {
        self.apply(StatusChange::new(to, at))
    }

    /// Like [`transition`](Self::transition), keeping the change's reason.
    pub fn apply(&mut self, change: StatusChange) -> Result<(), TransitionRefused> {
        if !self.status.can_become(change.status) {
            return Err(TransitionRefused {
                from: self.status,
                to: change.status,
            });
        }
        self.status = change.status;
        self.updated_at = change.at;
        self.history.push(change);
        Ok(())
    }

    /// The reason given when the order was cancelled, if any.
    pub fn cancel_reason(&self) -> Option<&str> {
        self.history
            .iter()
            .rev()
            .find(|c| c.status == OrderStatus::Cancelled)
            .and_then(|c| c.reason.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::sample_order;
    use OrderStatus::*;

    #[test]
    fn every_allowed_transition_and_no_other() {
        let allowed = [
            (PendingPayment, Accepted),
            (PendingPayment, Expired),
            (PendingPayment, Cancelled),
            (AwaitingApproval, Accepted),
            (AwaitingApproval, Cancelled),
            (Accepted, Sent),
            (Accepted, Printed),
            (Accepted, Ready),
            (Accepted, Cancelled),
            (Sent, Printed),
            (Sent, Ready),
            (Sent, Cancelled),
            (Printed, Ready),
            (Printed, Cancelled),
            (Ready, Completed),
            (Ready, Cancelled),
        ];
        for from in OrderStatus::ALL {
            for to in OrderStatus::ALL {
                assert_eq!(
                    from.can_become(to),
                    allowed.contains(&(from, to)),
                    "{from} -> {to}"
                );
            }
        }
    }

    #[test]
    fn final_states_go_nowhere() {
        for from in OrderStatus::ALL.into_iter().filter(|s| s.is_final()) {
            assert!(
                OrderStatus::ALL.iter().all(|to| !from.can_become(*to)),
                "{from}"
            );
        }
    }

    #[test]
    fn transition_records_history_or_refuses() {
        let mut order = sample_order();
        assert_eq!(order.status, Accepted);
        let later: Timestamp = "2026-11-21T18:04:00Z".parse().unwrap();
        order.transition(Sent, later).unwrap();
        assert_eq!(order.status, Sent);
        assert_eq!(order.updated_at, later);
        assert_eq!(order.history.len(), 2);
        let err = order.transition(PendingPayment, later).unwrap_err();
        assert_eq!(
            err,
            TransitionRefused {
                from: Sent,
                to: PendingPayment
            }
        );
        assert_eq!(
            err.to_string(),
            "an order that is SENT cannot become PENDING_PAYMENT"
        );
        assert_eq!(order.status, Sent);
        assert_eq!(order.history.len(), 2);
    }

    #[test]
    fn initial_status_depends_on_channel_and_approval() {
        let order = sample_order();
        assert_eq!(order.status, Accepted);
        assert_eq!(order.number.to_string(), "A-042");
        assert_eq!(
            OrderNumber {
                prefix: 'T',
                sequence: 1234
            }
            .to_string(),
            "T-1234"
        );
    }

    #[test]
    fn order_ids_and_numbers_round_trip() {
        let order = sample_order();
        let json = serde_json::to_string(&order).unwrap();
        let back: Order = serde_json::from_str(&json).unwrap();
        assert_eq!(back, order);
        assert!(json.contains("\"number\":\"A-042\""));
        assert!(json.contains("\"status\":\"ACCEPTED\""));
        assert!(OrderId::parse("not-an-order").is_err());
        assert_eq!(OrderId::parse(order.id.as_str()).unwrap(), order.id);
    }
}
