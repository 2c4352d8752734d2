use super::json_response;
use crate::error::ApiError;
use crate::request::{header_text, json_body, path_param};
use crate::state::AppState;
use crate::views::PlacedOrderView;
use lambda_http::http::{HeaderValue, StatusCode};
use lambda_http::{Body, Request, Response};
use tabletap_app::use_cases::place_dine_in_order::{
    PlaceDineInOrder, place_dine_in_order as place,
};
use tabletap_core::cart::CartRequest;

/// `POST /tables/{token}/orders`: places a dine-in order for the table.
/// Prices come from the stored menu. With an `Idempotency-Key` header a
/// retry answers with the order already placed (and `Idempotent-Replayed:
/// true`) instead of placing a second one.
pub async fn place_dine_in_order(
    state: &AppState,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let cart: CartRequest = json_body(request)?;
    let token = path_param(request, "token");
    let key = header_text(request, "idempotency-key");
    let placed = place(
        &*state.store,
        &*state.clock,
        PlaceDineInOrder {
            table_token: &token,
            cart,
            idempotency_key: key.as_deref(),
        },
    )
    .await?;
    let view = PlacedOrderView {
        order: (&placed.order).into(),
        access_token: placed.access_token.as_str(),
    };
    let mut response = json_response(StatusCode::CREATED, &view);
    if placed.replayed {
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(response)
}
