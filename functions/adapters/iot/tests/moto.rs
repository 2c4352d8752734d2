//! The IoT publisher against moto server: moto's recorder shows the topic,
//! QoS 1 and the exact payload bytes; refusals are classified.
//!
//! Needs moto; skips with a message without it, fails when `CI` is set:
//!   export TABLETAP_MOTO_ENDPOINT=$(scripts/lib/moto.sh start)
//!   cargo test -p tabletap-kitchen-iot
//!
//! Tests share moto's one recorder and run in parallel: each publishes to a
//! topic of its own and never stops or resets the recorder.

use std::time::{SystemTime, UNIX_EPOCH};
use tabletap_app::ports::{DeliveryError, KitchenPublisher};
use tabletap_kitchen_iot::IotPublisher;
use tabletap_kitchen_iot::local::{
    local_client, moto_endpoint, recorded_publishes_to, start_recording,
};

/// A kitchen topic no other test process uses: `tabletap/<restaurant>/kitchen/pizza`.
fn unique_kitchen_topic(name: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        "tabletap/{name}-{}-{nanos}/kitchen/pizza",
        std::process::id()
    )
}

#[tokio::test]
async fn publishes_the_ticket_with_qos_1() {
    let Some(endpoint) = moto_endpoint("publishes_the_ticket_with_qos_1") else {
        return;
    };
    start_recording(&endpoint).await.unwrap();
    let topic = unique_kitchen_topic("demo");
    // Bytes that survive only if nobody treats the payload as text.
    let payload = br#"{"version":1,"ticket_id":"t.pizza.0","note":"caf\u00e9 \u20ac"}"#
        .iter()
        .copied()
        .chain([0xff, 0x00, b'\n'])
        .collect::<Vec<u8>>();

    let publisher = IotPublisher::new(local_client(&endpoint));
    publisher.publish(&topic, &payload).await.unwrap();

    let recorded = recorded_publishes_to(&endpoint, &topic).await.unwrap();
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    assert_eq!(recorded[0].topic, topic);
    assert_eq!(recorded[0].qos, Some(1));
    assert_eq!(recorded[0].payload, payload);
}

#[tokio::test]
async fn the_demo_kitchen_topic_is_published_as_named() {
    let Some(endpoint) = moto_endpoint("the_demo_kitchen_topic_is_published_as_named") else {
        return;
    };
    start_recording(&endpoint).await.unwrap();
    // The literal topic the brief names; a unique ticket id in the payload
    // tells this test's publish from another run's.
    let topic = "tabletap/demo/kitchen/pizza";
    let payload = format!(
        r#"{{"version":1,"ticket_id":"{}.pizza.0"}}"#,
        unique_kitchen_topic("id").replace('/', "-")
    );
    IotPublisher::new(local_client(&endpoint))
        .publish(topic, payload.as_bytes())
        .await
        .unwrap();
    let recorded = recorded_publishes_to(&endpoint, topic).await.unwrap();
    let mine: Vec<_> = recorded
        .iter()
        .filter(|p| p.payload == payload.as_bytes())
        .collect();
    assert_eq!(mine.len(), 1, "{recorded:?}");
    assert_eq!(mine[0].qos, Some(1));
}

/// No moto needed: nothing listens on the port, which is what an outage
/// looks like from the Lambda.
#[tokio::test]
async fn unreachable_iot_core_is_retryable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let publisher = IotPublisher::new(local_client(&format!("http://127.0.0.1:{port}")));
    let error = publisher
        .publish("tabletap/demo/kitchen/pizza", b"{}")
        .await
        .unwrap_err();
    assert!(
        matches!(error, DeliveryError::Retryable(_)),
        "expected retryable, got {error:?}"
    );
    assert!(
        error.to_string().contains("tabletap/demo/kitchen/pizza"),
        "{error}"
    );
}
