//! The cloud side for tests: publishes tickets over mutual TLS (as the
//! dispatcher does through IoT Core) and collects the listener's PrintAcks.

use super::certs::{Identity, Pki};
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS, TlsConfiguration, Transport};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tabletap_core::ticket::PrintAck;
use tokio::sync::watch;

pub const ACK_TOPIC: &str = "tabletap/r1/acks";

pub fn tls_config(ca: &std::path::Path, identity: &Identity) -> Arc<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(ca).expect("ca") {
        roots.add(cert.expect("ca cert")).expect("add ca");
    }
    let chain = CertificateDer::pem_file_iter(&identity.cert)
        .expect("cert")
        .collect::<Result<Vec<_>, _>>()
        .expect("cert");
    let key = PrivateKeyDer::from_pem_file(&identity.key).expect("key");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("tls versions")
        .with_root_certificates(roots)
        .with_client_auth_cert(chain, key)
        .expect("client auth");
    Arc::new(config)
}

pub struct Cloud {
    client: AsyncClient,
    acks: Arc<Mutex<Vec<PrintAck>>>,
    published: watch::Receiver<usize>,
    sent: usize,
}

impl Cloud {
    pub async fn connect(port: u16, pki: &Pki) -> Self {
        let mut options =
            MqttOptions::new(format!("cloud-{}", fastrand::u32(..)), "127.0.0.1", port);
        options.set_transport(Transport::tls_with_config(TlsConfiguration::Rustls(
            tls_config(&pki.ca, &pki.cloud),
        )));
        options.set_keep_alive(Duration::from_secs(5));
        let (client, mut eventloop) = AsyncClient::new(options, 64);
        let acks = Arc::new(Mutex::new(Vec::new()));
        let (count, published) = watch::channel(0usize);
        let (subscribed_tx, mut subscribed) = watch::channel(false);
        let sink = Arc::clone(&acks);
        let subscriber = client.clone();
        tokio::spawn(async move {
            loop {
                match eventloop.poll().await {
                    Ok(Event::Incoming(Packet::ConnAck(_))) => {
                        let _ = subscriber.subscribe(ACK_TOPIC, QoS::AtLeastOnce).await;
                    }
                    Ok(Event::Incoming(Packet::SubAck(_))) => {
                        let _ = subscribed_tx.send(true);
                    }
                    Ok(Event::Incoming(Packet::PubAck(_))) => count.send_modify(|n| *n += 1),
                    Ok(Event::Incoming(Packet::Publish(p))) => {
                        let ack: PrintAck =
                            serde_json::from_slice(&p.payload).expect("PrintAck JSON");
                        sink.lock().unwrap_or_else(|e| e.into_inner()).push(ack);
                    }
                    Ok(_) => {}
                    Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                }
            }
        });
        tokio::time::timeout(Duration::from_secs(10), subscribed.wait_for(|s| *s))
            .await
            .expect("cloud client did not connect and subscribe")
            .expect("cloud client task");
        Self {
            client,
            acks,
            published,
            sent: 0,
        }
    }

    /// Publishes with QoS 1 and returns once the broker has it.
    pub async fn publish(&mut self, topic: &str, payload: Vec<u8>) {
        self.client
            .publish(topic, QoS::AtLeastOnce, false, payload)
            .await
            .expect("publish");
        self.sent += 1;
        let sent = self.sent;
        tokio::time::timeout(
            Duration::from_secs(10),
            self.published.wait_for(|n| *n >= sent),
        )
        .await
        .expect("broker did not acknowledge the publish")
        .expect("cloud client task");
    }

    pub fn acks(&self) -> Vec<PrintAck> {
        self.acks.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Waits until acks for all these ticket ids arrived.
    pub async fn wait_for_acks(&self, ticket_ids: &[String], timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            let acks = self.acks();
            if ticket_ids
                .iter()
                .all(|id| acks.iter().any(|a| &a.ticket_id == id))
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "missing print acks; got {:?}",
                acks.iter().map(|a| &a.ticket_id).collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
