//! A bump or a cancel from the board: approve, ready, complete, cancel with
//! a reason. Each is one conditional write on the status the order had
//! when it was read; a lost race re-reads and decides again, and an order
//! already where the action would take it answers as done (a double tap or
//! a retried request changes nothing).
//!
//! Cancelling a paid takeout order refunds it in full, once: the refund is
//! asked for with an idempotency key derived from the order, and its id is
//! recorded on the order, so a retried cancel that finds the record does
//! not ask again, and one that does not (a crash in between) gets the same
//! refund back from the provider.

use super::restaurant;
use crate::error::AppError;
use crate::payments::{PaymentGateway, RefundRequest};
use crate::ports::{Clock, OrderStore, RestaurantStore, StatusUpdate};
use tabletap_core::board::{MAX_REASON_CHARS, StaffAction};
use tabletap_core::cart::clean_note;
use tabletap_core::ids::RestaurantId;
use tabletap_core::order::{Order, OrderId, OrderStatus, StatusChange};
use tabletap_core::payment::PaymentState;

const MAX_ROUNDS: usize = 4;

pub struct StaffActionRequest<'a> {
    pub restaurant_id: &'a RestaurantId,
    pub order_id: &'a OrderId,
    pub action: StaffAction,
    /// Required to cancel; ignored otherwise.
    pub reason: Option<&'a str>,
}

pub async fn act_on_order<S>(
    store: &S,
    gateway: Option<&dyn PaymentGateway>,
    clock: &dyn Clock,
    request: StaffActionRequest<'_>,
) -> Result<Order, AppError>
where
    S: OrderStore + RestaurantStore + ?Sized,
{
    let StaffActionRequest {
        restaurant_id,
        order_id,
        action,
        reason,
    } = request;
    let reason = match action {
        StaffAction::Cancel => Some(
            clean_note(reason, MAX_REASON_CHARS, || "the reason".into())?.ok_or_else(|| {
                AppError::InvalidInput {
                    code: "reason_required",
                    message: "Say why the order is cancelled (the diner and the kitchen see it)."
                        .into(),
                }
            })?,
        ),
        _ => None,
    };
    let mut order = store
        .get_order(restaurant_id, order_id)
        .await?
        .ok_or(AppError::OrderNotFound)?;
    let mut rounds = 0;
    while order.status != action.target() {
        if !action.applies_to(order.status) {
            return Err(not_allowed(&order, action));
        }
        rounds += 1;
        if rounds > MAX_ROUNDS {
            return Err(AppError::Unexpected(anyhow::anyhow!(
                "order {order_id} kept changing while applying {}",
                action.as_str()
            )));
        }
        let change = StatusChange {
            status: action.target(),
            at: clock.now(),
            reason: reason.clone(),
        };
        match store
            .apply_status_change(restaurant_id, order_id, order.status, &change)
            .await?
        {
            StatusUpdate::Applied(updated) => {
                tracing::info!(order = %order_id, number = %updated.number, action = action.as_str(), "staff action applied");
                order = *updated;
            }
            StatusUpdate::Conflict { .. } => {
                order = store
                    .get_order(restaurant_id, order_id)
                    .await?
                    .ok_or(AppError::OrderNotFound)?;
            }
            StatusUpdate::NotFound => return Err(AppError::OrderNotFound),
        }
    }
    if order.status == OrderStatus::Cancelled {
        order = refund_if_paid(store, gateway, clock, order).await?;
    }
    Ok(order)
}

fn not_allowed(order: &Order, action: StaffAction) -> AppError {
    AppError::ActionNotAllowed {
        number: order.number.to_string(),
        status: order.status.as_str(),
        action: match action {
            StaffAction::Approve => "approved",
            StaffAction::Ready => "marked ready",
            StaffAction::Complete => "completed",
            StaffAction::Cancel => "cancelled",
        },
    }
}

async fn refund_if_paid<S>(
    store: &S,
    gateway: Option<&dyn PaymentGateway>,
    clock: &dyn Clock,
    order: Order,
) -> Result<Order, AppError>
where
    S: OrderStore + RestaurantStore + ?Sized,
{
    let Some(payment) = order
        .payment
        .as_ref()
        .filter(|p| p.state == PaymentState::Succeeded && p.refund_id.is_none())
    else {
        return Ok(order);
    };
    let gateway = gateway.ok_or(AppError::PaymentsNotConfigured)?;
    // The restaurant must exist for its order to; read it for the log only
    // when it matters.
    let _ = restaurant(store, &order.restaurant_id).await?;
    let refund_id = gateway
        .refund_payment(&RefundRequest {
            restaurant_id: order.restaurant_id.clone(),
            order_id: order.id.clone(),
            intent_id: payment.intent_id.clone(),
            idempotency_key: RefundRequest::idempotency_key_for(&order.id),
        })
        .await?;
    let mut refunded = payment.clone();
    refunded.refund_id = Some(refund_id.clone());
    tracing::info!(order = %order.id, number = %order.number, refund = %refund_id, "cancelled order refunded");
    match store
        .update_order_payment(
            &order.restaurant_id,
            &order.id,
            OrderStatus::Cancelled,
            None,
            &refunded,
            clock.now(),
        )
        .await?
    {
        StatusUpdate::Applied(updated) => Ok(*updated),
        StatusUpdate::Conflict { .. } | StatusUpdate::NotFound => {
            Err(AppError::Unexpected(anyhow::anyhow!(
                "cancelled order {} changed while recording its refund",
                order.id
            )))
        }
    }
}
