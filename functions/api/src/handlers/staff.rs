//! The staff routes. The caller's access was checked before these run
//! (`routes::handle`), so each only reads its inputs and calls its use case.

use super::json_response;
use crate::error::ApiError;
use crate::request::{date_query, json_body, path_param, query, restaurant_id};
use crate::state::AppState;
use crate::views::{BoardView, ChangesView, StaffOrderView};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde::Deserialize;
use tabletap_app::AppError;
use tabletap_app::use_cases::staff;
use tabletap_core::board::StaffAction;
use tabletap_core::ids::RestaurantId;
use tabletap_core::order::OrderStatus;

pub(super) fn invalid(code: &'static str, message: String) -> ApiError {
    AppError::InvalidInput { code, message }.into()
}

/// `GET .../staff/orders?day=2026-11-21&status=SENT,PRINTED`: the orders of
/// a business day (default today, in the restaurant's zone), oldest first.
pub async fn list_board_orders(
    state: &AppState,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let restaurant_id = restaurant_id(request)?;
    let statuses = match query(request, "status").filter(|s| !s.is_empty()) {
        None => Vec::new(),
        Some(list) => list
            .split(',')
            .map(|s| {
                OrderStatus::ALL
                    .into_iter()
                    .find(|status| status.as_str() == s.trim())
                    .ok_or_else(|| {
                        invalid("invalid_status", format!("{s:?} is not an order status."))
                    })
            })
            .collect::<Result<_, _>>()?,
    };
    let board = staff::list_board_orders::list_board_orders(
        &*state.store,
        &*state.clock,
        &restaurant_id,
        date_query(request, "day", "invalid_day")?,
        &statuses,
    )
    .await?;
    let delivery_alerts = delivery_alerts(state, &restaurant_id).await?;
    let now = board.cursor.watermark;
    let view = BoardView {
        restaurant: (&board.restaurant).into(),
        day: board.day,
        now,
        cursor: board.cursor.encode(),
        orders: board
            .orders
            .iter()
            .map(|o| StaffOrderView::new(o, now))
            .collect(),
        delivery_alerts,
    };
    Ok(json_response(StatusCode::OK, &view))
}

async fn delivery_alerts(
    state: &AppState,
    restaurant_id: &RestaurantId,
) -> Result<Vec<tabletap_app::ticket_delivery::DeliveryAlert>, ApiError> {
    Ok(
        tabletap_app::use_cases::list_delivery_alerts::list_delivery_alerts(
            &*state.store,
            restaurant_id,
        )
        .await
        .map_err(AppError::from)?,
    )
}

/// `GET .../staff/changes?cursor=...`: the orders changed since the cursor.
pub async fn get_order_changes(
    state: &AppState,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let restaurant_id = restaurant_id(request)?;
    let cursor = query(request, "cursor").ok_or_else(|| {
        invalid(
            "cursor_required",
            "Pass the cursor from the orders list or the last poll.".into(),
        )
    })?;
    let changes =
        staff::order_changes::order_changes(&*state.store, &*state.clock, &restaurant_id, &cursor)
            .await?;
    let delivery_alerts = delivery_alerts(state, &restaurant_id).await?;
    let now = changes.cursor.watermark;
    let view = ChangesView {
        now,
        cursor: changes.cursor.encode(),
        orders: changes
            .orders
            .iter()
            .map(|o| StaffOrderView::new(o, now))
            .collect(),
        delivery_alerts,
    };
    Ok(json_response(StatusCode::OK, &view))
}

#[derive(Deserialize)]
struct ActionBody {
    action: String,
    #[serde(default)]
    reason: Option<String>,
}

/// `POST .../staff/orders/{order_id}/actions` with
/// `{"action": "approve" | "ready" | "complete" | "cancel", "reason": ...}`.
pub async fn act_on_order(state: &AppState, request: &Request) -> Result<Response<Body>, ApiError> {
    let restaurant_id = restaurant_id(request)?;
    let order_id = staff::parse_order_id(&path_param(request, "order_id"))?;
    let body: ActionBody = json_body(request)?;
    let action = StaffAction::parse(&body.action).ok_or_else(|| {
        invalid(
            "invalid_action",
            format!(
                "{:?} is not an action: use approve, ready, complete or cancel.",
                body.action
            ),
        )
    })?;
    let order = staff::act_on_order::act_on_order(
        &*state.store,
        state.payments.gateway.as_deref(),
        &*state.clock,
        staff::act_on_order::StaffActionRequest {
            restaurant_id: &restaurant_id,
            order_id: &order_id,
            action,
            reason: body.reason.as_deref(),
        },
    )
    .await?;
    Ok(json_response(
        StatusCode::OK,
        &StaffOrderView::new(&order, state.clock.now()),
    ))
}

#[derive(Deserialize)]
struct ReprintBody {
    /// One station's ticket; all of them when absent.
    #[serde(default)]
    station: Option<String>,
}

#[derive(serde::Serialize)]
struct ReprintedView {
    tickets: Vec<String>,
}

/// `POST .../staff/orders/{order_id}/reprint` with `{"station": "grill"}` or `{}`.
pub async fn reprint_order(
    state: &AppState,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let restaurant_id = restaurant_id(request)?;
    let order_id = staff::parse_order_id(&path_param(request, "order_id"))?;
    let body: ReprintBody = json_body(request)?;
    let tickets = staff::reprint_tickets::reprint_tickets(
        &*state.store,
        state.kitchen.as_deref(),
        &*state.clock,
        &restaurant_id,
        &order_id,
        body.station.as_deref(),
    )
    .await?;
    let view = ReprintedView {
        tickets: tickets.into_iter().map(|t| t.ticket_id).collect(),
    };
    Ok(json_response(StatusCode::ACCEPTED, &view))
}

#[derive(Deserialize)]
struct AvailabilityBody {
    item_id: String,
    #[serde(default)]
    option_id: Option<String>,
    available: bool,
}

#[derive(serde::Serialize)]
struct AvailabilityView<'a> {
    item_id: &'a str,
    option_id: Option<&'a str>,
    available: bool,
}

/// `POST .../staff/availability` with `{"item_id", "option_id"?, "available"}`.
pub async fn set_availability(
    state: &AppState,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let restaurant_id = restaurant_id(request)?;
    let body: AvailabilityBody = json_body(request)?;
    staff::set_availability::set_availability(
        &*state.store,
        &restaurant_id,
        &body.item_id,
        body.option_id.as_deref(),
        body.available,
    )
    .await?;
    Ok(json_response(
        StatusCode::OK,
        &AvailabilityView {
            item_id: &body.item_id,
            option_id: body.option_id.as_deref(),
            available: body.available,
        },
    ))
}
