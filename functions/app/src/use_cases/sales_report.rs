//! The owner's sales report over a range of business days: one
//! `list_orders_for_day` query per day, summed by `tabletap_core::sales`.

use crate::error::AppError;
use crate::ports::{Clock, OrderStore, RestaurantStore};
use crate::use_cases::staff::restaurant;
use futures::{StreamExt, TryStreamExt};
use tabletap_core::Date;
use tabletap_core::ids::RestaurantId;
use tabletap_core::sales::{SalesError, SalesRange, SalesReport, SalesTally};

/// Days read at once: a quarter is 92 queries, which one after the other
/// would take a second in DynamoDB.
const DAYS_IN_FLIGHT: usize = 8;

/// The report from `from` to `to` (business days, inclusive). Without `to`
/// the range ends today in the restaurant's zone; without `from` it starts
/// on its last day. A range that ends before it starts or is longer than
/// `MAX_RANGE_DAYS` is refused as invalid input.
pub async fn sales_report<S>(
    store: &S,
    clock: &dyn Clock,
    restaurant_id: &RestaurantId,
    from: Option<Date>,
    to: Option<Date>,
) -> Result<SalesReport, AppError>
where
    S: RestaurantStore + OrderStore + ?Sized,
{
    let restaurant = restaurant(store, restaurant_id).await?;
    let to = match to {
        Some(to) => to,
        None => restaurant
            .business_date(clock.now())
            .map_err(|e| unexpected(e.into()))?,
    };
    let range = SalesRange::new(from.unwrap_or(to), to).map_err(|e| AppError::InvalidInput {
        code: e.code(),
        message: e.to_string(),
    })?;
    // Summed as each day arrives: at most DAYS_IN_FLIGHT days of orders
    // are held at once, however long the range.
    let mut tally = SalesTally::new(&restaurant, range).map_err(unexpected)?;
    let mut days = std::pin::pin!(
        futures::stream::iter(range.days())
            .map(|day| store.list_orders_for_day(restaurant_id, day))
            .buffered(DAYS_IN_FLIGHT)
    );
    while let Some(orders) = days.try_next().await? {
        for order in &orders {
            tally.add(order).map_err(unexpected)?;
        }
    }
    Ok(tally.finish())
}

fn unexpected(error: SalesError) -> AppError {
    AppError::Unexpected(error.into())
}
