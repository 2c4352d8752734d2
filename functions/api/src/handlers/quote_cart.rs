use super::json_response;
use crate::error::ApiError;
use crate::request::{json_body, path_param};
use crate::state::AppState;
use crate::views::QuoteView;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use tabletap_core::cart::CartRequest;

/// `POST /restaurants/{restaurant_id}/quote`: prices a cart exactly as an
/// order would be priced, without placing it. Read-only, so no idempotency
/// key is needed.
pub async fn quote_cart(state: &AppState, request: &Request) -> Result<Response<Body>, ApiError> {
    let cart: CartRequest = json_body(request)?;
    let restaurant_id = path_param(request, "restaurant_id");
    let priced =
        tabletap_app::use_cases::quote_cart::quote_cart(&*state.store, &restaurant_id, &cart)
            .await?;
    let view = QuoteView {
        lines: &priced.lines,
        note: priced.note.as_deref(),
        totals: &priced.totals,
    };
    Ok(json_response(StatusCode::OK, &view))
}
