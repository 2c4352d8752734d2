//! A verified payment event (Stripe webhook) meets its order.
//!
//! Events arrive at least once, in any order, sometimes days late. So:
//! an event id already processed is a no-op; every order change is a
//! conditional write on the status the decision was made on; a succeeded
//! payment makes the order ACCEPTED only when it is the order's own
//! PaymentIntent for exactly its total and currency before it expired
//! (`tabletap_core::payment::judge_success`); older news never overwrites
//! newer news. Only "the order is not visible yet" asks the provider to
//! deliver again; every other outcome is final and logged.

use crate::error::AppError;
use crate::payments::{
    EVENT_MEMORY, EventIntent, PaymentEvent, PaymentEventKind, PaymentEventRecord,
};
use crate::ports::{Clock, OrderStore, PaymentEventStore, StatusUpdate};
use tabletap_core::ids::RestaurantId;
use tabletap_core::order::{Order, OrderId, OrderStatus};
use tabletap_core::payment::{
    OrderPayment, PaymentProblem, PaymentState, ReportedIntent, SuccessVerdict, judge_success,
};

/// How long after its creation an event for an order we cannot find is
/// delivered again rather than acknowledged. The order is written before
/// its PaymentIntent exists, so in practice this only covers a store that
/// is briefly behind; an older event for an unknown order is not ours.
pub const RETRY_UNKNOWN_ORDER_FOR: jiff::SignedDuration = jiff::SignedDuration::from_mins(10);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PaymentEventOutcome {
    /// PENDING_PAYMENT -> ACCEPTED: the dispatcher takes it from here.
    Accepted,
    /// This event id was processed before.
    AlreadyProcessed,
    /// The order was already paid (another event got there first).
    AlreadyPaid,
    RecordedFailure,
    /// The PaymentIntent was cancelled, and with it the unpaid order.
    Cancelled,
    /// Money arrived that must not make the order ACCEPTED; recorded on
    /// the order for a person (refund).
    Refused(PaymentProblem),
    /// Older or irrelevant news for this order (e.g. a failure after the
    /// payment succeeded); nothing changed.
    Stale,
    /// Old event for an order this store does not have.
    UnknownOrder,
    /// Not a payment event we act on, or not one of our PaymentIntents.
    Ignored(String),
}

impl PaymentEventOutcome {
    /// The `outcome` dimension of the WebhookEvents metric.
    pub fn metric_name(&self) -> &'static str {
        match self {
            PaymentEventOutcome::Accepted => "accepted",
            PaymentEventOutcome::AlreadyProcessed => "already_processed",
            PaymentEventOutcome::AlreadyPaid => "already_paid",
            PaymentEventOutcome::RecordedFailure => "payment_failed",
            PaymentEventOutcome::Cancelled => "cancelled",
            PaymentEventOutcome::Refused(_) => "refused",
            PaymentEventOutcome::Stale => "stale",
            PaymentEventOutcome::UnknownOrder => "unknown_order",
            PaymentEventOutcome::Ignored(_) => "ignored",
        }
    }
}

const MAX_ROUNDS: usize = 4;

pub async fn handle_payment_event<S>(
    store: &S,
    clock: &dyn Clock,
    event: &PaymentEvent,
) -> Result<PaymentEventOutcome, AppError>
where
    S: OrderStore + PaymentEventStore + ?Sized,
{
    let event_type = match &event.kind {
        PaymentEventKind::Succeeded => "payment_intent.succeeded",
        PaymentEventKind::Failed => "payment_intent.payment_failed",
        PaymentEventKind::Canceled => "payment_intent.canceled",
        PaymentEventKind::Other(other) => {
            tracing::info!(event = %event.id, kind = %other, "payment event type not handled; acknowledged");
            return Ok(PaymentEventOutcome::Ignored(other.clone()));
        }
    };
    let Some(intent) = &event.intent else {
        return Ok(ignored(event, "no PaymentIntent in the event"));
    };
    let (Some(restaurant), Some(order_id)) = (
        intent
            .restaurant_id
            .as_deref()
            .and_then(|r| RestaurantId::parse(r).ok()),
        intent
            .order_id
            .as_deref()
            .and_then(|o| OrderId::parse(o).ok()),
    ) else {
        return Ok(ignored(event, "the PaymentIntent names no TableTap order"));
    };
    crate::log_context::restaurant(&restaurant);
    crate::log_context::order(&order_id);
    if store
        .payment_event_processed(&restaurant, &event.id)
        .await?
    {
        tracing::info!(event = %event.id, order = %order_id, "payment event delivered again; already processed");
        return Ok(PaymentEventOutcome::AlreadyProcessed);
    }
    let now = clock.now();
    let Some(mut order) = store.get_order(&restaurant, &order_id).await? else {
        let age = now.duration_since(event.created);
        if age < RETRY_UNKNOWN_ORDER_FOR {
            tracing::warn!(event = %event.id, order = %order_id, "payment event for an order not visible yet; asking for a later delivery");
            return Err(AppError::PaymentEventTooEarly);
        }
        tracing::warn!(event = %event.id, order = %order_id, restaurant = %restaurant, "payment event for an unknown order; acknowledged");
        return Ok(PaymentEventOutcome::UnknownOrder);
    };

    let mut outcome = None;
    for _ in 0..MAX_ROUNDS {
        match apply(store, event, intent, &order, now).await? {
            Applied::Done(done) => {
                outcome = Some(done);
                break;
            }
            Applied::TooEarly => return Err(AppError::PaymentEventTooEarly),
            Applied::Changed => {
                // Someone else moved the order meanwhile: decide again on
                // what it is now.
                order = match store.get_order(&restaurant, &order_id).await? {
                    Some(order) => order,
                    None => return Ok(PaymentEventOutcome::UnknownOrder),
                };
            }
        }
    }
    let outcome = outcome.ok_or_else(|| {
        AppError::Unexpected(anyhow::anyhow!(
            "order {order_id} kept changing while applying payment event {}",
            event.id
        ))
    })?;

    let record = PaymentEventRecord {
        restaurant_id: restaurant.clone(),
        event_id: event.id.clone(),
        event_type: event_type.to_owned(),
        order_id: order_id.clone(),
        processed_at: now,
        expires_at: now.saturating_add(EVENT_MEMORY).unwrap_or(now),
    };
    if !store.record_payment_event(&record).await? {
        tracing::info!(event = %event.id, "a concurrent delivery recorded this event first");
    }
    crate::metrics::webhook_event(&restaurant, &order_id, outcome.metric_name());
    match &outcome {
        PaymentEventOutcome::Refused(problem) => {
            tracing::error!(event = %event.id, order = %order_id, intent = %intent.id, ?problem, "payment NOT accepted: needs a person (refund in the Stripe dashboard)")
        }
        other => {
            tracing::info!(event = %event.id, order = %order_id, outcome = ?other, "payment event processed")
        }
    }
    Ok(outcome)
}

enum Applied {
    Done(PaymentEventOutcome),
    /// The order exists but its PaymentIntent is not stored on it yet.
    TooEarly,
    /// A conditional write lost: re-read and decide again.
    Changed,
}

async fn apply<S>(
    store: &S,
    event: &PaymentEvent,
    intent: &EventIntent,
    order: &Order,
    now: tabletap_core::Timestamp,
) -> Result<Applied, AppError>
where
    S: OrderStore + ?Sized,
{
    let Some(current) = &order.payment else {
        // The order is stored before its PaymentIntent is created, and the
        // intent's id is written right after: a moment's gap.
        if now.duration_since(event.created) < RETRY_UNKNOWN_ORDER_FOR {
            return Ok(Applied::TooEarly);
        }
        return Ok(Applied::Done(PaymentEventOutcome::Stale));
    };
    let newer_known = current.reported_at.is_some_and(|at| at > event.created);
    let write = |expected: OrderStatus, to: Option<OrderStatus>, payment: OrderPayment| async move {
        let result = store
            .update_order_payment(&order.restaurant_id, &order.id, expected, to, &payment, now)
            .await?;
        Ok::<_, AppError>(match result {
            StatusUpdate::Applied(_) => true,
            StatusUpdate::Conflict { .. } | StatusUpdate::NotFound => false,
        })
    };
    let reported = |state: PaymentState| OrderPayment {
        state,
        reported_at: Some(event.created),
        ..current.clone()
    };

    match event.kind {
        PaymentEventKind::Succeeded => {
            let facts = ReportedIntent {
                intent_id: intent.id.clone(),
                amount: intent.amount,
                currency: intent.currency.clone(),
            };
            match judge_success(order, &facts, now) {
                SuccessVerdict::Accept => {
                    let payment = OrderPayment {
                        failure_message: None,
                        problem: None,
                        ..reported(PaymentState::Succeeded)
                    };
                    let applied = write(
                        OrderStatus::PendingPayment,
                        Some(OrderStatus::Accepted),
                        payment,
                    )
                    .await?;
                    Ok(if applied {
                        tracing::info!(order = %order.id, number = %order.number, "takeout order paid: ACCEPTED");
                        Applied::Done(PaymentEventOutcome::Accepted)
                    } else {
                        Applied::Changed
                    })
                }
                SuccessVerdict::AlreadyPaid => Ok(Applied::Done(PaymentEventOutcome::AlreadyPaid)),
                SuccessVerdict::Refuse(PaymentProblem::IntentMismatch) => {
                    // Not this order's PaymentIntent: nothing of ours to mark.
                    Ok(Applied::Done(PaymentEventOutcome::Refused(
                        PaymentProblem::IntentMismatch,
                    )))
                }
                SuccessVerdict::Refuse(problem) => {
                    let to = (problem == PaymentProblem::PaidAfterExpiry
                        && order.status == OrderStatus::PendingPayment)
                        .then_some(OrderStatus::Expired);
                    let payment = OrderPayment {
                        problem: Some(problem),
                        ..reported(PaymentState::Succeeded)
                    };
                    Ok(if write(order.status, to, payment).await? {
                        Applied::Done(PaymentEventOutcome::Refused(problem))
                    } else {
                        Applied::Changed
                    })
                }
            }
        }
        PaymentEventKind::Failed | PaymentEventKind::Canceled => {
            let pending = order.status == OrderStatus::PendingPayment;
            let same_intent = current.intent_id == intent.id;
            if !pending || !same_intent || newer_known || current.state == PaymentState::Succeeded {
                return Ok(Applied::Done(PaymentEventOutcome::Stale));
            }
            let (payment, to, done) = if event.kind == PaymentEventKind::Failed {
                let payment = OrderPayment {
                    failure_message: intent.failure_message.clone(),
                    ..reported(PaymentState::Failed)
                };
                (payment, None, PaymentEventOutcome::RecordedFailure)
            } else {
                let payment = reported(PaymentState::Canceled);
                (
                    payment,
                    Some(OrderStatus::Cancelled),
                    PaymentEventOutcome::Cancelled,
                )
            };
            Ok(if write(OrderStatus::PendingPayment, to, payment).await? {
                Applied::Done(done)
            } else {
                Applied::Changed
            })
        }
        PaymentEventKind::Other(_) => Ok(Applied::Done(PaymentEventOutcome::Stale)),
    }
}

fn ignored(event: &PaymentEvent, why: &str) -> PaymentEventOutcome {
    tracing::info!(event = %event.id, why, "payment event ignored; acknowledged");
    PaymentEventOutcome::Ignored(why.to_owned())
}
