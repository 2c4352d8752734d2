//! `POST /api/restaurants/{restaurant_id}/orders/{order_id}/test-payment`
//! (local mode with the test provider only): pays a takeout order without
//! money. It builds the `payment_intent.succeeded` event Stripe would send
//! for the order's PaymentIntent, signs it with the local webhook secret
//! exactly as Stripe signs (`t=...,v1=HMAC-SHA256("{t}.{body}")`), and hands
//! it to the same webhook handler, signature check and use case as a real
//! Stripe delivery. Requires the order's access token (`X-Order-Token`).

use axum::body::Body as AxumBody;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Json, Response};
use lambda_http::http::{Method, header};
use std::sync::Arc;
use tabletap_api::error::ApiError;
use tabletap_api::{AppState, Route};
use tabletap_app::AppError;
use tabletap_app::use_cases::get_order::get_order;
use tabletap_core::order::{Order, OrderStatus};
use tabletap_core::payment::PaymentProvider;
use tabletap_payments_stripe::sign_payload;

#[derive(Clone)]
pub struct TestPayments {
    pub state: AppState,
    pub webhook_secret: Arc<str>,
}

pub async fn test_payment(
    State(test): State<TestPayments>,
    Path((restaurant_id, order_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    match pay(&test, &restaurant_id, &order_id, &headers).await {
        Ok(response) => response,
        Err(error) => into_axum(error.into_response()),
    }
}

async fn pay(
    test: &TestPayments,
    restaurant_id: &str,
    order_id: &str,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let state = &test.state;
    let token = headers
        .get("x-order-token")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .ok_or(ApiError::OrderTokenRequired)?;
    let order = get_order(&*state.store, restaurant_id, order_id, &token).await?;
    let payment = match &order.payment {
        Some(p) if p.provider == PaymentProvider::Test => p,
        _ => return Err(AppError::NotPayable("not a test-payment order").into()),
    };
    if order.status != OrderStatus::PendingPayment {
        return Err(AppError::NotPayable(order.status.as_str()).into());
    }
    let now = state.clock.now();
    let payload = succeeded_event(&order, &payment.intent_id, now.as_second()).to_string();
    let signature = sign_payload(&payload, &test.webhook_secret, now);
    let request = lambda_http::http::Request::builder()
        .method(Method::POST)
        .uri("/stripe/webhook")
        .header(header::CONTENT_TYPE, "application/json; charset=utf-8")
        .header("stripe-signature", signature)
        .body(lambda_http::Body::Binary(payload.into_bytes()))
        .expect("valid request");
    let answer = tabletap_api::handle(Route::StripeWebhook, state, request).await;
    if !answer.status().is_success() {
        return Ok(into_axum(answer));
    }
    let order = get_order(&*state.store, restaurant_id, order_id, &token).await?;
    tracing::info!(order = %order.id, status = %order.status, "TEST payment made (no money moved)");
    Ok(Json(serde_json::json!({
        "test_payment": true,
        "message": "Test payment: no money moved. The order went through the signed webhook like a Stripe payment.",
        "status": order.status.as_str(),
    }))
    .into_response())
}

/// The event Stripe sends when a PaymentIntent succeeds, with the fields
/// the webhook reads (and a few more, like Stripe's own).
fn succeeded_event(order: &Order, intent_id: &str, created: i64) -> serde_json::Value {
    serde_json::json!({
        "id": format!("evt_test_{}", crate::payments::random_hex(24)),
        "object": "event",
        "api_version": "2020-08-27",
        "created": created,
        "livemode": false,
        "pending_webhooks": 1,
        "request": {"id": null, "idempotency_key": null},
        "type": "payment_intent.succeeded",
        "data": {"object": {
            "id": intent_id,
            "object": "payment_intent",
            "amount": order.totals.total.minor(),
            "amount_received": order.totals.total.minor(),
            "currency": order.totals.currency.code().to_ascii_lowercase(),
            "status": "succeeded",
            "livemode": false,
            "metadata": {
                "order_id": order.id.as_str(),
                "restaurant_id": order.restaurant_id.as_str(),
                "order_number": order.number.to_string(),
            },
        }},
    })
}

fn into_axum(response: lambda_http::Response<lambda_http::Body>) -> Response {
    let (parts, body) = response.into_parts();
    let body = match body {
        lambda_http::Body::Text(text) => AxumBody::from(text),
        lambda_http::Body::Binary(bytes) => AxumBody::from(bytes),
        _ => AxumBody::empty(),
    };
    Response::from_parts(parts, body)
}
