//! The dispatcher's MQTT client: publishes tickets to the embedded broker
//! with QoS 1 over mutual TLS, like the IoT data plane does in AWS, and
//! reports a ticket as published only once the broker acknowledged it
//! (PUBACK), so the dispatcher never marks an order SENT on a hope.

use crate::kitchen::pki::Pki;
use anyhow::Context;
use async_trait::async_trait;
use rumqttc::{
    AsyncClient, Event, EventLoop, MqttOptions, Outgoing, Packet, QoS, TlsConfiguration, Transport,
};
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tabletap_app::ports::{DeliveryError, KitchenPublisher};
use tokio::sync::{mpsc, oneshot};

/// How long a publish may wait for the broker's acknowledgement.
const ACK_TIMEOUT: Duration = Duration::from_secs(5);

type Waiter = oneshot::Sender<()>;

/// A message received on the acknowledgement topics: `(topic, payload)`.
pub type Received = (String, Vec<u8>);

/// Publishes in order; acknowledgements are matched to publishes by packet
/// id, which rumqttc reports (in publish order) once a publish went out.
pub struct MqttPublisher {
    client: AsyncClient,
    /// Publishes handed to the client, waiting for their packet id.
    queued: Arc<Mutex<VecDeque<Waiter>>>,
    /// Serialises publishes so `queued` stays in the client's order.
    sending: tokio::sync::Mutex<()>,
}

impl MqttPublisher {
    /// Connects (in the background; rumqttc retries) and subscribes to the
    /// kitchens' print acknowledgements, which arrive on the returned channel
    /// as `(topic, payload)`.
    pub fn connect(
        broker: SocketAddr,
        pki: &Pki,
    ) -> anyhow::Result<(Self, mpsc::Receiver<Received>)> {
        let read = |path: &std::path::Path| {
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
        };
        let mut options = MqttOptions::new("tabletap-dispatcher", "localhost", broker.port());
        options.set_keep_alive(Duration::from_secs(30));
        options.set_transport(Transport::tls_with_config(TlsConfiguration::Simple {
            ca: read(&pki.ca)?,
            alpn: None,
            client_auth: Some((read(&pki.dispatcher.cert)?, read(&pki.dispatcher.key)?)),
        }));
        let (client, event_loop) = AsyncClient::new(options, 64);
        let queued = Arc::new(Mutex::new(VecDeque::new()));
        let (acks_tx, acks) = mpsc::channel(64);
        tokio::spawn(drive(
            event_loop,
            client.clone(),
            Arc::clone(&queued),
            acks_tx,
        ));
        let publisher = Self {
            client,
            queued,
            sending: tokio::sync::Mutex::new(()),
        };
        Ok((publisher, acks))
    }
}

/// Every kitchen's print acknowledgements (`tabletap/<restaurant>/acks`).
pub const ACKS_FILTER: &str = "tabletap/+/acks";

/// Polls the connection forever (rumqttc reconnects on the next poll),
/// wakes each publish when its PUBACK arrives, and forwards acknowledgements.
async fn drive(
    mut event_loop: EventLoop,
    client: AsyncClient,
    queued: Arc<Mutex<VecDeque<Waiter>>>,
    acks: mpsc::Sender<Received>,
) {
    let mut in_flight: HashMap<u16, Waiter> = HashMap::new();
    loop {
        match event_loop.poll().await {
            Ok(Event::Incoming(Packet::ConnAck(_))) => {
                // A clean session forgets subscriptions: subscribe on every
                // (re)connect.
                if let Err(error) = client.try_subscribe(ACKS_FILTER, QoS::AtLeastOnce) {
                    tracing::warn!(error = %error, "dispatcher: cannot subscribe to print acknowledgements");
                }
            }
            Ok(Event::Incoming(Packet::Publish(publish))) => {
                let _ = acks
                    .send((publish.topic.to_string(), publish.payload.to_vec()))
                    .await;
            }
            Ok(Event::Outgoing(Outgoing::Publish(pkid))) => {
                if let Some(waiter) = queued.lock().expect("queue lock").pop_front() {
                    in_flight.insert(pkid, waiter);
                }
            }
            Ok(Event::Incoming(Packet::PubAck(ack))) => {
                if let Some(waiter) = in_flight.remove(&ack.pkid) {
                    let _ = waiter.send(());
                }
            }
            Ok(_) => {}
            Err(error) => {
                tracing::warn!(error = %error, "dispatcher: MQTT connection to the embedded broker lost; reconnecting");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    }
}

#[async_trait]
impl KitchenPublisher for MqttPublisher {
    async fn publish(&self, topic: &str, payload: &[u8]) -> Result<(), DeliveryError> {
        let acked = {
            let _order = self.sending.lock().await;
            let (waiter, acked) = oneshot::channel();
            self.queued.lock().expect("queue lock").push_back(waiter);
            if let Err(error) = self
                .client
                .publish(topic, QoS::AtLeastOnce, false, payload.to_vec())
                .await
            {
                self.queued.lock().expect("queue lock").pop_back();
                return Err(DeliveryError::Retryable(anyhow::anyhow!(
                    "the MQTT client stopped: {error}"
                )));
            }
            acked
        };
        match tokio::time::timeout(ACK_TIMEOUT, acked).await {
            Ok(Ok(())) => Ok(()),
            _ => Err(DeliveryError::Retryable(anyhow::anyhow!(
                "the embedded broker did not acknowledge the ticket on {topic} within {ACK_TIMEOUT:?}"
            ))),
        }
    }
}
