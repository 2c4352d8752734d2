//! The owner's figures for one business day: orders and takings by
//! status group. Money stays in minor units.

use super::restaurant;
use crate::error::AppError;
use crate::ports::{Clock, OrderStore, RestaurantStore};
use serde::Serialize;
use tabletap_core::Date;
use tabletap_core::ids::RestaurantId;
use tabletap_core::order::OrderStatus;

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct DaySales {
    pub day: Date,
    pub currency: String,
    /// Orders that count as sold: accepted and not cancelled or expired.
    pub orders: u32,
    pub total: i64,
    pub tax: i64,
    pub cancelled_orders: u32,
    pub cancelled_total: i64,
}

pub async fn day_sales<S>(
    store: &S,
    clock: &dyn Clock,
    restaurant_id: &RestaurantId,
    day: Option<Date>,
) -> Result<DaySales, AppError>
where
    S: RestaurantStore + OrderStore + ?Sized,
{
    let restaurant = restaurant(store, restaurant_id).await?;
    let day = match day {
        Some(day) => day,
        None => restaurant
            .business_date(clock.now())
            .map_err(|e| AppError::Unexpected(e.into()))?,
    };
    let mut sales = DaySales {
        day,
        currency: restaurant.currency.code().to_owned(),
        orders: 0,
        total: 0,
        tax: 0,
        cancelled_orders: 0,
        cancelled_total: 0,
    };
    for order in store.list_orders_for_day(restaurant_id, day).await? {
        match order.status {
            OrderStatus::PendingPayment | OrderStatus::AwaitingApproval | OrderStatus::Expired => {}
            OrderStatus::Cancelled => {
                sales.cancelled_orders += 1;
                sales.cancelled_total += order.totals.total.minor();
            }
            _ => {
                sales.orders += 1;
                sales.total += order.totals.total.minor();
                sales.tax += order.totals.tax.minor();
            }
        }
    }
    Ok(sales)
}
