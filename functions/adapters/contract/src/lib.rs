//! The store contract: behaviour every adapter of the store ports must show,
//! written once and run against each adapter (embedded redb now, DynamoDB
//! Local next) with [`store_contract_tests!`].
//!
//! Every check takes a fresh, empty store. Records use distinct restaurant
//! ids per check, so an adapter may also share one table between checks.

mod ticket_ledger;

pub use ticket_ledger::*;

use futures::future::join_all;
use std::sync::Arc;
use tabletap_app::idempotency::IdempotencyRecord;
use tabletap_app::payments::PaymentEventRecord;
use tabletap_app::ports::{CreateOrderOutcome, StatusUpdate, Store};
use tabletap_core::Timestamp;
use tabletap_core::fixtures::{berlin, sample_menu, sample_order};
use tabletap_core::ids::{RestaurantId, TableId};
use tabletap_core::order::{Order, OrderId, OrderStatus};
use tabletap_core::payment::{OrderPayment, PaymentState};
use tabletap_core::table::{Table, TokenLookup};
use tabletap_core::token::TableToken;

/// Generates one `#[tokio::test]` per contract check. `$make` is an
/// expression producing a future of a fresh store.
#[macro_export]
macro_rules! store_contract_tests {
    ($make:expr) => {
        $crate::store_contract_tests!(@each $make;
            restaurants_and_menus_round_trip,
            missing_records_read_as_none,
            tables_are_found_by_token,
            rotating_a_token_revokes_the_old_one,
            removing_a_table_revokes_its_token,
            tables_are_listed_per_restaurant,
            order_numbers_count_per_restaurant_per_day,
            concurrent_order_numbers_are_unique,
            orders_round_trip_and_list_by_day,
            idempotency_record_is_written_with_its_order,
            a_taken_idempotency_key_writes_nothing,
            concurrent_creates_with_one_key_store_one_order,
            status_changes_are_conditional,
            concurrent_conflicting_transitions_have_one_winner,
            dispatch_steps_are_remembered_per_order,
            payment_events_are_recorded_once,
            unpaid_orders_keep_their_expiry_and_payment,
            order_payment_is_a_conditional_write,
            a_payment_racing_the_expiry_has_one_winner,
            rate_slots_stop_at_the_limit,
            rate_counters_are_per_restaurant_counter_and_window,
            concurrent_rate_slots_never_pass_the_limit,
            an_expired_idempotency_record_frees_its_key,
            order_changes_list_each_order_at_its_last_change,
            a_cancel_keeps_its_reason,
            tickets_are_owned_until_each_is_printed,
            rescheduled_tickets_wait_and_alerts_end_with_the_print,
        );
    };
    (@each $make:expr; $($check:ident),+ $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $check() {
                let store = $make.await;
                $crate::$check(std::sync::Arc::new(store)).await;
            }
        )+
    };
}

fn rid(id: &str) -> RestaurantId {
    RestaurantId::parse(id).unwrap()
}

fn table(restaurant: &str, id: &str, token_byte: u8) -> Table {
    Table {
        restaurant_id: rid(restaurant),
        id: TableId::parse(id).unwrap(),
        label: format!("Table {id}"),
        token: TableToken::from_random_bytes([token_byte; 16]),
    }
}

/// The sample order moved to another restaurant, id and day.
fn order_for(restaurant: &str, nth: u8, day: &str) -> Order {
    let mut order = sample_order();
    order.restaurant_id = rid(restaurant);
    let at: Timestamp = format!("{day}T18:00:{nth:02}Z").parse().unwrap();
    order.id = OrderId::new(at, u128::from(nth) + 1);
    order.business_date = day.parse().unwrap();
    order.placed_at = at;
    order.updated_at = at;
    order
}

fn idempotency_for(order: &Order, key: &str) -> IdempotencyRecord {
    IdempotencyRecord {
        restaurant_id: order.restaurant_id.clone(),
        key_digest: key.to_owned(),
        request_fingerprint: "fp".into(),
        order_id: order.id.clone(),
        token_salt: "5a17".into(),
        created_at: order.placed_at,
        expires_at: order
            .placed_at
            .saturating_add(jiff::SignedDuration::from_hours(24))
            .unwrap(),
    }
}

pub async fn restaurants_and_menus_round_trip<S: Store>(store: Arc<S>) {
    let restaurant = berlin();
    store.put_restaurant(&restaurant).await.unwrap();
    assert_eq!(
        store.get_restaurant(&restaurant.id).await.unwrap(),
        Some(restaurant.clone())
    );
    let mut menu = sample_menu();
    store.put_menu(&menu).await.unwrap();
    assert_eq!(
        store.get_menu(&restaurant.id).await.unwrap(),
        Some(menu.clone())
    );
    // A second put replaces the first.
    menu.categories.pop();
    store.put_menu(&menu).await.unwrap();
    assert_eq!(store.get_menu(&restaurant.id).await.unwrap(), Some(menu));
}

pub async fn missing_records_read_as_none<S: Store>(store: Arc<S>) {
    let nobody = rid("nobody");
    assert_eq!(store.get_restaurant(&nobody).await.unwrap(), None);
    assert_eq!(store.get_menu(&nobody).await.unwrap(), None);
    assert_eq!(
        store
            .get_table(&nobody, &TableId::parse("1").unwrap())
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .lookup_table_token(&TableToken::from_random_bytes([0; 16]))
            .await
            .unwrap(),
        None
    );
    let id = OrderId::new(Timestamp::UNIX_EPOCH, 1);
    assert_eq!(store.get_order(&nobody, &id).await.unwrap(), None);
    assert_eq!(
        store.get_idempotency_record(&nobody, "k").await.unwrap(),
        None
    );
    assert!(store.list_tables(&nobody).await.unwrap().is_empty());
    let day = "2026-01-01".parse().unwrap();
    assert!(
        store
            .list_orders_for_day(&nobody, day)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn tables_are_found_by_token<S: Store>(store: Arc<S>) {
    let t = table("tok", "7", 1);
    store.put_table(&t).await.unwrap();
    assert_eq!(
        store.lookup_table_token(&t.token).await.unwrap(),
        Some(TokenLookup::Active(t.clone()))
    );
    assert_eq!(
        store.get_table(&t.restaurant_id, &t.id).await.unwrap(),
        Some(t.clone())
    );
    // Writing the same table again (a re-import) keeps its token active.
    store.put_table(&t).await.unwrap();
    assert_eq!(
        store.lookup_table_token(&t.token).await.unwrap(),
        Some(TokenLookup::Active(t))
    );
}

pub async fn rotating_a_token_revokes_the_old_one<S: Store>(store: Arc<S>) {
    let old = table("rot", "7", 2);
    store.put_table(&old).await.unwrap();
    let new = Table {
        token: TableToken::from_random_bytes([3; 16]),
        ..old.clone()
    };
    store.put_table(&new).await.unwrap();
    assert_eq!(
        store.lookup_table_token(&old.token).await.unwrap(),
        Some(TokenLookup::Revoked {
            restaurant_id: old.restaurant_id.clone(),
            table_id: old.id.clone()
        })
    );
    assert_eq!(
        store.lookup_table_token(&new.token).await.unwrap(),
        Some(TokenLookup::Active(new.clone()))
    );
    assert_eq!(
        store.get_table(&new.restaurant_id, &new.id).await.unwrap(),
        Some(new)
    );
}

pub async fn removing_a_table_revokes_its_token<S: Store>(store: Arc<S>) {
    let kept = table("del", "1", 30);
    let gone = table("del", "2", 31);
    store.put_table(&kept).await.unwrap();
    store.put_table(&gone).await.unwrap();
    assert!(
        store
            .delete_table(&gone.restaurant_id, &gone.id)
            .await
            .unwrap()
    );
    assert_eq!(
        store.lookup_table_token(&gone.token).await.unwrap(),
        Some(TokenLookup::Revoked {
            restaurant_id: gone.restaurant_id.clone(),
            table_id: gone.id.clone()
        })
    );
    assert_eq!(
        store
            .get_table(&gone.restaurant_id, &gone.id)
            .await
            .unwrap(),
        None
    );
    let left: Vec<Table> = store.list_tables(&rid("del")).await.unwrap();
    assert_eq!(left, std::slice::from_ref(&kept));
    assert_eq!(
        store.lookup_table_token(&kept.token).await.unwrap(),
        Some(TokenLookup::Active(kept))
    );
    // Removing it again finds nothing and changes nothing.
    assert!(
        !store
            .delete_table(&gone.restaurant_id, &gone.id)
            .await
            .unwrap()
    );
}

pub async fn tables_are_listed_per_restaurant<S: Store>(store: Arc<S>) {
    for (i, id) in ["1", "2", "10"].iter().enumerate() {
        store
            .put_table(&table("list-a", id, 10 + i as u8))
            .await
            .unwrap();
    }
    store.put_table(&table("list-b", "1", 20)).await.unwrap();
    // A restaurant whose id extends the other's must not leak into it.
    store.put_table(&table("list-a2", "1", 21)).await.unwrap();
    let mut ids: Vec<String> = store
        .list_tables(&rid("list-a"))
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.id.to_string())
        .collect();
    ids.sort();
    assert_eq!(ids, ["1", "10", "2"]);
}

pub async fn order_numbers_count_per_restaurant_per_day<S: Store>(store: Arc<S>) {
    let (a, b) = (rid("seq-a"), rid("seq-b"));
    let day1 = "2026-11-21".parse().unwrap();
    let day2 = "2026-11-22".parse().unwrap();
    assert_eq!(store.next_order_sequence(&a, day1).await.unwrap(), 1);
    assert_eq!(store.next_order_sequence(&a, day1).await.unwrap(), 2);
    assert_eq!(store.next_order_sequence(&b, day1).await.unwrap(), 1);
    assert_eq!(store.next_order_sequence(&a, day2).await.unwrap(), 1);
    assert_eq!(store.next_order_sequence(&a, day1).await.unwrap(), 3);
}

pub async fn concurrent_order_numbers_are_unique<S: Store + 'static>(store: Arc<S>) {
    let r = rid("seq-c");
    let day = "2026-11-21".parse().unwrap();
    let tasks = (0..20).map(|_| {
        let (store, r) = (Arc::clone(&store), r.clone());
        tokio::spawn(async move { store.next_order_sequence(&r, day).await.unwrap() })
    });
    let mut numbers: Vec<u32> = join_all(tasks)
        .await
        .into_iter()
        .map(|n| n.unwrap())
        .collect();
    numbers.sort();
    assert_eq!(numbers, (1..=20).collect::<Vec<_>>());
}

pub async fn orders_round_trip_and_list_by_day<S: Store>(store: Arc<S>) {
    let first = order_for("day-a", 1, "2026-11-21");
    let second = order_for("day-a", 2, "2026-11-21");
    let next_day = order_for("day-a", 3, "2026-11-22");
    let elsewhere = order_for("day-b", 4, "2026-11-21");
    for order in [&second, &first, &next_day, &elsewhere] {
        assert!(matches!(
            store.create_order(order, None).await.unwrap(),
            CreateOrderOutcome::Created
        ));
    }
    assert_eq!(
        store
            .get_order(&first.restaurant_id, &first.id)
            .await
            .unwrap(),
        Some(first.clone())
    );
    // Scoped by restaurant: the right id under another restaurant is nothing.
    assert_eq!(
        store.get_order(&rid("day-b"), &first.id).await.unwrap(),
        None
    );
    let listed = store
        .list_orders_for_day(&rid("day-a"), "2026-11-21".parse().unwrap())
        .await
        .unwrap();
    let ids: Vec<&OrderId> = listed.iter().map(|o| &o.id).collect();
    assert_eq!(
        ids,
        [&first.id, &second.id],
        "oldest first, that day and restaurant only"
    );
}

pub async fn idempotency_record_is_written_with_its_order<S: Store>(store: Arc<S>) {
    let order = order_for("idem-a", 1, "2026-11-21");
    let record = idempotency_for(&order, "key-1");
    assert!(matches!(
        store.create_order(&order, Some(&record)).await.unwrap(),
        CreateOrderOutcome::Created
    ));
    assert_eq!(
        store
            .get_idempotency_record(&order.restaurant_id, "key-1")
            .await
            .unwrap(),
        Some(record)
    );
    assert_eq!(
        store
            .get_idempotency_record(&rid("idem-other"), "key-1")
            .await
            .unwrap(),
        None
    );
}

pub async fn a_taken_idempotency_key_writes_nothing<S: Store>(store: Arc<S>) {
    let winner = order_for("idem-b", 1, "2026-11-21");
    let loser = order_for("idem-b", 2, "2026-11-21");
    let winner_record = idempotency_for(&winner, "same-key");
    store
        .create_order(&winner, Some(&winner_record))
        .await
        .unwrap();
    match store
        .create_order(&loser, Some(&idempotency_for(&loser, "same-key")))
        .await
        .unwrap()
    {
        CreateOrderOutcome::IdempotencyKeyTaken(record) => assert_eq!(record, winner_record),
        CreateOrderOutcome::Created => panic!("a second order was created under a taken key"),
    }
    assert_eq!(
        store
            .get_order(&loser.restaurant_id, &loser.id)
            .await
            .unwrap(),
        None
    );
    let day = "2026-11-21".parse().unwrap();
    assert_eq!(
        store
            .list_orders_for_day(&winner.restaurant_id, day)
            .await
            .unwrap()
            .len(),
        1
    );
}

pub async fn concurrent_creates_with_one_key_store_one_order<S: Store + 'static>(store: Arc<S>) {
    let tasks = (0..8u8).map(|n| {
        let store = Arc::clone(&store);
        tokio::spawn(async move {
            let order = order_for("idem-c", n, "2026-11-21");
            let record = idempotency_for(&order, "race");
            store.create_order(&order, Some(&record)).await.unwrap()
        })
    });
    let created = join_all(tasks)
        .await
        .into_iter()
        .filter(|outcome| matches!(outcome.as_ref().unwrap(), CreateOrderOutcome::Created))
        .count();
    assert_eq!(created, 1);
    let day = "2026-11-21".parse().unwrap();
    assert_eq!(
        store
            .list_orders_for_day(&rid("idem-c"), day)
            .await
            .unwrap()
            .len(),
        1
    );
}

pub async fn status_changes_are_conditional<S: Store>(store: Arc<S>) {
    let order = order_for("status", 1, "2026-11-21");
    store.create_order(&order, None).await.unwrap();
    let (r, id) = (&order.restaurant_id, &order.id);
    let at = order
        .placed_at
        .checked_add(jiff::SignedDuration::from_secs(5))
        .unwrap();

    match store
        .update_order_status(r, id, OrderStatus::Accepted, OrderStatus::Sent, at)
        .await
        .unwrap()
    {
        StatusUpdate::Applied(updated) => {
            assert_eq!(updated.status, OrderStatus::Sent);
            assert_eq!(updated.updated_at, at);
            assert_eq!(
                updated.history.last().map(|c| c.status),
                Some(OrderStatus::Sent)
            );
        }
        other => panic!("expected the change to apply, got {other:?}"),
    }
    let stored = store.get_order(r, id).await.unwrap().unwrap();
    assert_eq!(stored.status, OrderStatus::Sent);
    assert_eq!(stored.history.len(), 2);

    // A replay of the same change finds the order moved on.
    assert!(matches!(
        store
            .update_order_status(r, id, OrderStatus::Accepted, OrderStatus::Sent, at)
            .await
            .unwrap(),
        StatusUpdate::Conflict {
            current: OrderStatus::Sent
        }
    ));
    let missing = OrderId::new(at, 999);
    assert!(matches!(
        store
            .update_order_status(r, &missing, OrderStatus::Accepted, OrderStatus::Sent, at)
            .await
            .unwrap(),
        StatusUpdate::NotFound
    ));
    assert_eq!(
        store.get_order(r, id).await.unwrap().unwrap().history.len(),
        2
    );
}

pub async fn concurrent_conflicting_transitions_have_one_winner<S: Store + 'static>(store: Arc<S>) {
    let order = order_for("race", 1, "2026-11-21");
    store.create_order(&order, None).await.unwrap();
    let targets = [
        OrderStatus::Sent,
        OrderStatus::Cancelled,
        OrderStatus::Ready,
        OrderStatus::Printed,
    ];
    let tasks = targets.iter().cycle().take(12).map(|to| {
        let (store, order, to) = (Arc::clone(&store), order.clone(), *to);
        tokio::spawn(async move {
            store
                .update_order_status(
                    &order.restaurant_id,
                    &order.id,
                    OrderStatus::Accepted,
                    to,
                    order.placed_at,
                )
                .await
                .unwrap()
        })
    });
    let outcomes: Vec<StatusUpdate> = join_all(tasks)
        .await
        .into_iter()
        .map(|o| o.unwrap())
        .collect();
    let winners: Vec<OrderStatus> = outcomes
        .iter()
        .filter_map(|o| match o {
            StatusUpdate::Applied(order) => Some(order.status),
            _ => None,
        })
        .collect();
    assert_eq!(
        winners.len(),
        1,
        "exactly one transition wins: {outcomes:?}"
    );
    let stored = store
        .get_order(&order.restaurant_id, &order.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, winners[0]);
    assert_eq!(stored.history.len(), 2);
}

/// The dispatcher's memory: a step recorded for one order is seen for that
/// order only, and recording it twice is harmless.
pub async fn dispatch_steps_are_remembered_per_order<S: Store>(store: Arc<S>) {
    use tabletap_app::ports::DispatchStep;
    let order = order_for("dispatch-log", 1, "2026-11-21");
    let other = order_for("dispatch-log", 2, "2026-11-21");
    let elsewhere = order_for("dispatch-log-2", 1, "2026-11-21");
    let r = &order.restaurant_id;
    assert!(
        store
            .dispatch_steps_done(r, &order.id)
            .await
            .unwrap()
            .is_empty()
    );

    let at = order.placed_at;
    store
        .record_dispatch_step(r, &order.id, DispatchStep::TicketsPublished, at)
        .await
        .unwrap();
    store
        .record_dispatch_step(r, &order.id, DispatchStep::TicketsPublished, at)
        .await
        .unwrap();
    assert_eq!(
        store.dispatch_steps_done(r, &order.id).await.unwrap(),
        vec![DispatchStep::TicketsPublished]
    );
    store
        .record_dispatch_step(r, &order.id, DispatchStep::ReceiptSent, at)
        .await
        .unwrap();
    let mut done = store.dispatch_steps_done(r, &order.id).await.unwrap();
    done.sort();
    assert_eq!(
        done,
        vec![DispatchStep::TicketsPublished, DispatchStep::ReceiptSent]
    );
    assert!(
        store
            .dispatch_steps_done(r, &other.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .dispatch_steps_done(&elsewhere.restaurant_id, &order.id)
            .await
            .unwrap()
            .is_empty()
    );
}

/// The takeout order T-007, unpaid, moved to another restaurant and id.
fn unpaid_order_for(restaurant: &str, nth: u8) -> Order {
    let mut order = tabletap_core::fixtures::sample_unpaid_takeout_order();
    order.restaurant_id = rid(restaurant);
    order.id = OrderId::new(order.placed_at, u128::from(nth) + 100);
    order
}

fn payment_event(restaurant: &str, event_id: &str, order: &Order) -> PaymentEventRecord {
    PaymentEventRecord {
        restaurant_id: rid(restaurant),
        event_id: event_id.to_owned(),
        event_type: "payment_intent.succeeded".into(),
        order_id: order.id.clone(),
        processed_at: order.placed_at,
        expires_at: order.placed_at,
    }
}

/// The webhook's dedupe: an event id is recorded once per restaurant, with
/// a conditional put, even when deliveries race.
pub async fn payment_events_are_recorded_once<S: Store + 'static>(store: Arc<S>) {
    let order = unpaid_order_for("pay-events", 1);
    let r = rid("pay-events");
    assert!(!store.payment_event_processed(&r, "evt_1").await.unwrap());
    assert!(
        store
            .record_payment_event(&payment_event("pay-events", "evt_1", &order))
            .await
            .unwrap()
    );
    assert!(store.payment_event_processed(&r, "evt_1").await.unwrap());
    assert!(
        !store
            .record_payment_event(&payment_event("pay-events", "evt_1", &order))
            .await
            .unwrap(),
        "a second record of the same event is refused"
    );
    assert!(
        !store
            .payment_event_processed(&rid("pay-events-2"), "evt_1")
            .await
            .unwrap(),
        "scoped by restaurant"
    );
    let tasks = (0..8).map(|_| {
        let (store, order) = (Arc::clone(&store), order.clone());
        tokio::spawn(async move {
            store
                .record_payment_event(&payment_event("pay-events", "evt_race", &order))
                .await
                .unwrap()
        })
    });
    let won = join_all(tasks)
        .await
        .into_iter()
        .filter(|won| *won.as_ref().unwrap())
        .count();
    assert_eq!(won, 1);
}

pub async fn unpaid_orders_keep_their_expiry_and_payment<S: Store>(store: Arc<S>) {
    let order = unpaid_order_for("pay-unpaid", 1);
    store.create_order(&order, None).await.unwrap();
    let stored = store
        .get_order(&order.restaurant_id, &order.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored, order);
    assert!(stored.expires_at.is_some() && stored.payment.is_some());
}

pub async fn order_payment_is_a_conditional_write<S: Store>(store: Arc<S>) {
    let mut order = unpaid_order_for("pay-update", 1);
    order.payment = None;
    store.create_order(&order, None).await.unwrap();
    let (r, id) = (&order.restaurant_id, &order.id);
    let at = order
        .placed_at
        .checked_add(jiff::SignedDuration::from_secs(30))
        .unwrap();
    let payment = tabletap_core::fixtures::sample_unpaid_takeout_order()
        .payment
        .unwrap();

    // Attach the PaymentIntent: no status change.
    match store
        .update_order_payment(r, id, OrderStatus::PendingPayment, None, &payment, at)
        .await
        .unwrap()
    {
        StatusUpdate::Applied(updated) => {
            assert_eq!(updated.status, OrderStatus::PendingPayment);
            assert_eq!(updated.payment.as_ref(), Some(&payment));
            assert_eq!(updated.history.len(), 1);
        }
        other => panic!("expected the payment to be stored, got {other:?}"),
    }
    // Paid: ACCEPTED with the payment, in one write.
    let paid = OrderPayment {
        state: PaymentState::Succeeded,
        reported_at: Some(at),
        ..payment.clone()
    };
    assert!(matches!(
        store
            .update_order_payment(
                r,
                id,
                OrderStatus::PendingPayment,
                Some(OrderStatus::Accepted),
                &paid,
                at
            )
            .await
            .unwrap(),
        StatusUpdate::Applied(_)
    ));
    let stored = store.get_order(r, id).await.unwrap().unwrap();
    assert_eq!(stored.status, OrderStatus::Accepted);
    assert_eq!(stored.payment, Some(paid.clone()));
    assert_eq!(stored.history.len(), 2);
    assert_eq!(stored.updated_at, at);

    // A replay finds it moved on and writes nothing.
    assert!(matches!(
        store
            .update_order_payment(r, id, OrderStatus::PendingPayment, None, &payment, at)
            .await
            .unwrap(),
        StatusUpdate::Conflict {
            current: OrderStatus::Accepted
        }
    ));
    assert_eq!(
        store.get_order(r, id).await.unwrap().unwrap().payment,
        Some(paid)
    );
    let missing = OrderId::new(at, 999);
    assert!(matches!(
        store
            .update_order_payment(r, &missing, OrderStatus::PendingPayment, None, &payment, at)
            .await
            .unwrap(),
        StatusUpdate::NotFound
    ));
}

pub async fn a_payment_racing_the_expiry_has_one_winner<S: Store + 'static>(store: Arc<S>) {
    let order = unpaid_order_for("pay-race", 1);
    store.create_order(&order, None).await.unwrap();
    let paid = OrderPayment {
        state: PaymentState::Succeeded,
        ..order.payment.clone().unwrap()
    };
    let tasks = (0..8).map(|n| {
        let (store, order, paid) = (Arc::clone(&store), order.clone(), paid.clone());
        tokio::spawn(async move {
            let (r, id, at) = (&order.restaurant_id, &order.id, order.placed_at);
            if n % 2 == 0 {
                store
                    .update_order_payment(
                        r,
                        id,
                        OrderStatus::PendingPayment,
                        Some(OrderStatus::Accepted),
                        &paid,
                        at,
                    )
                    .await
                    .unwrap()
            } else {
                store
                    .update_order_status(
                        r,
                        id,
                        OrderStatus::PendingPayment,
                        OrderStatus::Expired,
                        at,
                    )
                    .await
                    .unwrap()
            }
        })
    });
    let winners = join_all(tasks)
        .await
        .into_iter()
        .filter(|o| matches!(o.as_ref().unwrap(), StatusUpdate::Applied(_)))
        .count();
    assert_eq!(winners, 1);
    let stored = store
        .get_order(&order.restaurant_id, &order.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.history.len(), 2);
    assert!(matches!(
        stored.status,
        OrderStatus::Accepted | OrderStatus::Expired
    ));
}

/// A far-future TTL for rate counters in these checks.
fn rate_ttl() -> Timestamp {
    "2030-01-01T00:00:00Z".parse().unwrap()
}

pub async fn rate_slots_stop_at_the_limit<S: Store>(store: Arc<S>) {
    let r = rid("rate-a");
    for nth in 1..=3 {
        assert!(
            store
                .take_rate_slot(&r, "table#t1", 1_800_000_000, 3, rate_ttl())
                .await
                .unwrap(),
            "slot {nth} of 3 is given"
        );
    }
    assert!(
        !store
            .take_rate_slot(&r, "table#t1", 1_800_000_000, 3, rate_ttl())
            .await
            .unwrap(),
        "the fourth slot of a window of 3 is refused"
    );
    // Refusing counts nothing: raising the limit gives exactly one more.
    assert!(
        store
            .take_rate_slot(&r, "table#t1", 1_800_000_000, 4, rate_ttl())
            .await
            .unwrap()
    );
    assert!(
        !store
            .take_rate_slot(&r, "table#t1", 1_800_000_000, 4, rate_ttl())
            .await
            .unwrap()
    );
}

pub async fn rate_counters_are_per_restaurant_counter_and_window<S: Store>(store: Arc<S>) {
    let (a, b) = (rid("rate-b"), rid("rate-c"));
    let window = 1_800_000_600;
    assert!(
        store
            .take_rate_slot(&a, "table#t1", window, 1, rate_ttl())
            .await
            .unwrap()
    );
    assert!(
        !store
            .take_rate_slot(&a, "table#t1", window, 1, rate_ttl())
            .await
            .unwrap()
    );
    // Another table, another restaurant, the next window: each its own count.
    assert!(
        store
            .take_rate_slot(&a, "table#t2", window, 1, rate_ttl())
            .await
            .unwrap()
    );
    assert!(
        store
            .take_rate_slot(&b, "table#t1", window, 1, rate_ttl())
            .await
            .unwrap()
    );
    assert!(
        store
            .take_rate_slot(&a, "table#t1", window + 600, 1, rate_ttl())
            .await
            .unwrap()
    );
}

pub async fn concurrent_rate_slots_never_pass_the_limit<S: Store + 'static>(store: Arc<S>) {
    let r = rid("rate-d");
    let tasks = (0..20).map(|_| {
        let (store, r) = (Arc::clone(&store), r.clone());
        tokio::spawn(async move {
            store
                .take_rate_slot(&r, "restaurant#dine-in", 1_800_001_200, 5, rate_ttl())
                .await
                .unwrap()
        })
    });
    let given = join_all(tasks)
        .await
        .into_iter()
        .filter(|given| *given.as_ref().unwrap())
        .count();
    assert_eq!(given, 5, "20 concurrent requests against a limit of 5");
}

pub async fn an_expired_idempotency_record_frees_its_key<S: Store>(store: Arc<S>) {
    let first = order_for("idem-x", 1, "2026-11-21");
    let mut old = idempotency_for(&first, "reused-key");
    old.expires_at = first
        .placed_at
        .saturating_add(jiff::SignedDuration::from_secs(1))
        .unwrap();
    store.create_order(&first, Some(&old)).await.unwrap();
    // A day later the same key places a new order: the expired record is
    // replaced, not replayed.
    let mut later = order_for("idem-x", 2, "2026-11-22");
    later.id = OrderId::new(later.placed_at, 99);
    let fresh = idempotency_for(&later, "reused-key");
    assert!(matches!(
        store.create_order(&later, Some(&fresh)).await.unwrap(),
        CreateOrderOutcome::Created
    ));
    assert_eq!(
        store
            .get_idempotency_record(&later.restaurant_id, "reused-key")
            .await
            .unwrap(),
        Some(fresh)
    );
}

/// The change index behind the board's poll: every order once, at its
/// latest `updated_at`, per restaurant, from `since` on; status and
/// payment writes move it.
pub async fn order_changes_list_each_order_at_its_last_change<S: Store>(store: Arc<S>) {
    let r = "changes-r";
    let first = order_for(r, 1, "2026-11-21");
    let second = order_for(r, 2, "2026-11-21");
    let elsewhere = order_for("changes-other", 3, "2026-11-21");
    for order in [&first, &second, &elsewhere] {
        store.create_order(order, None).await.unwrap();
    }
    let ids = |marks: Vec<tabletap_core::board::ChangeMark>| {
        marks
            .into_iter()
            .map(|m| (m.order_id, m.updated_at))
            .collect::<Vec<_>>()
    };
    let all = ids(store
        .list_order_changes(&rid(r), first.placed_at)
        .await
        .unwrap());
    assert_eq!(
        all,
        vec![
            (first.id.clone(), first.updated_at),
            (second.id.clone(), second.updated_at)
        ],
        "oldest change first, this restaurant only"
    );
    let later: Timestamp = "2026-11-21T18:05:00Z".parse().unwrap();
    assert!(
        store
            .list_order_changes(&rid(r), later)
            .await
            .unwrap()
            .is_empty(),
        "nothing changed since: an idle poll finds nothing"
    );
    // A status change moves the first order to its new time, once.
    let sent_at: Timestamp = "2026-11-21T18:06:00.250Z".parse().unwrap();
    let applied = store
        .update_order_status(
            &rid(r),
            &first.id,
            OrderStatus::Accepted,
            OrderStatus::Sent,
            sent_at,
        )
        .await
        .unwrap();
    assert!(matches!(applied, StatusUpdate::Applied(_)));
    assert_eq!(
        ids(store.list_order_changes(&rid(r), later).await.unwrap()),
        vec![(first.id.clone(), sent_at)]
    );
    assert_eq!(
        store
            .list_order_changes(&rid(r), first.placed_at)
            .await
            .unwrap()
            .len(),
        2,
        "the old entry is gone"
    );
    // A payment record counts as a change too.
    let paid_at: Timestamp = "2026-11-21T18:07:00Z".parse().unwrap();
    let payment = OrderPayment {
        provider: tabletap_core::payment::PaymentProvider::Test,
        intent_id: "pi_x".into(),
        client_secret: "pi_x_secret".into(),
        state: PaymentState::Succeeded,
        failure_message: None,
        problem: None,
        reported_at: None,
        refund_id: Some("re_x".into()),
    };
    store
        .update_order_payment(
            &rid(r),
            &second.id,
            OrderStatus::Accepted,
            None,
            &payment,
            paid_at,
        )
        .await
        .unwrap();
    assert_eq!(
        ids(store.list_order_changes(&rid(r), paid_at).await.unwrap()),
        vec![(second.id.clone(), paid_at)]
    );
    let stored = store.get_order(&rid(r), &second.id).await.unwrap().unwrap();
    assert_eq!(stored.payment.unwrap().refund_id.as_deref(), Some("re_x"));
}

/// A cancellation's reason is part of the conditional write and reads back.
pub async fn a_cancel_keeps_its_reason<S: Store>(store: Arc<S>) {
    let r = "cancel-r";
    let order = order_for(r, 1, "2026-11-21");
    store.create_order(&order, None).await.unwrap();
    let at: Timestamp = "2026-11-21T18:10:00Z".parse().unwrap();
    let change = tabletap_core::order::StatusChange {
        status: OrderStatus::Cancelled,
        at,
        reason: Some("Guest left".into()),
    };
    let StatusUpdate::Applied(cancelled) = store
        .apply_status_change(&rid(r), &order.id, OrderStatus::Accepted, &change)
        .await
        .unwrap()
    else {
        panic!("cancel not applied");
    };
    assert_eq!(cancelled.cancel_reason(), Some("Guest left"));
    let stored = store.get_order(&rid(r), &order.id).await.unwrap().unwrap();
    assert_eq!(stored.status, OrderStatus::Cancelled);
    assert_eq!(stored.cancel_reason(), Some("Guest left"));
    assert_eq!(stored.history.last(), Some(&change));
    // A second cancel is a conflict, not a second history entry.
    let again = store
        .apply_status_change(&rid(r), &order.id, OrderStatus::Accepted, &change)
        .await
        .unwrap();
    assert!(matches!(
        again,
        StatusUpdate::Conflict {
            current: OrderStatus::Cancelled
        }
    ));
    assert_eq!(
        store
            .get_order(&rid(r), &order.id)
            .await
            .unwrap()
            .unwrap()
            .history
            .len(),
        2
    );
}
