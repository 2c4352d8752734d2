//! One handler per route: read the request, call the use case, shape the
//! answer. No business rules live here.

mod get_menu;
mod get_order;
mod get_table;
mod owner;
mod owner_staff;
mod place_dine_in_order;
mod quote_cart;
mod sales;
mod staff;
mod stripe_webhook;
mod takeout;

pub use get_menu::get_menu;
pub use get_order::get_order;
pub use get_table::get_table;
pub use owner::{
    get_qr_sheet, get_restaurant_file, get_table_qr_code, list_owner_tables, rotate_table_code,
    save_restaurant_file, upload_photo,
};
pub use owner_staff::{invite_staff, list_staff, remove_staff};
pub use place_dine_in_order::place_dine_in_order;
pub use quote_cart::quote_cart;
pub use sales::get_sales;
pub use staff::{
    act_on_order, get_order_changes, list_board_orders, reprint_order, set_availability,
};
pub use stripe_webhook::stripe_webhook;
pub use takeout::{get_pickup_times, place_takeout_order};

use lambda_http::http::{StatusCode, header};
use lambda_http::{Body, Response};
use serde::Serialize;

/// A file to download: its type, its name and no caching.
pub(crate) fn attachment(
    content_type: &'static str,
    file_name: &str,
    body: Body,
) -> Response<Body> {
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CACHE_CONTROL, "no-store")
        .header(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        )
        .body(body)
        .expect("valid response")
}

pub(crate) fn json_response(status: StatusCode, body: &impl Serialize) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::Text(
            serde_json::to_string(body).expect("views serialize"),
        ))
        .expect("valid response")
}
