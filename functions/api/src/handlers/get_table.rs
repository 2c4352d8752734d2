use super::json_response;
use crate::error::ApiError;
use crate::request::path_param;
use crate::state::AppState;
use crate::views::TableView;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};

/// `GET /tables/{token}`: the restaurant and table a QR code stands for.
pub async fn get_table(state: &AppState, request: &Request) -> Result<Response<Body>, ApiError> {
    let token = path_param(request, "token");
    let context = tabletap_app::use_cases::get_table::get_table(&*state.store, &token).await?;
    Ok(json_response(
        StatusCode::OK,
        &TableView::new(&context.restaurant, &context.table),
    ))
}
