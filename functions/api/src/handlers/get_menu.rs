use super::json_response;
use crate::error::ApiError;
use crate::request::path_param;
use crate::state::AppState;
use crate::views::MenuView;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};

/// `GET /restaurants/{restaurant_id}/menu`: categories in order, items with
/// prices in minor units, availability and options.
pub async fn get_menu(state: &AppState, request: &Request) -> Result<Response<Body>, ApiError> {
    let restaurant_id = path_param(request, "restaurant_id");
    let (restaurant, menu) =
        tabletap_app::use_cases::get_menu::get_menu(&*state.store, &restaurant_id).await?;
    let view = MenuView {
        restaurant: (&restaurant).into(),
        categories: &menu.categories,
    };
    Ok(json_response(StatusCode::OK, &view))
}
