//! Everything one end-to-end test needs: a temp dir, a PKI, a Mosquitto, a
//! virtual printer, a listener config with short timeouts, and the cloud.

use super::broker::Broker;
use super::certs::{Identity, Pki};
use super::cloud::Cloud;
use super::listener_process::ListenerProcess;
use super::virtual_printer::{Mode, VirtualPrinter};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tempfile::TempDir;

pub const TOPIC_PIZZA: &str = "tabletap/r1/kitchen/pizza";

pub struct Kitchen {
    pub dir: TempDir,
    pub pki: Pki,
    pub broker: Broker,
    pub printer: VirtualPrinter,
    pub config: PathBuf,
}

impl Kitchen {
    pub fn start(printer_mode: Mode) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let pki = Pki::create(dir.path());
        let broker = Broker::start(dir.path(), &pki);
        let printer = VirtualPrinter::start(printer_mode);
        let mut kitchen = Self {
            config: dir.path().join("listener.toml"),
            dir,
            pki,
            broker,
            printer,
        };
        kitchen.config = kitchen.write_config("listener.toml", &kitchen.pki.kitchen.clone());
        kitchen
    }

    /// A listener config using `identity` as its client certificate.
    pub fn write_config(&self, name: &str, identity: &Identity) -> PathBuf {
        let path = self.dir.path().join(name);
        let text = format!(
            r#"
restaurant_id = "r1"
state_dir = "{state}"

[mqtt]
host = "127.0.0.1"
port = {port}
client_id = "kitchen-r1"
ca = "{ca}"
cert = "{cert}"
key = "{key}"
keep_alive_secs = 5
connect_timeout_secs = 3
reconnect = {{ initial_ms = 100, max_ms = 400 }}

[[printers]]
name = "line"
stations = ["pizza", "grill"]
connection = {{ kind = "network", address = "{printer}" }}
timeout_ms = 300
retry = {{ initial_ms = 100, max_ms = 300 }}
"#,
            state = self.dir.path().join("state").display(),
            port = self.broker.port,
            ca = self.pki.ca.display(),
            cert = identity.cert.display(),
            key = identity.key.display(),
            printer = self.printer.addr,
        );
        std::fs::write(&path, text).expect("write listener config");
        path
    }

    /// Starts the listener and waits until it is subscribed.
    pub async fn start_listener(&self) -> ListenerProcess {
        let listener = ListenerProcess::start(&self.config);
        listener
            .wait_for_log("waiting for tickets", 1, Duration::from_secs(15))
            .await;
        listener
    }

    pub async fn cloud(&self) -> Cloud {
        Cloud::connect(self.broker.port, &self.pki).await
    }

    /// Waits until the printer has printed `count` jobs, then a little more
    /// to catch any extra print, and returns how often each id printed.
    pub async fn wait_for_prints(
        &self,
        count: usize,
        timeout: Duration,
        listener: &ListenerProcess,
    ) -> HashMap<String, usize> {
        let deadline = Instant::now() + timeout;
        while self.printer.job_count() < count {
            assert!(
                Instant::now() < deadline,
                "printed {} of {count} tickets in {timeout:?}; listener log:\n{}\nbroker log:\n{}",
                self.printer.job_count(),
                listener.log(),
                self.broker.log_text()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        let mut counts = HashMap::new();
        for id in self.printer.printed_ticket_ids() {
            *counts.entry(id).or_insert(0) += 1;
        }
        counts
    }
}

/// A v1 ticket for restaurant r1, station pizza, with a distinct order.
pub fn ticket(n: u32) -> (String, Vec<u8>) {
    let order_id = format!("01kb3m8q2n{n:016}");
    let ticket_id = format!("{order_id}.pizza.0");
    let payload = serde_json::json!({
        "version": 1,
        "ticket_id": ticket_id,
        "restaurant_id": "r1",
        "order_id": order_id,
        "order_number": format!("A-{n:03}"),
        "kind": "dine_in",
        "table": format!("Table {n}"),
        "customer_name": null,
        "pickup_at": null,
        "placed_at": "2026-11-21T18:03:00Z",
        "time_zone": "Europe/Berlin",
        "station": "pizza",
        "note": null,
        "lines": [{"quantity": 1, "name": "Margherita", "options": ["Large"], "allergens": ["gluten", "milk"], "note": null}],
        "print_number": 0
    });
    (
        ticket_id,
        serde_json::to_vec(&payload).expect("ticket JSON"),
    )
}

/// Asserts every id printed exactly once and nothing else printed.
pub fn assert_each_once(counts: &HashMap<String, usize>, ids: &[String]) {
    for id in ids {
        assert_eq!(
            counts.get(id),
            Some(&1),
            "ticket {id} printed {:?} times; all: {counts:?}",
            counts.get(id)
        );
    }
    assert_eq!(
        counts.len(),
        ids.len(),
        "unexpected tickets printed: {counts:?}"
    );
}
