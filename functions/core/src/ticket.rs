//! Kitchen ticket wire format, version 1: the JSON the dispatcher publishes
//! over MQTT and the kitchen listener prints. It carries everything a cook
//! needs and nothing about money.
//!
//! Compatibility rule: a consumer reads `version` first
//! ([`decode`]) and refuses versions it does not know, so a newer cloud never
//! makes an older listener print something wrong.

use crate::ids::{RestaurantId, StationId};
use crate::menu::Allergen;
use crate::order::{Channel, Order, OrderId, OrderNumber};
use crate::payment::PaymentProvider;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const TICKET_VERSION: u32 = 1;

/// Topic prefix shared by every TableTap MQTT topic.
pub const TOPIC_ROOT: &str = "tabletap";

/// Where tickets for one station of one restaurant are published:
/// `tabletap/<restaurant>/kitchen/<station>`.
pub fn kitchen_topic(restaurant: &RestaurantId, station: &StationId) -> String {
    format!("{TOPIC_ROOT}/{restaurant}/kitchen/{station}")
}

/// Filter a listener subscribes to for all stations of its restaurant.
pub fn kitchen_topic_filter(restaurant: &RestaurantId) -> String {
    format!("{TOPIC_ROOT}/{restaurant}/kitchen/+")
}

/// Where listeners report printed tickets: `tabletap/<restaurant>/acks`.
pub fn ack_topic(restaurant: &RestaurantId) -> String {
    format!("{TOPIC_ROOT}/{restaurant}/acks")
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketV1 {
    /// Always 1 for this struct.
    pub version: u32,
    /// Unique per print job: `<order id>.<station>.<print number>`. The
    /// listener remembers it so a redelivered message prints once.
    pub ticket_id: String,
    pub restaurant_id: RestaurantId,
    pub order_id: OrderId,
    pub order_number: OrderNumber,
    pub kind: TicketKind,
    /// "Table 7" for dine-in.
    pub table: Option<String>,
    /// Customer's name for takeout.
    pub customer_name: Option<String>,
    pub pickup_at: Option<Timestamp>,
    /// When the order was placed (not when it printed).
    pub placed_at: Timestamp,
    /// IANA zone the ticket shows times in.
    pub time_zone: String,
    pub station: StationId,
    pub note: Option<String>,
    pub lines: Vec<TicketLine>,
    /// 0 for the first print; 1, 2, ... for reprints (printed with a banner).
    pub print_number: u32,
    /// Paid with local mode's test payments, so no money was taken: the
    /// ticket says so in large type. Absent (false) on every real order; a
    /// listener older than this field prints the ticket without the banner.
    #[serde(default, skip_serializing_if = "is_false")]
    pub test_payment: bool,
}

fn is_false(value: &bool) -> bool {
    !*value
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketKind {
    DineIn,
    Takeout,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketLine {
    pub quantity: u32,
    pub name: String,
    /// Option names in menu order ("Large", "Extra cheese").
    pub options: Vec<String>,
    pub allergens: Vec<Allergen>,
    pub note: Option<String>,
}

impl TicketV1 {
    pub fn is_reprint(&self) -> bool {
        self.print_number > 0
    }

    pub fn topic(&self) -> String {
        kitchen_topic(&self.restaurant_id, &self.station)
    }
}

/// One ticket per station that has lines in the order, stations in name
/// order so the output is deterministic.
pub fn tickets_for_order(order: &Order, time_zone: &str, print_number: u32) -> Vec<TicketV1> {
    let mut by_station: BTreeMap<&StationId, Vec<TicketLine>> = BTreeMap::new();
    for line in &order.lines {
        by_station
            .entry(&line.station)
            .or_default()
            .push(TicketLine {
                quantity: line.quantity,
                name: line.name.clone(),
                options: line.options.iter().map(|o| o.name.clone()).collect(),
                allergens: line.allergens.clone(),
                note: line.note.clone(),
            });
    }
    let test_payment = order
        .payment
        .as_ref()
        .is_some_and(|payment| payment.provider == PaymentProvider::Test);
    let (kind, table, customer_name, pickup_at) = match &order.channel {
        Channel::DineIn { table_label, .. } => {
            (TicketKind::DineIn, Some(table_label.clone()), None, None)
        }
        Channel::Takeout {
            customer,
            pickup_at,
        } => (
            TicketKind::Takeout,
            None,
            Some(customer.name.clone()),
            Some(*pickup_at),
        ),
    };
    by_station
        .into_iter()
        .map(|(station, lines)| TicketV1 {
            version: TICKET_VERSION,
            ticket_id: format!("{}.{}.{}", order.id, station, print_number),
            restaurant_id: order.restaurant_id.clone(),
            order_id: order.id.clone(),
            order_number: order.number,
            kind,
            table: table.clone(),
            customer_name: customer_name.clone(),
            pickup_at,
            placed_at: order.placed_at,
            time_zone: time_zone.to_owned(),
            station: station.clone(),
            note: order.note.clone(),
            lines,
            print_number,
            test_payment,
        })
        .collect()
}

/// Version of the [`PrintAck`] JSON.
pub const PRINT_ACK_VERSION: u32 = 1;

/// A listener's acknowledgement that a ticket printed, published to
/// [`ack_topic`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintAck {
    pub version: u32,
    pub ticket_id: String,
    pub restaurant_id: RestaurantId,
    pub order_id: OrderId,
    pub station: StationId,
    pub printed_at: Timestamp,
    /// Which listener printed it (its MQTT client id).
    pub printer: String,
}

#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error(
        "ticket version {0} is not supported by this listener (it knows version {TICKET_VERSION}); upgrade the listener"
    )]
    UnsupportedVersion(u64),
    #[error("ticket is not valid JSON or lacks a version: {0}")]
    Malformed(#[source] serde_json::Error),
    #[error("ticket version 1 is malformed: {0}")]
    InvalidV1(#[source] serde_json::Error),
}

/// Reads a ticket of any version this build understands.
pub fn decode(payload: &[u8]) -> Result<TicketV1, DecodeError> {
    #[derive(Deserialize)]
    struct Envelope {
        version: u64,
    }
    let envelope: Envelope = serde_json::from_slice(payload).map_err(DecodeError::Malformed)?;
    match envelope.version {
        1 => serde_json::from_slice(payload).map_err(DecodeError::InvalidV1),
        other => Err(DecodeError::UnsupportedVersion(other)),
    }
}

pub fn encode(ticket: &TicketV1) -> Vec<u8> {
    serde_json::to_vec(ticket).expect("a ticket always serializes")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::sample_order;

    #[test]
    fn one_ticket_per_station_with_lines_in_order() {
        let mut order = sample_order();
        let mut water = order.lines[0].clone();
        water.station = StationId::parse("bar").unwrap();
        water.name = "Still water".into();
        order.lines.push(water);
        let tickets = tickets_for_order(&order, "Europe/Berlin", 0);
        let stations: Vec<_> = tickets.iter().map(|t| t.station.as_str()).collect();
        assert_eq!(stations, ["bar", "pizza"]);
        assert!(tickets.iter().all(|t| t.version == 1 && !t.is_reprint()));
        assert_eq!(tickets[1].ticket_id, format!("{}.pizza.0", order.id));
        assert_eq!(tickets[1].lines[0].options, vec!["Large"]);
        assert_eq!(tickets[1].table.as_deref(), Some("Table 7"));
        assert_eq!(tickets[1].topic(), "tabletap/demo/kitchen/pizza");
    }

    #[test]
    fn wire_format_is_stable() {
        let order = sample_order();
        let ticket = tickets_for_order(&order, "Europe/Berlin", 2).remove(0);
        let value: serde_json::Value = serde_json::from_slice(&encode(&ticket)).unwrap();
        let expected = serde_json::json!({
            "version": 1,
            "ticket_id": format!("{}.pizza.2", order.id),
            "restaurant_id": "demo",
            "order_id": order.id.as_str(),
            "order_number": "A-042",
            "kind": "dine_in",
            "table": "Table 7",
            "customer_name": null,
            "pickup_at": null,
            "placed_at": "2026-11-21T18:03:00Z",
            "time_zone": "Europe/Berlin",
            "station": "pizza",
            "note": "Birthday!",
            "lines": [{
                "quantity": 2,
                "name": "Margherita",
                "options": ["Large"],
                "allergens": ["gluten", "milk"],
                "note": "well done"
            }],
            "print_number": 2
        });
        assert_eq!(value, expected);
    }

    #[test]
    fn decode_accepts_v1_and_refuses_the_unknown() {
        let ticket = tickets_for_order(&sample_order(), "Europe/Berlin", 0).remove(0);
        assert_eq!(decode(&encode(&ticket)).unwrap(), ticket);
        assert!(matches!(
            decode(br#"{"version":2,"x":1}"#),
            Err(DecodeError::UnsupportedVersion(2))
        ));
        assert!(matches!(
            decode(b"not json"),
            Err(DecodeError::Malformed(_))
        ));
        assert!(matches!(
            decode(br#"{"version":1}"#),
            Err(DecodeError::InvalidV1(_))
        ));
    }
}
