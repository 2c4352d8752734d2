//! A takeout customer sends their cart, details and pickup time. The order
//! is stored PENDING_PAYMENT (with an expiry) before the PaymentIntent is
//! created for the total the server computed; the kitchen hears of it only
//! once a verified payment makes it ACCEPTED (handle_payment_event).
//!
//! Retries are safe at every step: the Idempotency-Key record is written
//! with the order, and the PaymentIntent's own idempotency key is derived
//! from the order id, so a retry after a lost answer (or a provider outage
//! between the two steps) finds the same order and the same PaymentIntent.

use crate::error::AppError;
use crate::idempotency::{self, IdempotencyKey, IdempotencyRecord};
use crate::limits::{OrderSource, take_order_slot};
use crate::payments::{PaymentGateway, PaymentIntentRequest};
use crate::ports::{
    Clock, CreateOrderOutcome, MenuStore, OrderStore, RateCounterStore, RestaurantStore,
    StatusUpdate,
};
use crate::random;
use serde::Serialize;
use tabletap_core::Timestamp;
use tabletap_core::cart::{CartRequest, price_cart};
use tabletap_core::ids::RestaurantId;
use tabletap_core::order::{Channel, Customer, NewOrder, Order, OrderId, OrderStatus};
use tabletap_core::payment::{OrderPayment, PaymentProvider, PaymentState};
use tabletap_core::takeout::TakeoutError;
use tabletap_core::token::AccessToken;

/// How long an unpaid takeout order can still be paid. Longer than any
/// card check (3-D Secure included) takes; short enough that an abandoned
/// order never blocks a pickup slot's kitchen time for long.
pub const PAYMENT_WINDOW: jiff::SignedDuration = jiff::SignedDuration::from_mins(60);

/// The customer's details as typed; parsed here into domain types.
#[derive(Clone, Debug, Serialize)]
pub struct CustomerInput {
    pub name: String,
    pub email: String,
    pub phone: String,
}

pub struct PlaceTakeoutOrder<'a> {
    pub restaurant_id: &'a str,
    pub customer: CustomerInput,
    /// RFC 3339, one of the offered pickup slots.
    pub pickup_at: &'a str,
    pub cart: CartRequest,
    pub idempotency_key: Option<&'a str>,
}

/// What the site needs to collect the card for the order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentForClient {
    pub provider: PaymentProvider,
    pub intent_id: String,
    pub client_secret: String,
    pub publishable_key: Option<String>,
}

#[derive(Debug)]
pub struct PlacedTakeoutOrder {
    pub order: Order,
    pub access_token: AccessToken,
    pub payment: PaymentForClient,
    pub replayed: bool,
}

pub async fn place_takeout_order<S>(
    store: &S,
    clock: &dyn Clock,
    gateway: Option<&dyn PaymentGateway>,
    request: PlaceTakeoutOrder<'_>,
) -> Result<PlacedTakeoutOrder, AppError>
where
    S: RestaurantStore + MenuStore + OrderStore + RateCounterStore + ?Sized,
{
    let key = request
        .idempotency_key
        .map(idempotency::parse_key)
        .transpose()?;
    let restaurant_id = RestaurantId::parse(request.restaurant_id)
        .map_err(|_| AppError::RestaurantNotFound(request.restaurant_id.to_owned()))?;
    let restaurant = store
        .get_restaurant(&restaurant_id)
        .await?
        .ok_or_else(|| AppError::RestaurantNotFound(request.restaurant_id.to_owned()))?;
    crate::log_context::restaurant(&restaurant.id);
    if !restaurant.takeout.enabled {
        return Err(TakeoutError::TakeoutUnavailable.into());
    }
    let gateway = gateway.ok_or(AppError::PaymentsNotConfigured)?;

    let fingerprint = {
        let body = serde_json::to_vec(&(&request.customer, request.pickup_at, &request.cart))
            .map_err(|e| AppError::Unexpected(e.into()))?;
        idempotency::fingerprint(&[b"takeout", restaurant_id.as_str().as_bytes(), &body])
    };
    if let Some(key) = &key
        && let Some(record) =
            idempotency::live_record(store, &restaurant_id, key, clock.now()).await?
    {
        return replay(store, gateway, record, key, &fingerprint).await;
    }

    let customer = Customer::parse(
        &request.customer.name,
        &request.customer.email,
        &request.customer.phone,
    )?;
    let menu = store
        .get_menu(&restaurant.id)
        .await?
        .ok_or(AppError::MenuNotFound)?;
    let priced = price_cart(&menu, restaurant.tax_mode, &request.cart)?;
    let now = clock.now();
    let pickup_at: Timestamp = request
        .pickup_at
        .trim()
        .parse()
        .map_err(|_| TakeoutError::PickupTimeUnavailable)?;
    restaurant.check_pickup_time(now, pickup_at)?;
    take_order_slot(store, &restaurant, OrderSource::Takeout, now).await?;

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
    let mut order = Order::new(NewOrder {
        id: order_id,
        restaurant_id: restaurant.id.clone(),
        sequence,
        business_date,
        channel: Channel::Takeout {
            customer,
            pickup_at,
        },
        priced,
        placed_at: now,
        access_token_digest: access_token.digest(),
        needs_approval: false,
    });
    order.expires_at = now.checked_add(PAYMENT_WINDOW).ok();

    match store.create_order(&order, record.as_ref()).await? {
        CreateOrderOutcome::Created => {
            tracing::info!(
                restaurant = %order.restaurant_id,
                order = %order.id,
                number = %order.number,
                total = order.totals.total.minor(),
                "takeout order placed, waiting for payment"
            );
            crate::metrics::order_placed(&order);
            let (order, payment) = attach_payment_intent(store, gateway, order).await?;
            Ok(PlacedTakeoutOrder {
                order,
                access_token,
                payment,
                replayed: false,
            })
        }
        CreateOrderOutcome::IdempotencyKeyTaken(winner) => {
            let key = key
                .as_ref()
                .expect("only a keyed write can find its key taken");
            replay(store, gateway, winner, key, &fingerprint).await
        }
    }
}

/// Creates the order's PaymentIntent (or gets the one already created,
/// thanks to the provider-side idempotency key) and stores it on the order.
async fn attach_payment_intent<S>(
    store: &S,
    gateway: &dyn PaymentGateway,
    order: Order,
) -> Result<(Order, PaymentForClient), AppError>
where
    S: OrderStore + ?Sized,
{
    let for_client = |payment: &OrderPayment| PaymentForClient {
        provider: payment.provider,
        intent_id: payment.intent_id.clone(),
        client_secret: payment.client_secret.clone(),
        publishable_key: gateway.publishable_key().map(str::to_owned),
    };
    if let Some(payment) = &order.payment {
        let client = for_client(payment);
        return Ok((order, client));
    }
    let created = gateway
        .create_payment_intent(&PaymentIntentRequest {
            restaurant_id: order.restaurant_id.clone(),
            order_id: order.id.clone(),
            order_number: order.number.to_string(),
            amount: order.totals.total,
            currency: order.totals.currency,
            idempotency_key: PaymentIntentRequest::idempotency_key_for(&order.id),
        })
        .await?;
    let payment = OrderPayment {
        provider: gateway.provider(),
        intent_id: created.intent_id,
        client_secret: created.client_secret,
        state: PaymentState::AwaitingPayment,
        failure_message: None,
        problem: None,
        reported_at: None,
        refund_id: None,
    };
    let updated = store
        .update_order_payment(
            &order.restaurant_id,
            &order.id,
            OrderStatus::PendingPayment,
            None,
            &payment,
            order.placed_at,
        )
        .await?;
    let order = match updated {
        StatusUpdate::Applied(order) => *order,
        // Expired or cancelled meanwhile (a very slow provider): the
        // customer sees the order's status; the intent stays unpaid.
        StatusUpdate::Conflict { current } => {
            tracing::warn!(order = %order.id, status = %current, "order left PENDING_PAYMENT before its PaymentIntent was stored");
            return Err(AppError::NotPayable(current.as_str()));
        }
        StatusUpdate::NotFound => {
            return Err(AppError::Unexpected(anyhow::anyhow!(
                "order {} vanished while attaching its PaymentIntent",
                order.id
            )));
        }
    };
    tracing::info!(order = %order.id, intent = %payment.intent_id, provider = payment.provider.as_str(), "payment intent attached");
    let client = for_client(&payment);
    Ok((order, client))
}

async fn replay<S>(
    store: &S,
    gateway: &dyn PaymentGateway,
    record: IdempotencyRecord,
    key: &IdempotencyKey,
    fingerprint: &str,
) -> Result<PlacedTakeoutOrder, AppError>
where
    S: OrderStore + ?Sized,
{
    crate::log_context::order(&record.order_id);
    let order = idempotency::order_for_replay(store, &record, fingerprint).await?;
    tracing::info!(order = %order.id, "replayed takeout order for a retried request");
    // The first attempt may have stored the order and then lost the
    // provider: finish the job now.
    let (order, payment) = attach_payment_intent(store, gateway, order).await?;
    Ok(PlacedTakeoutOrder {
        order,
        access_token: key.access_token(&record.token_salt),
        payment,
        replayed: true,
    })
}
