//! The AWS-side redelivery code (`redeliver_unprinted_tickets`, which the
//! redeliver-tickets Lambda runs every minute) against a real Mosquitto
//! with mutual TLS standing in for IoT Core, the real listener binary and a
//! virtual printer: the listener's persistent session is destroyed while
//! its tickets are queued in it (as when IoT Core expires a session of a
//! kitchen PC that was off for over an hour), and they still print, once.

#[path = "support/mod.rs"]
mod support;

use async_trait::async_trait;
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, Transport};
use std::sync::Arc;
use std::time::Duration;
use support::cloud::{Cloud, tls_config};
use support::kitchen::{Kitchen, TOPIC_PIZZA, assert_each_once, ticket};
use support::virtual_printer::Mode;
use tabletap_app::ports::{Clock, DeliveryError, KitchenPublisher};
use tabletap_app::ticket_delivery::{ALERT_AFTER, LogOnlyAlerts, TicketLedger, TicketRecord};
use tabletap_app::use_cases::redeliver_unprinted_tickets::redeliver_unprinted_tickets;
use tabletap_core::Timestamp;
use tabletap_core::ids::{RestaurantId, StationId};
use tabletap_core::order::OrderId;
use tabletap_store_embedded::EmbeddedStore;

const PRINT_TIMEOUT: Duration = Duration::from_secs(20);

/// The cloud's publisher, as the IoT data plane is in AWS: QoS 1, returns
/// when the broker has the message.
struct MosquittoPublisher(tokio::sync::Mutex<Cloud>);

#[async_trait]
impl KitchenPublisher for MosquittoPublisher {
    async fn publish(&self, topic: &str, payload: &[u8]) -> Result<(), DeliveryError> {
        self.0.lock().await.publish(topic, payload.to_vec()).await;
        Ok(())
    }
}

struct At(Timestamp);

impl Clock for At {
    fn now(&self) -> Timestamp {
        self.0
    }
}

fn record(n: u32, at: Timestamp) -> TicketRecord {
    let (ticket_id, payload) = ticket(n);
    let order_id = ticket_id.split('.').next().unwrap();
    TicketRecord {
        restaurant_id: RestaurantId::parse("r1").unwrap(),
        order_id: OrderId::parse(order_id).unwrap(),
        ticket_id,
        station: StationId::parse("pizza").unwrap(),
        topic: TOPIC_PIZZA.to_owned(),
        payload: String::from_utf8(payload).unwrap(),
        created_at: at,
        attempts: 1,
        next_attempt_at: at + jiff::SignedDuration::from_secs(5),
        printed_at: None,
        alerted_at: None,
    }
}

/// Connects as the listener's client id with a clean session and leaves:
/// the broker drops the listener's persistent session, its subscription
/// and every message queued in it.
async fn destroy_session(kitchen: &Kitchen, client_id: &str) {
    let mut options = MqttOptions::new(client_id, "127.0.0.1", kitchen.broker.port);
    options.set_transport(Transport::tls_with_config(
        rumqttc::TlsConfiguration::Rustls(tls_config(&kitchen.pki.ca, &kitchen.pki.cloud)),
    ));
    options.set_clean_session(true);
    let (client, mut eventloop) = AsyncClient::new(options, 8);
    loop {
        match tokio::time::timeout(Duration::from_secs(10), eventloop.poll())
            .await
            .expect("connect to destroy the session")
        {
            Ok(Event::Incoming(Packet::ConnAck(ack))) => {
                assert!(!ack.session_present, "a clean session has no stored state");
                break;
            }
            Ok(_) => {}
            Err(error) => panic!("cannot connect as {client_id}: {error}"),
        }
    }
    client.disconnect().await.unwrap();
    while eventloop.poll().await.is_ok() {}
}

#[tokio::test]
async fn tickets_queued_in_a_destroyed_session_still_print_once_through_redelivery() {
    let kitchen = Kitchen::start(Mode::Ready);
    let store_dir = tempfile::tempdir().unwrap();
    let ledger = EmbeddedStore::open(&store_dir.path().join("ledger.redb")).unwrap();
    let publisher = Arc::new(MosquittoPublisher(tokio::sync::Mutex::new(
        kitchen.cloud().await,
    )));

    // The first run creates the listener's persistent session; then the
    // kitchen PC goes off.
    let mut listener = kitchen.start_listener().await;
    assert!(listener.terminate().await.success(), "{}", listener.log());

    // The dispatcher records each ticket as owed, then publishes it: the
    // broker queues all three for the sleeping session.
    let t0 = Timestamp::now();
    let records: Vec<TicketRecord> = (1..=3).map(|n| record(n, t0)).collect();
    let ids: Vec<String> = records.iter().map(|r| r.ticket_id.clone()).collect();
    ledger.record_tickets_pending(&records).await.unwrap();
    for r in &records {
        publisher
            .publish(&r.topic, r.payload.as_bytes())
            .await
            .unwrap();
    }

    // The session expires with the tickets in it.
    destroy_session(&kitchen, "kitchen-r1").await;
    let listener = kitchen.start_listener().await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        kitchen.printer.job_count(),
        0,
        "the queued tickets died with the session (what this test is about)"
    );

    // The next minute's sweep: every owed ticket goes again, same ids.
    let sweep = redeliver_unprinted_tickets(
        &ledger,
        &*publisher,
        &LogOnlyAlerts,
        &At(t0 + jiff::SignedDuration::from_secs(60)),
        ALERT_AFTER,
    )
    .await
    .unwrap();
    assert_eq!(sweep.republished, 3, "{sweep:?}");
    let counts = kitchen.wait_for_prints(3, PRINT_TIMEOUT, &listener).await;
    assert_each_once(&counts, &ids);

    // The print acks come back (the print-ack function's job in AWS) and
    // take each ticket off the schedule.
    let cloud = publisher.0.lock().await;
    cloud.wait_for_acks(&ids, PRINT_TIMEOUT).await;
    for ack in cloud.acks() {
        ledger
            .mark_ticket_printed(&ack.restaurant_id, &ack.ticket_id, ack.printed_at)
            .await
            .unwrap();
    }
    drop(cloud);
    let later = redeliver_unprinted_tickets(
        &ledger,
        &*publisher,
        &LogOnlyAlerts,
        &At(t0 + jiff::SignedDuration::from_secs(600)),
        ALERT_AFTER,
    )
    .await
    .unwrap();
    assert_eq!(later.republished, 0, "nothing owed once printed: {later:?}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(kitchen.printer.job_count(), 3, "no ticket printed twice");
}
