//! The redeliver-tickets function's sweep on DynamoDB Local, publishing to
//! moto's IoT data plane and SNS: a ticket nobody acknowledged is published
//! again byte for byte on its backoff, raises one alert to the ops topic
//! naming the restaurant and order, and stops once it printed; a printed
//! ticket is never sent again.

use tabletap_alerts_sns::SnsAlerts;
use tabletap_app::ports::{Clock, OrderStore};
use tabletap_app::ticket_delivery::{TicketLedger, TicketRecord};
use tabletap_app::use_cases::list_delivery_alerts::list_delivery_alerts;
use tabletap_core::Timestamp;
use tabletap_core::fixtures::sample_order;
use tabletap_core::ids::{RestaurantId, StationId};
use tabletap_core::ticket::tickets_for_order;
use tabletap_kitchen_iot::IotPublisher;
use tabletap_kitchen_iot::local::{moto_endpoint, recorded_publishes_to, start_recording};
use tabletap_lambdas::redeliver::handle_schedule;
use tabletap_store_dynamodb::local::fresh_test_store;

struct FixedClock(Timestamp);

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        self.0
    }
}

fn after(start: Timestamp, secs: i64) -> FixedClock {
    FixedClock(start + jiff::SignedDuration::from_secs(secs))
}

#[tokio::test]
async fn an_unacknowledged_ticket_is_sent_again_and_alerted_once_until_it_prints() {
    let test = "an_unacknowledged_ticket_is_sent_again_and_alerted_once_until_it_prints";
    let Some(moto) = moto_endpoint(test) else {
        return;
    };
    start_recording(&moto).await.unwrap();
    let store = fresh_test_store("tabletap-redeliver").await;
    let nanos = Timestamp::now().as_nanosecond();
    let mut order = sample_order();
    order.restaurant_id = RestaurantId::parse(format!("redeliver-{nanos}")).unwrap();
    let mut drink = order.lines[0].clone();
    drink.station = StationId::parse("bar").unwrap();
    order.lines.push(drink);
    store.create_order(&order, None).await.unwrap();

    // Both tickets were published at t0 (the dispatcher's record); the bar
    // printed, the pizza's publish was lost (a session IoT Core forgot).
    let t0 = Timestamp::now() - jiff::SignedDuration::from_secs(600);
    let tickets = tickets_for_order(&order, "Europe/Berlin", 0);
    let records: Vec<TicketRecord> = tickets
        .iter()
        .map(|t| TicketRecord::pending(t, t0))
        .collect();
    store.record_tickets_pending(&records).await.unwrap();
    let (bar, pizza): (Vec<_>, Vec<_>) = records.iter().partition(|r| r.station.as_str() == "bar");
    let (bar, pizza) = (bar[0], pizza[0]);
    store
        .mark_ticket_printed(&order.restaurant_id, &bar.ticket_id, t0)
        .await
        .unwrap();

    let sns = tabletap_alerts_sns::local::local_client(&moto);
    let topic_arn = tabletap_alerts_sns::local::create_topic(&sns, &format!("ops-{nanos}"))
        .await
        .unwrap();
    let alerts = SnsAlerts::new(sns, &topic_arn);
    let kitchen = IotPublisher::new(tabletap_kitchen_iot::local::local_client(&moto));

    // 130 s after the first publish: due, and past the alert threshold.
    let sweep = handle_schedule(&store, &kitchen, &alerts, &after(t0, 130))
        .await
        .unwrap();
    assert_eq!(
        (sweep.republished, sweep.alerts_raised),
        (1, 1),
        "{sweep:?}"
    );
    let published = recorded_publishes_to(&moto, &pizza.topic).await.unwrap();
    assert_eq!(published.len(), 1, "{published:?}");
    assert_eq!(
        published[0].payload,
        pizza.payload.as_bytes(),
        "the same ticket, byte for byte"
    );
    assert_eq!(published[0].qos, Some(1));
    assert!(
        recorded_publishes_to(&moto, &bar.topic)
            .await
            .unwrap()
            .is_empty(),
        "the printed ticket is not sent again"
    );
    let messages = tabletap_alerts_sns::local::recorded_messages_to(&moto, &topic_arn)
        .await
        .unwrap();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].message.contains(order.restaurant_id.as_str()));
    assert!(messages[0].message.contains(order.id.as_str()));
    let on_the_board = store.delivery_alerts(&order.restaurant_id).await.unwrap();
    assert_eq!(on_the_board.len(), 1);
    assert_eq!(on_the_board[0].ticket_id, pizza.ticket_id);

    // The same minute again: not due (backoff), nothing sent.
    let sweep = handle_schedule(&store, &kitchen, &alerts, &after(t0, 131))
        .await
        .unwrap();
    assert_eq!(sweep.republished, 0, "{sweep:?}");

    // A minute later: sent again, but the alert is not repeated.
    let sweep = handle_schedule(&store, &kitchen, &alerts, &after(t0, 200))
        .await
        .unwrap();
    assert_eq!(
        (sweep.republished, sweep.alerts_raised),
        (1, 0),
        "{sweep:?}"
    );
    assert_eq!(
        recorded_publishes_to(&moto, &pizza.topic)
            .await
            .unwrap()
            .len(),
        2
    );
    let messages = tabletap_alerts_sns::local::recorded_messages_to(&moto, &topic_arn)
        .await
        .unwrap();
    assert_eq!(messages.len(), 1, "one alert per ticket");

    // It prints: off the schedule and off the board.
    store
        .mark_ticket_printed(&order.restaurant_id, &pizza.ticket_id, Timestamp::now())
        .await
        .unwrap();
    let sweep = handle_schedule(&store, &kitchen, &alerts, &after(t0, 600))
        .await
        .unwrap();
    assert_eq!(sweep.republished, 0, "{sweep:?}");
    assert_eq!(
        recorded_publishes_to(&moto, &pizza.topic)
            .await
            .unwrap()
            .len(),
        2
    );
    let alerts_left = list_delivery_alerts(&store, &order.restaurant_id)
        .await
        .unwrap();
    assert!(alerts_left.is_empty(), "{alerts_left:?}");
}
