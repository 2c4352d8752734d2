use super::json_response;
use crate::error::ApiError;
use crate::request::{header_text, json_body, path_param};
use crate::state::AppState;
use crate::views::{PaymentView, PickupTimesView, PlacedTakeoutOrderView};
use lambda_http::http::{HeaderValue, StatusCode};
use lambda_http::{Body, Request, Response};
use serde::Deserialize;
use tabletap_app::use_cases::place_takeout_order::{CustomerInput, PlaceTakeoutOrder};
use tabletap_core::cart::{CartLineRequest, CartRequest};

/// `GET /restaurants/{restaurant_id}/pickup-times`: the pickup times the
/// restaurant can honour from now on.
pub async fn get_pickup_times(
    state: &AppState,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let restaurant_id = path_param(request, "restaurant_id");
    let (restaurant, slots) = tabletap_app::use_cases::get_pickup_times::get_pickup_times(
        &*state.store,
        &*state.clock,
        &restaurant_id,
    )
    .await?;
    let view = PickupTimesView {
        time_zone: &restaurant.time_zone,
        takeout_enabled: restaurant.takeout.enabled,
        slots: &slots,
    };
    Ok(json_response(StatusCode::OK, &view))
}

#[derive(Deserialize)]
struct TakeoutOrderBody {
    customer: CustomerBody,
    /// Kept as text: a malformed time is "not an offered slot" (422 with
    /// its own code), not a malformed body.
    pickup_at: String,
    lines: Vec<CartLineRequest>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
struct CustomerBody {
    name: String,
    email: String,
    phone: String,
}

/// `POST /restaurants/{restaurant_id}/takeout-orders`: stores the order
/// PENDING_PAYMENT and creates its PaymentIntent. With an `Idempotency-Key`
/// a retry answers with the same order and PaymentIntent
/// (`Idempotent-Replayed: true`).
pub async fn place_takeout_order(
    state: &AppState,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let body: TakeoutOrderBody = json_body(request)?;
    let restaurant_id = path_param(request, "restaurant_id");
    let key = header_text(request, "idempotency-key");
    let placed = tabletap_app::use_cases::place_takeout_order::place_takeout_order(
        &*state.store,
        &*state.clock,
        state.payments.gateway.as_deref(),
        PlaceTakeoutOrder {
            restaurant_id: &restaurant_id,
            customer: CustomerInput {
                name: body.customer.name,
                email: body.customer.email,
                phone: body.customer.phone,
            },
            pickup_at: &body.pickup_at,
            cart: CartRequest {
                lines: body.lines,
                note: body.note,
            },
            idempotency_key: key.as_deref(),
        },
    )
    .await?;
    let view = PlacedTakeoutOrderView {
        order: (&placed.order).into(),
        access_token: placed.access_token.as_str(),
        payment: PaymentView {
            provider: placed.payment.provider.as_str(),
            payment_intent_id: &placed.payment.intent_id,
            client_secret: &placed.payment.client_secret,
            publishable_key: placed.payment.publishable_key.as_deref(),
        },
    };
    let mut response = json_response(StatusCode::CREATED, &view);
    if placed.replayed {
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(response)
}
