//! The local kitchen: an embedded MQTT broker with mutual TLS standing in
//! for IoT Core, the dispatcher's client on it, and a ready configuration
//! for the real kitchen listener binary:
//!
//! ```text
//! tabletap-listener --config <data-dir>/kitchen/listener.toml run
//! ```
//!
//! Print acknowledgements from the listener mark orders PRINTED through the
//! same use case as the print-ack Lambda.

mod broker;
mod pki;
mod publisher;

use anyhow::Context;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use tabletap_app::ports::{OrderStore, SystemClock};
use tabletap_app::ticket_delivery::TicketLedger;
use tabletap_app::use_cases::record_print_ack::record_print_ack;
use tabletap_core::ids::RestaurantId;
use tabletap_core::ticket::{PrintAck, TOPIC_ROOT};

pub use publisher::MqttPublisher;

/// What `start` set up.
pub struct Kitchen {
    /// Shared by the dispatcher and the reprint route.
    pub publisher: std::sync::Arc<MqttPublisher>,
    pub broker: SocketAddr,
    pub listener_config: PathBuf,
    pub printer_file: PathBuf,
}

/// Starts the broker, connects the dispatcher's client, writes the
/// listener's configuration for `restaurant`, and handles print
/// acknowledgements with `store`.
pub async fn start<S>(
    data_dir: &Path,
    broker: SocketAddr,
    restaurant: &RestaurantId,
    store: S,
) -> anyhow::Result<Kitchen>
where
    S: OrderStore + TicketLedger + Clone + 'static,
{
    let dir = data_dir.join("kitchen");
    let pki = pki::Pki::load_or_create(&dir.join("certs"))?;
    broker::start(broker, &pki).await?;
    let (publisher, mut acks) = MqttPublisher::connect(broker, &pki)?;
    let printer_file = dir.join("printer.escpos");
    let listener_config = dir.join("listener.toml");
    write_listener_config(
        &listener_config,
        &pki,
        broker,
        restaurant,
        &dir,
        &printer_file,
    )?;
    tokio::spawn(async move {
        while let Some((topic, payload)) = acks.recv().await {
            handle_print_ack(&store, &topic, &payload).await;
        }
    });
    Ok(Kitchen {
        publisher: std::sync::Arc::new(publisher),
        broker,
        listener_config,
        printer_file,
    })
}

async fn handle_print_ack<S: OrderStore + TicketLedger>(store: &S, topic: &str, payload: &[u8]) {
    let restaurant = topic
        .strip_prefix(TOPIC_ROOT)
        .and_then(|rest| rest.strip_prefix('/'))
        .and_then(|rest| rest.strip_suffix("/acks"))
        .and_then(|id| RestaurantId::parse(id).ok());
    let (Some(restaurant), Ok(ack)) = (restaurant, serde_json::from_slice::<PrintAck>(payload))
    else {
        tracing::warn!(topic, "a print acknowledgement that does not read; ignored");
        return;
    };
    // The store is local: a failure here is a broken disk, not a blip.
    if let Err(error) = record_print_ack(store, &SystemClock, &restaurant, &ack).await {
        tracing::error!(error = %error, ticket = %ack.ticket_id, "cannot record a print acknowledgement");
    }
}

fn write_listener_config(
    path: &Path,
    pki: &pki::Pki,
    broker: SocketAddr,
    restaurant: &RestaurantId,
    dir: &Path,
    printer_file: &Path,
) -> anyhow::Result<()> {
    let quote = |p: &Path| toml_string(&p.to_string_lossy());
    let config = format!(
        "# Written by tabletap-local at every start: the kitchen listener for the\n\
         # local broker. Run: tabletap-listener --config {config} run\n\
         restaurant_id = {restaurant}\n\
         state_dir = {state}\n\
         \n\
         [mqtt]\n\
         host = \"localhost\"\n\
         port = {port}\n\
         client_id = {client}\n\
         ca = {ca}\n\
         cert = {cert}\n\
         key = {key}\n\
         \n\
         # Tickets are appended to this file as the printer would receive them.\n\
         # For a real RP326 use e.g. connection = {{ kind = \"network\", address = \"<printer-ip>:9100\" }}\n\
         [[printers]]\n\
         name = \"kitchen\"\n\
         stations = [\"*\"]\n\
         connection = {{ kind = \"file\", path = {printer} }}\n",
        config = path.display(),
        restaurant = toml_string(restaurant.as_str()),
        state = quote(&dir.join("listener-state")),
        port = broker.port(),
        client = toml_string(&format!("tabletap-kitchen-{restaurant}")),
        ca = quote(&pki.ca),
        cert = quote(&pki.listener.cert),
        key = quote(&pki.listener.key),
        printer = quote(printer_file),
    );
    std::fs::write(path, config).with_context(|| format!("cannot write {}", path.display()))
}

/// A TOML basic string (paths may hold backslashes or quotes).
fn toml_string(text: &str) -> String {
    serde_json::to_string(text).expect("a string serializes")
}
