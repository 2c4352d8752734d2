//! Applies a restaurant's order limits (`tabletap_core::limits`) with the
//! store's conditional counters.
//!
//! The table's counter is taken before the restaurant's: a flood from one
//! table stops at its own counter and never uses up the restaurant's, so
//! the other tables keep ordering.

use crate::error::AppError;
use crate::ports::RateCounterStore;
use tabletap_core::Timestamp;
use tabletap_core::ids::TableId;
use tabletap_core::limits::{LimitReached, LimitScope, WindowLimit};
use tabletap_core::restaurant::Restaurant;

/// A counter is kept this long after its window ended (DynamoDB deletes
/// expired items within hours, not at once; the window start is part of the
/// key, so a late delete never counts against a later window).
const KEEP_AFTER_WINDOW: jiff::SignedDuration = jiff::SignedDuration::from_hours(1);

/// What is being ordered, for choosing the counters.
#[derive(Clone, Copy, Debug)]
pub enum OrderSource<'a> {
    Table(&'a TableId),
    Takeout,
}

/// Counts one order against every limit that applies, or refuses it with
/// [`AppError::TooManyOrders`]. Called after the order is known to be
/// valid and before anything is stored, so a refused order leaves nothing.
pub async fn take_order_slot<S>(
    store: &S,
    restaurant: &Restaurant,
    source: OrderSource<'_>,
    now: Timestamp,
) -> Result<(), AppError>
where
    S: RateCounterStore + ?Sized,
{
    let limits = restaurant.order_limits;
    let restaurant_counter = match source {
        OrderSource::Table(table) => {
            take(
                store,
                restaurant,
                &format!("table#{table}"),
                LimitScope::Table,
                limits.per_table,
                now,
            )
            .await?;
            "restaurant#dine-in"
        }
        OrderSource::Takeout => "restaurant#takeout",
    };
    take(
        store,
        restaurant,
        restaurant_counter,
        LimitScope::Restaurant,
        limits.per_restaurant,
        now,
    )
    .await
}

async fn take<S>(
    store: &S,
    restaurant: &Restaurant,
    counter: &str,
    scope: LimitScope,
    limit: WindowLimit,
    now: Timestamp,
) -> Result<(), AppError>
where
    S: RateCounterStore + ?Sized,
{
    if limit.is_off() {
        return Ok(());
    }
    let window = limit.window(now);
    let forget_after = Timestamp::from_second(window.end_epoch)
        .ok()
        .and_then(|end| end.checked_add(KEEP_AFTER_WINDOW).ok())
        .unwrap_or(now);
    let counted = store
        .take_rate_slot(
            &restaurant.id,
            counter,
            window.start_epoch,
            limit.orders,
            forget_after,
        )
        .await?;
    if counted {
        return Ok(());
    }
    tracing::warn!(
        restaurant = %restaurant.id,
        counter,
        limit = limit.orders,
        minutes = limit.minutes,
        "order refused: rate limit reached"
    );
    crate::metrics::order_refused(
        &restaurant.id,
        match scope {
            LimitScope::Table => "table",
            LimitScope::Restaurant => "restaurant",
        },
    );
    Err(AppError::TooManyOrders(LimitReached {
        scope,
        limit,
        retry_after_seconds: window.seconds_left,
    }))
}
