//! The MQTT side: connection options for IoT Core or the local broker, the
//! topics this listener subscribes to, and connection errors explained.

use crate::config::{Config, Stations};
use rumqttc::{
    ConnectionError, MqttOptions, NetworkOptions, QoS, SubscribeFilter, TlsConfiguration, Transport,
};
use rustls::ClientConfig;
use std::sync::Arc;
use tabletap_core::ticket::{kitchen_topic, kitchen_topic_filter};

/// IoT Core accepts payloads up to 128 KiB; rumqttc's default (10 KiB) would
/// drop a long order.
const MAX_PACKET_BYTES: usize = 256 * 1024;

/// Options for the printing session: a stable client id with clean session
/// off, so the broker keeps the subscription and queues tickets while the
/// listener is away; acknowledgements sent by hand once a ticket printed.
pub fn session_options(config: &Config, tls: Arc<ClientConfig>) -> MqttOptions {
    let mqtt = &config.mqtt;
    let mut options = MqttOptions::new(mqtt.client_id.clone(), mqtt.host.clone(), mqtt.port);
    options
        .set_transport(Transport::tls_with_config(TlsConfiguration::Rustls(tls)))
        .set_keep_alive(mqtt.keep_alive())
        .set_clean_session(false)
        .set_manual_acks(true)
        .set_max_packet_size(MAX_PACKET_BYTES, MAX_PACKET_BYTES);
    options
}

pub fn network_options(config: &Config) -> NetworkOptions {
    let mut network = NetworkOptions::new();
    network.set_connection_timeout(config.mqtt.connect_timeout_secs.max(1));
    network
}

/// One topic per configured station, or the restaurant's wildcard when a
/// printer takes every station.
pub fn subscriptions(config: &Config) -> Vec<SubscribeFilter> {
    let restaurant = &config.restaurant_id;
    let mut topics = Vec::new();
    for printer in &config.printers {
        match printer.stations() {
            Stations::All => {
                return vec![SubscribeFilter::new(
                    kitchen_topic_filter(restaurant),
                    QoS::AtLeastOnce,
                )];
            }
            Stations::Only(stations) => {
                topics.extend(stations.iter().map(|s| kitchen_topic(restaurant, s)))
            }
        }
    }
    topics
        .into_iter()
        .map(|topic| SubscribeFilter::new(topic, QoS::AtLeastOnce))
        .collect()
}

/// A connection error with a hint about what to check.
pub fn explain(error: &ConnectionError, host: &str, port: u16) -> String {
    let text = error.to_string();
    let detail = match error {
        ConnectionError::Io(io) => io.to_string(),
        ConnectionError::Tls(tls) => tls.to_string(),
        _ => String::new(),
    };
    let all = format!("{text} {detail}").to_lowercase();
    let hint = if all.contains("unknownissuer") || all.contains("invalid peer certificate") {
        "the broker's certificate is not signed by the CA in mqtt.ca (for IoT Core use AmazonRootCA1.pem and the -ats endpoint)"
    } else if all.contains("alert") || all.contains("certificate") || all.contains("handshake") {
        "the broker refused this listener's certificate: check it is signed by the broker's CA, is active (IoT Core) and not expired; `tabletap-listener doctor` shows its dates"
    } else if all.contains("connection refused") && !all.contains("return code") {
        "nothing accepts connections there: check mqtt.host and mqtt.port"
    } else if all.contains("lookup") || all.contains("name or service") || all.contains("dns") {
        "the host name does not resolve: check mqtt.host and the PC's DNS/internet"
    } else if all.contains("timeout") || all.contains("timed out") {
        "no answer from the broker: check the internet connection and that outbound port is open"
    } else if all.contains("reset") || all.contains("closed") || all.contains("eof") {
        "the broker closed the connection: on IoT Core this usually means the policy does not allow this client id or topic, or another client connected with the same client id"
    } else if let ConnectionError::ConnectionRefused(code) = error {
        return format!(
            "{text}: broker refused the session ({code:?}); check the client id and the broker's ACL/policy"
        );
    } else {
        "will retry"
    };
    let address = format!("{host}:{port}");
    if detail.is_empty() || text.contains(&detail) {
        format!("{text} ({address}): {hint}")
    } else {
        format!("{text}: {detail} ({address}): {hint}")
    }
}
