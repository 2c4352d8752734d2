//! Reading the table's stream: which order changed, from which status to
//! which. The stream carries whole items (NEW_AND_OLD_IMAGES); only the few
//! attributes the dispatcher filters on are decoded here, so a change to an
//! order's other fields never breaks the stream consumer.

use crate::schema::ENTITY;
use serde::Deserialize;
use tabletap_app::use_cases::dispatch_accepted_orders::OrderChange;
use tabletap_core::ids::RestaurantId;
use tabletap_core::order::{OrderId, OrderStatus};

/// The `entity` of order items.
pub const ORDER_ENTITY: &str = "order";

#[derive(Deserialize)]
struct OrderImage {
    restaurant_id: RestaurantId,
    id: OrderId,
    status: OrderStatus,
}

/// The order change a stream record describes, if it is about an order.
///
/// `new_image` is empty for a deleted item (TTL or otherwise): nothing to
/// dispatch. An image that says it is an order but does not read as one is
/// an error for the caller to log; retrying would not help.
pub fn order_change(
    new_image: serde_dynamo::Item,
    old_image: serde_dynamo::Item,
) -> Result<Option<OrderChange>, serde_dynamo::Error> {
    let is_order = |image: &serde_dynamo::Item| matches!(image.get(ENTITY), Some(serde_dynamo::AttributeValue::S(e)) if e == ORDER_ENTITY);
    if !is_order(&new_image) {
        return Ok(None);
    }
    let new: OrderImage = serde_dynamo::from_item(new_image)?;
    let old_status = if is_order(&old_image) {
        Some(serde_dynamo::from_item::<_, OrderImage>(old_image)?.status)
    } else {
        None
    };
    Ok(Some(OrderChange {
        restaurant_id: new.restaurant_id,
        order_id: new.id,
        old_status,
        new_status: new.status,
    }))
}
