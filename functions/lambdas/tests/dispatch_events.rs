//! The dispatch function end to end on real stand-ins: orders in DynamoDB
//! Local, stream records built from the items as DynamoDB stored them,
//! tickets published to moto's IoT data plane (read back from its
//! recorder), receipts sent through moto's SES v2 (read back from its data).

use aws_lambda_events::event::dynamodb::Event;
use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::json;
use tabletap_app::ports::{OrderStore, RestaurantStore, SystemClock};
use tabletap_app::use_cases::dispatch_accepted_orders::Dispatcher;
use tabletap_core::fixtures::{berlin, sample_takeout_order};
use tabletap_core::ids::RestaurantId;
use tabletap_core::order::{Order, OrderStatus};
use tabletap_core::restaurant::Restaurant;
use tabletap_core::ticket::{encode, tickets_for_order};
use tabletap_kitchen_iot::IotPublisher;
use tabletap_lambdas::dispatch::handle_stream_batch;
use tabletap_mail_ses::SesMailer;
use tabletap_store_dynamodb::DynamoDbStore;
use tabletap_store_dynamodb::local::{ENDPOINT_VAR, fresh_test_store, local_client};

/// A restaurant id no other test (or earlier run against the same moto)
/// uses, so topics and addresses read back from moto are this test's only.
fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{prefix}-{nanos}")
}

struct World {
    moto: String,
    store: DynamoDbStore,
    restaurant: Restaurant,
    order: Order,
    kitchen: IotPublisher,
    mailer: SesMailer,
}

async fn world(test: &str) -> Option<World> {
    let moto = tabletap_mail_ses::local::moto_endpoint(test)?;
    let store = fresh_test_store("tabletap-dispatch").await;
    let id = unique("dispatch");
    let mut restaurant = berlin();
    restaurant.id = RestaurantId::parse(&id).unwrap();
    store.put_restaurant(&restaurant).await.unwrap();
    let mut order = sample_takeout_order();
    order.restaurant_id = restaurant.id.clone();
    if let tabletap_core::order::Channel::Takeout { customer, .. } = &mut order.channel {
        customer.email = format!("guest@{id}.example.com");
    }
    assert_eq!(order.status, OrderStatus::Accepted, "the fixture is paid");
    store.create_order(&order, None).await.unwrap();

    tabletap_kitchen_iot::local::start_recording(&moto)
        .await
        .unwrap();
    let ses = tabletap_mail_ses::local::local_client(&moto);
    let sender_domain = format!("{id}.example.net");
    tabletap_mail_ses::local::verify_domain(&ses, &sender_domain)
        .await
        .unwrap();
    Some(World {
        kitchen: IotPublisher::new(tabletap_kitchen_iot::local::local_client(&moto)),
        mailer: SesMailer::new(ses, format!("receipts@{sender_domain}")),
        moto,
        store,
        restaurant,
        order,
    })
}

impl World {
    fn dispatcher(&self) -> Dispatcher<'_, DynamoDbStore> {
        Dispatcher {
            store: &self.store,
            kitchen: &self.kitchen,
            mailer: &self.mailer,
            clock: &SystemClock,
        }
    }

    /// The order's item exactly as DynamoDB holds it.
    async fn stored_item(&self) -> serde_dynamo::Item {
        let endpoint = std::env::var(ENDPOINT_VAR).unwrap();
        let key = [
            ("pk", format!("R#{}", self.order.restaurant_id)),
            ("sk", format!("ORDER#{}", self.order.id)),
        ];
        let mut request = local_client(&endpoint)
            .get_item()
            .table_name(self.store.table_name())
            .consistent_read(true);
        for (name, value) in key {
            request = request.key(name, AttributeValue::S(value));
        }
        let item = request.send().await.unwrap().item.expect("order item");
        serde_dynamo::Item::from(item)
    }

    /// A stream batch with the order's INSERT, as Lambda delivers it.
    async fn insert_event(&self, sequence_number: &str) -> Event {
        let image = self.stored_item().await;
        batch(vec![record("INSERT", sequence_number, Some(&image), None)])
    }

    async fn status(&self) -> OrderStatus {
        self.store
            .get_order(&self.order.restaurant_id, &self.order.id)
            .await
            .unwrap()
            .unwrap()
            .status
    }
}

/// One stream record in the shape Lambda delivers (DynamoDB JSON images).
fn record(
    name: &str,
    sequence_number: &str,
    new: Option<&serde_dynamo::Item>,
    old: Option<&serde_dynamo::Item>,
) -> serde_json::Value {
    let any = new.or(old).expect("an image");
    json!({
        "eventID": sequence_number,
        "eventName": name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "eu-west-1",
        "eventSourceARN": "arn:aws:dynamodb:eu-west-1:123456789012:table/orders/stream/2026-11-21T00:00:00.000",
        "dynamodb": {
            "ApproximateCreationDateTime": 1795283000.0,
            "Keys": {"pk": any.get("pk"), "sk": any.get("sk")},
            "NewImage": new,
            "OldImage": old,
            "SequenceNumber": sequence_number,
            "SizeBytes": 1200,
            "StreamViewType": "NEW_AND_OLD_IMAGES"
        }
    })
}

fn batch(records: Vec<serde_json::Value>) -> Event {
    serde_json::from_value(json!({ "Records": records })).expect("a stream event")
}

#[tokio::test]
async fn an_accepted_order_is_published_mailed_and_sent_once_even_when_redelivered() {
    let Some(world) = world("dispatch_once").await else {
        return;
    };
    let event = world.insert_event("100").await;
    let dispatcher = world.dispatcher();

    let first = handle_stream_batch(&dispatcher, event.clone()).await;
    assert!(first.batch_item_failures.is_empty());
    // The same batch again, as Lambda redelivers after a timeout.
    let second = handle_stream_batch(&dispatcher, event).await;
    assert!(second.batch_item_failures.is_empty());

    let expected = tickets_for_order(&world.order, &world.restaurant.time_zone, 0);
    assert!(!expected.is_empty());
    for ticket in &expected {
        let published =
            tabletap_kitchen_iot::local::recorded_publishes_to(&world.moto, &ticket.topic())
                .await
                .unwrap();
        assert_eq!(published.len(), 1, "one publish to {}", ticket.topic());
        assert_eq!(published[0].qos, Some(1));
        assert_eq!(
            published[0].payload,
            encode(ticket),
            "the ticket is exactly the order's"
        );
    }

    let customer = match &world.order.channel {
        tabletap_core::order::Channel::Takeout { customer, .. } => customer.email.clone(),
        _ => unreachable!(),
    };
    let mails = tabletap_mail_ses::local::sent_to(&world.moto, &customer)
        .await
        .unwrap();
    assert_eq!(mails.len(), 1, "one receipt");
    let receipt = tabletap_receipt::render_receipt(&world.order, &world.restaurant).unwrap();
    assert_eq!(mails[0].subject, receipt.subject);
    assert_eq!(mails[0].body, receipt.html);
    assert!(mails[0].source.starts_with("receipts@"));
    assert_eq!(world.status().await, OrderStatus::Sent);
}

#[tokio::test]
async fn a_broker_outage_reports_the_record_for_retry_and_the_retry_sends_it() {
    let Some(world) = world("dispatch_retry").await else {
        return;
    };
    let event = world.insert_event("200").await;

    // Nothing listens on port 9: the publish fails as a network error.
    let down = IotPublisher::new(tabletap_kitchen_iot::local::local_client(
        "http://127.0.0.1:9",
    ));
    let failing = Dispatcher {
        kitchen: &down,
        ..world.dispatcher()
    };
    let response = handle_stream_batch(&failing, event.clone()).await;
    assert_eq!(response.batch_item_failures.len(), 1);
    assert_eq!(
        response.batch_item_failures[0].item_identifier.as_deref(),
        Some("200")
    );
    assert_eq!(
        world.status().await,
        OrderStatus::Accepted,
        "not SENT on a failure"
    );

    let retried = handle_stream_batch(&world.dispatcher(), event).await;
    assert!(retried.batch_item_failures.is_empty());
    let topic = tickets_for_order(&world.order, &world.restaurant.time_zone, 0)[0].topic();
    let published = tabletap_kitchen_iot::local::recorded_publishes_to(&world.moto, &topic)
        .await
        .unwrap();
    assert_eq!(published.len(), 1);
    assert_eq!(world.status().await, OrderStatus::Sent);
}

#[tokio::test]
async fn records_that_are_not_an_order_becoming_accepted_are_passed_over() {
    let Some(world) = world("dispatch_filter").await else {
        return;
    };
    // A MODIFY from ACCEPTED to ACCEPTED-something-else (e.g. SENT written by
    // the dispatcher itself) and a non-order item.
    let image = world.stored_item().await;
    let mut sent = image.clone();
    sent.insert(
        "status".into(),
        serde_dynamo::AttributeValue::S("SENT".into()),
    );
    let mut counter = image.clone();
    counter.insert(
        "entity".into(),
        serde_dynamo::AttributeValue::S("order_sequence".into()),
    );
    let event = batch(vec![
        record("MODIFY", "300", Some(&sent), Some(&image)),
        record("INSERT", "301", Some(&counter), None),
        record("REMOVE", "302", None, Some(&image)),
    ]);
    let response = handle_stream_batch(&world.dispatcher(), event).await;
    assert!(response.batch_item_failures.is_empty());
    let topic = tickets_for_order(&world.order, &world.restaurant.time_zone, 0)[0].topic();
    let published = tabletap_kitchen_iot::local::recorded_publishes_to(&world.moto, &topic)
        .await
        .unwrap();
    assert!(published.is_empty(), "nothing was accepted in this batch");
    assert_eq!(world.status().await, OrderStatus::Accepted);
}

#[test]
fn the_sample_stream_event_reads_as_one_order_becoming_accepted() {
    let path = format!(
        "{}/../../events/dynamodb/order-accepted.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let event: Event = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let changes: Vec<_> = event
        .records
        .iter()
        .map(|r| {
            tabletap_store_dynamodb::stream::order_change(
                r.change.new_image.clone(),
                r.change.old_image.clone(),
            )
            .unwrap()
            .expect("an order change")
        })
        .collect();
    assert_eq!(changes.len(), 2);
    assert!(changes[0].became_accepted());
    assert_eq!(changes[0].order_id.as_str(), "01m7zmd710000000000000001a");
    assert_eq!(changes[1].old_status, Some(OrderStatus::Accepted));
    assert!(
        !changes[1].became_accepted(),
        "its own SENT write does not wake it"
    );
}
