//! A restaurant's delivery alerts: tickets still unprinted
//! [`ALERT_AFTER`](crate::ticket_delivery::ALERT_AFTER) after their first
//! publish. For the staff board (the staff routes call this); an alert
//! disappears when its ticket prints.

use crate::ports::StoreError;
use crate::ticket_delivery::{DeliveryAlert, TicketLedger};
use tabletap_core::ids::RestaurantId;

pub async fn list_delivery_alerts<L>(
    ledger: &L,
    restaurant: &RestaurantId,
) -> Result<Vec<DeliveryAlert>, StoreError>
where
    L: TicketLedger + ?Sized,
{
    Ok(ledger
        .delivery_alerts(restaurant)
        .await?
        .iter()
        .filter(|ticket| !ticket.is_printed())
        .filter_map(DeliveryAlert::of)
        .collect())
}
