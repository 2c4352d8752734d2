//! The dispatcher's rules, on the embedded store (in memory) with recording
//! stand-ins for the broker and the mail service: redeliveries, races with
//! print acknowledgements, and failures of each kind. The real adapters are
//! exercised elsewhere (moto for IoT Core and SES, the embedded broker and
//! the outbox in `local_kitchen`).

use async_trait::async_trait;
use std::sync::Mutex;
use tabletap_app::ports::{
    DeliveryError, KitchenPublisher, OrderStore, OutgoingEmail, ReceiptMailer, RestaurantStore,
    SystemClock,
};
use tabletap_app::use_cases::dispatch_accepted_orders::{DispatchError, Dispatcher, OrderChange};
use tabletap_core::fixtures::{berlin, sample_order, sample_takeout_order};
use tabletap_core::order::{Order, OrderStatus};
use tabletap_store_embedded::EmbeddedStore;

#[derive(Default)]
struct Kitchen {
    published: Mutex<Vec<String>>,
    fail: Mutex<Option<bool>>, // Some(retryable)
}

#[async_trait]
impl KitchenPublisher for Kitchen {
    async fn publish(&self, topic: &str, _payload: &[u8]) -> Result<(), DeliveryError> {
        match *self.fail.lock().unwrap() {
            Some(true) => Err(DeliveryError::Retryable(anyhow::anyhow!("broker away"))),
            Some(false) => Err(DeliveryError::Permanent(anyhow::anyhow!("forbidden"))),
            None => {
                self.published.lock().unwrap().push(topic.to_owned());
                Ok(())
            }
        }
    }
}

#[derive(Default)]
struct Mail {
    sent: Mutex<Vec<OutgoingEmail>>,
    reject: Mutex<bool>,
}

#[async_trait]
impl ReceiptMailer for Mail {
    async fn send(&self, email: &OutgoingEmail) -> Result<(), DeliveryError> {
        if *self.reject.lock().unwrap() {
            return Err(DeliveryError::Permanent(anyhow::anyhow!(
                "address rejected"
            )));
        }
        self.sent.lock().unwrap().push(email.clone());
        Ok(())
    }
}

async fn store_with(order: &Order) -> EmbeddedStore {
    let store = EmbeddedStore::in_memory().unwrap();
    store.put_restaurant(&berlin()).await.unwrap();
    store.create_order(order, None).await.unwrap();
    store
}

fn accepted(order: &Order) -> Option<OrderChange> {
    Some(OrderChange {
        restaurant_id: order.restaurant_id.clone(),
        order_id: order.id.clone(),
        old_status: None,
        new_status: OrderStatus::Accepted,
    })
}

fn dispatcher<'a>(
    store: &'a EmbeddedStore,
    kitchen: &'a Kitchen,
    mailer: &'a dyn ReceiptMailer,
) -> Dispatcher<'a, EmbeddedStore> {
    Dispatcher {
        store,
        kitchen,
        mailer,
        clock: &SystemClock,
    }
}

/// How many tickets (one per kitchen station) the order makes.
fn stations(order: &Order) -> usize {
    let tickets = tabletap_core::ticket::tickets_for_order(order, "Europe/Berlin", 0);
    assert!(tickets.len() > 1, "the fixture spans stations");
    tickets.len()
}

async fn status(store: &EmbeddedStore, order: &Order) -> OrderStatus {
    store
        .get_order(&order.restaurant_id, &order.id)
        .await
        .unwrap()
        .unwrap()
        .status
}

#[tokio::test]
async fn a_redelivered_change_publishes_and_mails_once() {
    let order = sample_takeout_order();
    let store = store_with(&order).await;
    let (kitchen, mail) = (Kitchen::default(), Mail::default());
    let dispatcher = dispatcher(&store, &kitchen, &mail);
    for _ in 0..3 {
        let outcome = dispatcher.dispatch_batch(&[accepted(&order)]).await;
        assert_eq!(outcome.retry_from, None);
    }
    assert_eq!(
        kitchen.published.lock().unwrap().len(),
        stations(&order),
        "one ticket per station, once"
    );
    assert_eq!(mail.sent.lock().unwrap().len(), 1);
    assert_eq!(mail.sent.lock().unwrap()[0].to, "giulia.rossi@example.com");
    assert_eq!(status(&store, &order).await, OrderStatus::Sent);
}

#[tokio::test]
async fn dine_in_orders_get_tickets_but_no_receipt() {
    let order = sample_order();
    let store = store_with(&order).await;
    let (kitchen, mail) = (Kitchen::default(), Mail::default());
    let dispatcher = dispatcher(&store, &kitchen, &mail);
    let outcome = dispatcher
        .dispatch_order(&order.restaurant_id, &order.id)
        .await
        .unwrap();
    assert!(outcome.tickets_published >= 1 && outcome.marked_sent && !outcome.receipt_sent);
    assert!(mail.sent.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_print_ack_that_overtakes_the_receipt_does_not_lose_it_or_reprint() {
    let order = sample_takeout_order();
    let store = store_with(&order).await;
    let (kitchen, mail) = (Kitchen::default(), Mail::default());
    *mail.reject.lock().unwrap() = false;
    // The mail service was away on the first delivery: tickets went out...
    struct Away;
    #[async_trait]
    impl ReceiptMailer for Away {
        async fn send(&self, _: &OutgoingEmail) -> Result<(), DeliveryError> {
            Err(DeliveryError::Retryable(anyhow::anyhow!("throttled")))
        }
    }
    let first = dispatcher(&store, &kitchen, &Away);
    let outcome = first.dispatch_batch(&[accepted(&order)]).await;
    assert_eq!(outcome.retry_from, Some(0));
    // ...and printed before the retry: the listener's ack made it PRINTED.
    store
        .update_order_status(
            &order.restaurant_id,
            &order.id,
            OrderStatus::Accepted,
            OrderStatus::Printed,
            order.placed_at,
        )
        .await
        .unwrap();
    let retry = Dispatcher {
        mailer: &mail,
        ..first
    };
    let outcome = retry.dispatch_batch(&[accepted(&order)]).await;
    assert_eq!(outcome.retry_from, None);
    assert_eq!(
        kitchen.published.lock().unwrap().len(),
        stations(&order),
        "not printed twice"
    );
    assert_eq!(
        mail.sent.lock().unwrap().len(),
        1,
        "the receipt still went out"
    );
    assert_eq!(status(&store, &order).await, OrderStatus::Printed);
}

#[tokio::test]
async fn a_rejected_receipt_does_not_hold_up_the_kitchen_or_the_batch() {
    let order = sample_takeout_order();
    let mut other = sample_order();
    other.id = tabletap_core::order::OrderId::new(other.placed_at, 99);
    let store = store_with(&order).await;
    store.create_order(&other, None).await.unwrap();
    let (kitchen, mail) = (Kitchen::default(), Mail::default());
    *mail.reject.lock().unwrap() = true;
    let dispatcher = dispatcher(&store, &kitchen, &mail);
    let error = dispatcher
        .dispatch_order(&order.restaurant_id, &order.id)
        .await
        .unwrap_err();
    assert!(matches!(error, DispatchError::Permanent(_)), "{error}");
    assert!(error.to_string().contains("receipt"), "{error}");
    assert_eq!(
        status(&store, &order).await,
        OrderStatus::Sent,
        "the kitchen got it"
    );

    let outcome = dispatcher
        .dispatch_batch(&[accepted(&order), accepted(&other)])
        .await;
    assert_eq!(outcome.permanent_failures, 1);
    assert_eq!(outcome.dispatched, 1);
    assert_eq!(
        outcome.retry_from, None,
        "permanent failures are not retried"
    );
    assert_eq!(status(&store, &other).await, OrderStatus::Sent);
}

#[tokio::test]
async fn a_retryable_failure_stops_the_batch_at_that_change() {
    let first = sample_order();
    let mut second = sample_order();
    second.id = tabletap_core::order::OrderId::new(second.placed_at, 98);
    let store = store_with(&first).await;
    store.create_order(&second, None).await.unwrap();
    let (kitchen, mail) = (Kitchen::default(), Mail::default());
    *kitchen.fail.lock().unwrap() = Some(true);
    let dispatcher = dispatcher(&store, &kitchen, &mail);
    let batch = [None, accepted(&first), accepted(&second)];
    let outcome = dispatcher.dispatch_batch(&batch).await;
    assert_eq!(outcome.retry_from, Some(1));
    assert_eq!(status(&store, &first).await, OrderStatus::Accepted);
    assert_eq!(status(&store, &second).await, OrderStatus::Accepted);
}

#[tokio::test]
async fn cancelled_and_unpaid_orders_are_never_sent_to_the_kitchen() {
    let mut unpaid = sample_takeout_order();
    unpaid.status = OrderStatus::PendingPayment;
    let store = store_with(&unpaid).await;
    let (kitchen, mail) = (Kitchen::default(), Mail::default());
    let dispatcher = dispatcher(&store, &kitchen, &mail);
    // Even a (forged or stale) "became accepted" change does not print it:
    // the dispatcher reads the order's real status.
    let outcome = dispatcher.dispatch_batch(&[accepted(&unpaid)]).await;
    assert_eq!(outcome.retry_from, None);
    assert!(kitchen.published.lock().unwrap().is_empty());
    assert!(mail.sent.lock().unwrap().is_empty());
}

#[tokio::test]
async fn the_embedded_change_feed_keeps_changes_until_removed_and_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.redb");
    let order = sample_order();
    {
        let store = EmbeddedStore::open(&path).unwrap();
        store.create_order(&order, None).await.unwrap();
        store
            .update_order_status(
                &order.restaurant_id,
                &order.id,
                OrderStatus::Accepted,
                OrderStatus::Sent,
                order.placed_at,
            )
            .await
            .unwrap();
        // A lost race writes nothing and reports no change.
        store
            .update_order_status(
                &order.restaurant_id,
                &order.id,
                OrderStatus::Accepted,
                OrderStatus::Sent,
                order.placed_at,
            )
            .await
            .unwrap();
    }
    let store = EmbeddedStore::open(&path).unwrap();
    let changes = store.order_changes(10).await.unwrap();
    let seen: Vec<_> = changes
        .iter()
        .map(|(_, c)| (c.old_status, c.new_status, c.became_accepted()))
        .collect();
    assert_eq!(
        seen,
        vec![
            (None, OrderStatus::Accepted, true),
            (Some(OrderStatus::Accepted), OrderStatus::Sent, false)
        ]
    );
    store
        .remove_order_changes_through(changes[0].0)
        .await
        .unwrap();
    let rest = store.order_changes(10).await.unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0].1.new_status, OrderStatus::Sent);
}

/// A clock pinned `offset_s` after now, for stepping through the backoff.
struct Later(tabletap_core::Timestamp);

impl tabletap_app::ports::Clock for Later {
    fn now(&self) -> tabletap_core::Timestamp {
        self.0
    }
}

fn later(seconds: i64) -> Later {
    Later(
        tabletap_core::Timestamp::now()
            .saturating_add(jiff::SignedDuration::from_secs(seconds))
            .unwrap(),
    )
}

#[tokio::test]
async fn a_ticket_the_broker_never_took_is_redelivered_until_acknowledged_then_alerted() {
    use tabletap_app::ticket_delivery::{ALERT_AFTER, LogOnlyAlerts, TicketLedger};
    use tabletap_app::use_cases::list_delivery_alerts::list_delivery_alerts;
    use tabletap_app::use_cases::redeliver_unprinted_tickets::redeliver_unprinted_tickets;

    let mut order = sample_order();
    let mut drink = order.lines[0].clone();
    drink.station = tabletap_core::ids::StationId::parse("bar").unwrap();
    order.lines.push(drink);
    let store = store_with(&order).await;
    let kitchen = Kitchen::default();
    let mail = Mail::default();
    // The broker is away: the publish fails, but the tickets were recorded
    // as owed before it was tried.
    *kitchen.fail.lock().unwrap() = Some(true);
    let failed = dispatcher(&store, &kitchen, &mail)
        .dispatch_order(&order.restaurant_id, &order.id)
        .await;
    assert!(matches!(failed, Err(DispatchError::Retryable(_))));
    let owed = store
        .order_tickets(&order.restaurant_id, &order.id)
        .await
        .unwrap();
    assert_eq!(owed.len(), 2, "one ticket per station");

    *kitchen.fail.lock().unwrap() = None;
    let sweep =
        redeliver_unprinted_tickets(&store, &kitchen, &LogOnlyAlerts, &later(6), ALERT_AFTER)
            .await
            .unwrap();
    assert_eq!(sweep.republished, owed.len(), "due after 5 s");
    let again =
        redeliver_unprinted_tickets(&store, &kitchen, &LogOnlyAlerts, &later(7), ALERT_AFTER)
            .await
            .unwrap();
    assert_eq!(again.republished, 0, "next attempt only after the backoff");

    // One ticket printed; the other is still owed and, two minutes on,
    // raises an alert staff can list.
    store
        .mark_ticket_printed(&order.restaurant_id, &owed[0].ticket_id, later(8).0)
        .await
        .unwrap();
    let late =
        redeliver_unprinted_tickets(&store, &kitchen, &LogOnlyAlerts, &later(200), ALERT_AFTER)
            .await
            .unwrap();
    assert_eq!(late.republished, owed.len() - 1);
    assert_eq!(late.alerts_raised, owed.len() - 1);
    let alerts = list_delivery_alerts(&store, &order.restaurant_id)
        .await
        .unwrap();
    assert_eq!(alerts.len(), owed.len() - 1);
    assert_eq!(alerts[0].order_id, order.id);
    assert!(alerts.iter().all(|a| a.ticket_id != owed[0].ticket_id));
}
