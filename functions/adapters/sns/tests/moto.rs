//! Delivery alerts against moto's SNS: the message on the topic names the
//! restaurant, the order and the ticket, says what to check, and carries
//! the attributes a subscription can filter on.
//!
//! Needs moto; skips with a message without it, fails when `CI` is set:
//!   export TABLETAP_MOTO_ENDPOINT=$(scripts/lib/moto.sh start)
//!   cargo test -p tabletap-alerts-sns

use tabletap_alerts_sns::SnsAlerts;
use tabletap_alerts_sns::local::{create_topic, local_client, recorded_messages_to};
use tabletap_app::ports::DeliveryError;
use tabletap_app::ticket_delivery::{DeliveryAlert, DeliveryAlertSink};
use tabletap_core::Timestamp;
use tabletap_core::ids::{RestaurantId, StationId};
use tabletap_core::order::OrderId;
use tabletap_kitchen_iot::local::{moto_endpoint, start_recording};

fn order_id() -> OrderId {
    OrderId::new("2026-12-07T19:00:00Z".parse().unwrap(), 42)
}

fn alert(restaurant: &str) -> DeliveryAlert {
    let first_sent_at: Timestamp = "2026-12-07T19:00:00Z".parse().unwrap();
    DeliveryAlert {
        restaurant_id: RestaurantId::parse(restaurant).unwrap(),
        order_id: order_id(),
        ticket_id: format!("{}.grill.0", order_id().as_str()),
        station: StationId::parse("grill").unwrap(),
        first_sent_at,
        attempts: 6,
        alerted_at: "2026-12-07T19:02:05Z".parse().unwrap(),
    }
}

#[tokio::test]
async fn an_alert_reaches_the_ops_topic_with_its_restaurant_and_order() {
    let Some(endpoint) =
        moto_endpoint("an_alert_reaches_the_ops_topic_with_its_restaurant_and_order")
    else {
        return;
    };
    start_recording(&endpoint).await.unwrap();
    let client = local_client(&endpoint);
    let topic = create_topic(&client, &format!("ops-{}", std::process::id()))
        .await
        .unwrap();
    let alert = alert("trattoria");

    SnsAlerts::new(client, &topic).raise(&alert).await.unwrap();

    let messages = recorded_messages_to(&endpoint, &topic).await.unwrap();
    assert_eq!(messages.len(), 1, "{messages:?}");
    let message = &messages[0];
    assert_eq!(
        message.subject.as_deref(),
        Some("TableTap trattoria: a kitchen ticket has not printed")
    );
    let order = order_id();
    let order = order.as_str();
    let expected = format!(
        "Restaurant trattoria: ticket {order}.grill.0 of order {order} (station grill) has not \
         printed 2 min after it was first sent (6 attempts)."
    );
    assert!(
        message.message.starts_with(&expected),
        "{}",
        message.message
    );
    assert!(
        message.message.contains("is the printer on"),
        "{}",
        message.message
    );
    let json_line = message.message.trim_end().lines().last().unwrap();
    let carried: serde_json::Value = serde_json::from_str(json_line).unwrap();
    assert_eq!(carried["order_id"], order);
    assert_eq!(carried["restaurant_id"], "trattoria");
    let mut attributes = message.attributes.clone();
    attributes.sort();
    assert_eq!(
        attributes,
        [
            ("order_id".to_owned(), order.to_owned()),
            ("restaurant_id".to_owned(), "trattoria".to_owned()),
        ]
    );
}

#[tokio::test]
async fn a_missing_topic_is_a_permanent_failure_that_says_what_to_check() {
    let Some(endpoint) =
        moto_endpoint("a_missing_topic_is_a_permanent_failure_that_says_what_to_check")
    else {
        return;
    };
    let topic = "arn:aws:sns:us-east-1:123456789012:no-such-topic";
    let error = SnsAlerts::new(local_client(&endpoint), topic)
        .raise(&alert("trattoria"))
        .await
        .unwrap_err();
    let DeliveryError::Permanent(error) = error else {
        panic!("expected a permanent failure, got {error:?}");
    };
    let text = format!("{error:#}");
    assert!(text.contains("TABLETAP_OPS_TOPIC_ARN"), "{text}");
    assert!(text.contains("no-such-topic"), "{text}");
}
