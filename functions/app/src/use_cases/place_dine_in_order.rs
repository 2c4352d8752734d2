//! A diner at a table sends their cart. The table comes from the QR token,
//! prices from the stored menu, and the order plus its idempotency record
//! are written in one atomic step.

use crate::error::AppError;
use crate::idempotency::{self, IdempotencyKey, IdempotencyRecord};
use crate::limits::{OrderSource, take_order_slot};
use crate::ports::{
    Clock, CreateOrderOutcome, MenuStore, OrderStore, RateCounterStore, RestaurantStore, TableStore,
};
use crate::random;
use crate::use_cases::get_table::get_table;
use tabletap_core::cart::{CartRequest, price_cart};
use tabletap_core::order::{Channel, NewOrder, Order, OrderId};
use tabletap_core::token::AccessToken;

pub struct PlaceDineInOrder<'a> {
    pub table_token: &'a str,
    pub cart: CartRequest,
    pub idempotency_key: Option<&'a str>,
}

#[derive(Debug)]
pub struct PlacedOrder {
    pub order: Order,
    pub access_token: AccessToken,
    /// True when this answers a retry: the order existed already.
    pub replayed: bool,
}

pub async fn place_dine_in_order<S>(
    store: &S,
    clock: &dyn Clock,
    request: PlaceDineInOrder<'_>,
) -> Result<PlacedOrder, AppError>
where
    S: TableStore + RestaurantStore + MenuStore + OrderStore + RateCounterStore + ?Sized,
{
    let key = request
        .idempotency_key
        .map(idempotency::parse_key)
        .transpose()?;
    let context = get_table(store, request.table_token).await?;
    let (table, restaurant) = (context.table, context.restaurant);
    crate::log_context::restaurant(&restaurant.id);
    let cart_bytes =
        serde_json::to_vec(&request.cart).map_err(|e| AppError::Unexpected(e.into()))?;
    let fingerprint = idempotency::fingerprint(&[table.token.as_str().as_bytes(), &cart_bytes]);

    if let Some(key) = &key
        && let Some(record) =
            idempotency::live_record(store, &restaurant.id, key, clock.now()).await?
    {
        return replay(store, record, key, &fingerprint).await;
    }

    let menu = store
        .get_menu(&restaurant.id)
        .await?
        .ok_or(AppError::MenuNotFound)?;
    let priced = price_cart(&menu, restaurant.tax_mode, &request.cart)?;

    let now = clock.now();
    take_order_slot(store, &restaurant, OrderSource::Table(&table.id), now).await?;
    let business_date = restaurant
        .business_date(now)
        .map_err(|e| AppError::Unexpected(e.into()))?;
    let sequence = store
        .next_order_sequence(&restaurant.id, business_date)
        .await?;
    let order_id = OrderId::new(now, random::order_id_entropy());
    crate::log_context::order(&order_id);
    let (record, access_token) =
        idempotency::record_and_token(&restaurant.id, key.as_ref(), &fingerprint, &order_id, now);
    let order = Order::new(NewOrder {
        id: order_id,
        restaurant_id: restaurant.id.clone(),
        sequence,
        business_date,
        channel: Channel::DineIn {
            table_id: table.id.clone(),
            table_label: table.label.clone(),
        },
        priced,
        placed_at: now,
        access_token_digest: access_token.digest(),
        needs_approval: restaurant.dine_in_requires_approval,
    });

    match store.create_order(&order, record.as_ref()).await? {
        CreateOrderOutcome::Created => {
            tracing::info!(
                restaurant = %order.restaurant_id,
                order = %order.id,
                number = %order.number,
                total = order.totals.total.minor(),
                "dine-in order placed"
            );
            crate::metrics::order_placed(&order);
            Ok(PlacedOrder {
                order,
                access_token,
                replayed: false,
            })
        }
        CreateOrderOutcome::IdempotencyKeyTaken(winner) => {
            let key = key
                .as_ref()
                .expect("only a keyed write can find its key taken");
            replay(store, winner, key, &fingerprint).await
        }
    }
}

async fn replay<S>(
    store: &S,
    record: IdempotencyRecord,
    key: &IdempotencyKey,
    fingerprint: &str,
) -> Result<PlacedOrder, AppError>
where
    S: OrderStore + ?Sized,
{
    crate::log_context::order(&record.order_id);
    let order = idempotency::order_for_replay(store, &record, fingerprint).await?;
    tracing::info!(order = %order.id, "replayed order for a retried request");
    Ok(PlacedOrder {
        order,
        access_token: key.access_token(&record.token_salt),
        replayed: true,
    })
}
