//! What to do with a message from a kitchen topic: print it on the printer
//! that owns its station, leave it for later, or discard it.
//!
//! - A ticket version this build does not know stays unacknowledged (the
//!   architecture's rule): the broker keeps it, and an upgraded listener
//!   prints it.
//! - A ticket for a station no printer takes also stays: fixing the config
//!   and restarting prints it.
//! - A message that is not a ticket at all (not JSON, no version, a broken
//!   v1 ticket) or belongs to another restaurant can never print anywhere,
//!   so it is acknowledged (else the broker redelivers it forever and it
//!   holds one of the few in-flight slots), logged as an error and its
//!   payload kept under `<state_dir>/rejected/` for whoever debugs the sender.

use crate::config::{Config, Stations};
use std::collections::HashMap;
use tabletap_core::ids::{RestaurantId, StationId};
use tabletap_core::ticket::{DecodeError, TicketV1, decode};

/// Longest ticket id the listener accepts; ids go into the journal and logs.
const MAX_TICKET_ID_LEN: usize = 200;

#[derive(Debug)]
pub enum Decision {
    Print {
        ticket: Box<TicketV1>,
        printer: usize,
    },
    /// Log and leave unacknowledged.
    Hold(String),
    /// Log, keep the payload, acknowledge.
    Discard(String),
}

/// Maps stations to printers (indexes into `Config::printers`).
pub struct Router {
    restaurant: RestaurantId,
    by_station: HashMap<StationId, usize>,
    catch_all: Option<usize>,
}

impl Router {
    pub fn new(config: &Config) -> Self {
        let mut by_station = HashMap::new();
        let mut catch_all = None;
        for (index, printer) in config.printers.iter().enumerate() {
            match printer.stations() {
                Stations::All => catch_all = Some(index),
                Stations::Only(stations) => {
                    by_station.extend(stations.into_iter().map(|s| (s, index)))
                }
            }
        }
        Self {
            restaurant: config.restaurant_id.clone(),
            by_station,
            catch_all,
        }
    }

    pub fn printer_for(&self, station: &StationId) -> Option<usize> {
        self.by_station.get(station).copied().or(self.catch_all)
    }

    pub fn decide(&self, topic: &str, payload: &[u8]) -> Decision {
        let ticket = match decode(payload) {
            Ok(ticket) => ticket,
            Err(error @ DecodeError::UnsupportedVersion(_)) => {
                return Decision::Hold(format!(
                    "message on {topic}: {error}; leaving it unacknowledged so the broker keeps it"
                ));
            }
            Err(error) => {
                return Decision::Discard(format!(
                    "message on {topic} is not a ticket this or any listener can print: {error}"
                ));
            }
        };
        if ticket.restaurant_id != self.restaurant {
            return Decision::Discard(format!(
                "ticket {} is for restaurant {} but this listener prints for {}; check the dispatcher's topic and the IoT policy",
                ticket.ticket_id, ticket.restaurant_id, self.restaurant
            ));
        }
        let id = &ticket.ticket_id;
        if id.is_empty()
            || id.len() > MAX_TICKET_ID_LEN
            || id.chars().any(|c| c.is_control() || c.is_whitespace())
        {
            return Decision::Discard(format!(
                "ticket id {id:?} on {topic} is empty, too long or has spaces"
            ));
        }
        match self.printer_for(&ticket.station) {
            Some(printer) => Decision::Print {
                ticket: Box::new(ticket),
                printer,
            },
            None => Decision::Hold(format!(
                "ticket {} is for station {:?} but no printer lists it; add it to a printer's stations and restart (the ticket waits at the broker)",
                ticket.ticket_id,
                ticket.station.as_str()
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn router(stations: &str) -> Router {
        let text = format!(
            r#"
            restaurant_id = "r1"
            [mqtt]
            host = "h"
            client_id = "c"
            ca = "a"
            cert = "b"
            key = "k"
            [[printers]]
            name = "p"
            stations = {stations}
            connection = {{ kind = "console" }}
            "#
        );
        Router::new(&Config::parse(&text, Path::new("t.toml"), |_| None).unwrap())
    }

    fn ticket(restaurant: &str, station: &str, version: u32) -> Vec<u8> {
        serde_json::to_vec(&serde_json::json!({
            "version": version, "ticket_id": "01jd0000000000000000000000.pizza.0",
            "restaurant_id": restaurant, "order_id": "01jd0000000000000000000000",
            "order_number": "A-001", "kind": "dine_in", "table": "Table 1",
            "customer_name": null, "pickup_at": null, "placed_at": "2026-11-21T18:03:00Z",
            "time_zone": "Europe/Berlin", "station": station, "note": null,
            "lines": [], "print_number": 0
        }))
        .unwrap()
    }

    #[test]
    fn routes_known_stations_and_holds_or_discards_the_rest() {
        let only_pizza = router(r#"["pizza"]"#);
        assert!(matches!(
            only_pizza.decide("t", &ticket("r1", "pizza", 1)),
            Decision::Print { printer: 0, .. }
        ));
        assert!(matches!(
            only_pizza.decide("t", &ticket("r1", "bar", 1)),
            Decision::Hold(_)
        ));
        assert!(matches!(
            only_pizza.decide("t", &ticket("r1", "pizza", 2)),
            Decision::Hold(_)
        ));
        assert!(matches!(
            only_pizza.decide("t", &ticket("r2", "pizza", 1)),
            Decision::Discard(_)
        ));
        assert!(matches!(
            only_pizza.decide("t", b"{oops"),
            Decision::Discard(_)
        ));
        assert!(matches!(
            only_pizza.decide("t", br#"{"version":1}"#),
            Decision::Discard(_)
        ));

        let everything = router(r#"["*"]"#);
        assert!(matches!(
            everything.decide("t", &ticket("r1", "bar", 1)),
            Decision::Print { .. }
        ));
    }
}
