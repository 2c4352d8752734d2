//! Unpaid takeout orders past their expiry become EXPIRED, so they never
//! print and the staff list shows them as such.
//!
//! In AWS, DynamoDB's TTL removes unpaid orders some time after they
//! expire, and a payment arriving after the expiry is refused by
//! `judge_success` whether or not this sweep ran. Local mode runs this
//! sweep at start and then periodically.

use crate::error::AppError;
use crate::ports::{Clock, OrderStore, StatusUpdate};
use tabletap_core::order::OrderStatus;
use tabletap_core::restaurant::Restaurant;

/// Marks the restaurant's expired unpaid orders of the current and the
/// previous business day EXPIRED. Returns how many it changed.
pub async fn expire_unpaid_orders<S>(
    store: &S,
    clock: &dyn Clock,
    restaurant: &Restaurant,
) -> Result<usize, AppError>
where
    S: OrderStore + ?Sized,
{
    let now = clock.now();
    let today = restaurant
        .business_date(now)
        .map_err(|e| AppError::Unexpected(e.into()))?;
    let mut expired = 0;
    for day in [today.yesterday().unwrap_or(today), today] {
        for order in store.list_orders_for_day(&restaurant.id, day).await? {
            let overdue = order.status == OrderStatus::PendingPayment
                && order.expires_at.is_some_and(|at| at <= now);
            if !overdue {
                continue;
            }
            let result = store
                .update_order_status(
                    &order.restaurant_id,
                    &order.id,
                    OrderStatus::PendingPayment,
                    OrderStatus::Expired,
                    now,
                )
                .await?;
            if let StatusUpdate::Applied(_) = result {
                tracing::info!(order = %order.id, number = %order.number, "unpaid takeout order expired");
                expired += 1;
            }
        }
    }
    Ok(expired)
}
