//! The embedded MQTT broker (rumqttd) standing in for IoT Core: MQTT 3.1.1
//! over TLS on loopback, and only clients with a certificate from the local
//! CA get in, as with IoT Core's mutual TLS.

use crate::kitchen::pki::Pki;
use anyhow::Context;
use rumqttd::{Broker, Config, ConnectionSettings, RouterConfig, ServerSettings, TlsConfig};
use std::collections::HashMap;
use std::net::SocketAddr;

/// Starts the broker on its own threads (rumqttd runs a blocking router) and
/// returns once it accepts connections.
pub async fn start(addr: SocketAddr, pki: &Pki) -> anyhow::Result<()> {
    let path = |p: &std::path::Path| p.to_string_lossy().into_owned();
    let server = ServerSettings {
        name: "kitchen".to_owned(),
        listen: addr,
        tls: Some(TlsConfig::Rustls {
            capath: Some(path(&pki.ca)),
            certpath: path(&pki.broker.cert),
            keypath: path(&pki.broker.key),
        }),
        next_connection_delay_ms: 1,
        connections: ConnectionSettings {
            connection_timeout_ms: 10_000,
            // Tickets are a few KiB; IoT Core's own limit is 128 KiB.
            max_payload_size: 128 * 1024,
            max_inflight_count: 100,
            auth: None,
            external_auth: None,
            dynamic_filters: true,
        },
    };
    let config = Config {
        id: 0,
        router: RouterConfig {
            max_connections: 64,
            max_outgoing_packet_count: 200,
            max_segment_size: 4 * 1024 * 1024,
            max_segment_count: 10,
            ..RouterConfig::default()
        },
        v4: Some(HashMap::from([("kitchen".to_owned(), server)])),
        ..Config::default()
    };
    // Fail here with a clear message rather than in rumqttd's thread.
    std::net::TcpListener::bind(addr).with_context(|| {
        format!("cannot listen for MQTT on {addr}: is another TableTap running? Use --mqtt-addr to pick another port")
    })?;
    std::thread::Builder::new()
        .name("mqtt-broker".to_owned())
        .spawn(move || {
            let mut broker = Broker::new(config);
            if let Err(error) = broker.start() {
                tracing::error!(error = %error, "the embedded MQTT broker stopped");
            }
        })?;
    wait_until_listening(addr).await
}

async fn wait_until_listening(addr: SocketAddr) -> anyhow::Result<()> {
    // Probing with a connection would make the broker log a failed TLS
    // handshake; the port being taken says the same quietly.
    for _ in 0..200 {
        if std::net::TcpListener::bind(addr).is_err() {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    anyhow::bail!("the embedded MQTT broker did not start listening on {addr} within 5 s")
}
