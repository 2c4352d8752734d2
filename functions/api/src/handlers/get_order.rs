use super::json_response;
use crate::error::ApiError;
use crate::request::{header_text, path_param};
use crate::state::AppState;
use crate::views::OrderView;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};

pub const ORDER_TOKEN_HEADER: &str = "x-order-token";

/// `GET /restaurants/{restaurant_id}/orders/{order_id}` with the order's
/// access token in `X-Order-Token`: the order and its current status.
pub async fn get_order(state: &AppState, request: &Request) -> Result<Response<Body>, ApiError> {
    let token = header_text(request, ORDER_TOKEN_HEADER).ok_or(ApiError::OrderTokenRequired)?;
    let order = tabletap_app::use_cases::get_order::get_order(
        &*state.store,
        &path_param(request, "restaurant_id"),
        &path_param(request, "order_id"),
        &token,
    )
    .await?;
    Ok(json_response(StatusCode::OK, &OrderView::from(&order)))
}
