//! The route table: one entry per route, each deployed as its own Lambda
//! function. The path templates use API Gateway's syntax, which the local
//! server's router understands too. Every route names its access level
//! ([`Route::access`]), checked in [`handle`] before any handler runs.

use crate::auth::authorize;
use crate::error::ApiError;
use crate::state::AppState;
use lambda_http::http::{Method, header};
use lambda_http::{Body, Request, Response};
use std::future::Future;
use std::pin::Pin;
use tabletap_core::staff::AccessLevel;
use tracing::Instrument;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Route {
    GetTable,
    GetMenu,
    PlaceDineInOrder,
    GetOrder,
    QuoteCart,
    GetPickupTimes,
    PlaceTakeoutOrder,
    /// Stripe's webhook; not called by the site.
    StripeWebhook,
    /// Staff: the orders of a business day, for the board.
    ListBoardOrders,
    /// Staff: what changed since a cursor (the board's poll).
    GetOrderChanges,
    /// Staff: approve, ready, complete, cancel.
    ActOnOrder,
    /// Staff: print an order's tickets again, marked REPRINT.
    ReprintOrder,
    /// Staff: 86 an item or option, or bring it back.
    SetAvailability,
    /// Owner: sales by day, hour and item over a range (JSON or CSV).
    GetSales,
    /// Owner: the restaurant file (settings, menu, tables) and its version.
    GetRestaurantFile,
    /// Owner: save a whole restaurant file.
    SaveRestaurantFile,
    /// Owner: the tables with their ordering links.
    ListOwnerTables,
    /// Owner: a new QR code for a table; the old link stops working.
    RotateTableCode,
    /// Owner: the printable QR sheet (PDF).
    GetQrSheet,
    /// Owner: one table's QR code (PNG).
    GetTableQrCode,
    /// Owner: upload an item's photo.
    UploadPhoto,
    /// Owner: who may sign in for the restaurant, with role and status.
    ListStaff,
    /// Owner: invite someone by email, or change a member's role.
    InviteStaff,
    /// Owner: take a member's roles in the restaurant.
    RemoveStaff,
}

pub const ROUTES: [Route; 24] = [
    Route::GetTable,
    Route::GetMenu,
    Route::PlaceDineInOrder,
    Route::GetOrder,
    Route::QuoteCart,
    Route::GetPickupTimes,
    Route::PlaceTakeoutOrder,
    Route::StripeWebhook,
    Route::ListBoardOrders,
    Route::GetOrderChanges,
    Route::ActOnOrder,
    Route::ReprintOrder,
    Route::SetAvailability,
    Route::GetSales,
    Route::GetRestaurantFile,
    Route::SaveRestaurantFile,
    Route::ListOwnerTables,
    Route::RotateTableCode,
    Route::GetQrSheet,
    Route::GetTableQrCode,
    Route::UploadPhoto,
    Route::ListStaff,
    Route::InviteStaff,
    Route::RemoveStaff,
];

impl Route {
    pub fn method(self) -> Method {
        match self {
            Route::GetTable
            | Route::GetMenu
            | Route::GetOrder
            | Route::GetPickupTimes
            | Route::ListBoardOrders
            | Route::GetOrderChanges
            | Route::GetSales
            | Route::GetRestaurantFile
            | Route::ListOwnerTables
            | Route::GetQrSheet
            | Route::GetTableQrCode
            | Route::ListStaff => Method::GET,
            Route::SaveRestaurantFile => Method::PUT,
            Route::PlaceDineInOrder
            | Route::QuoteCart
            | Route::PlaceTakeoutOrder
            | Route::StripeWebhook
            | Route::ActOnOrder
            | Route::ReprintOrder
            | Route::SetAvailability
            | Route::RotateTableCode
            | Route::UploadPhoto
            | Route::InviteStaff => Method::POST,
            Route::RemoveStaff => Method::DELETE,
        }
    }

    /// Who may call the route. No default: a new route has to say.
    pub fn access(self) -> AccessLevel {
        match self {
            Route::GetTable
            | Route::GetMenu
            | Route::PlaceDineInOrder
            | Route::GetOrder
            | Route::QuoteCart
            | Route::GetPickupTimes
            | Route::PlaceTakeoutOrder
            | Route::StripeWebhook => AccessLevel::Public,
            Route::ListBoardOrders
            | Route::GetOrderChanges
            | Route::ActOnOrder
            | Route::ReprintOrder
            | Route::SetAvailability => AccessLevel::Staff,
            Route::GetSales
            | Route::GetRestaurantFile
            | Route::SaveRestaurantFile
            | Route::ListOwnerTables
            | Route::RotateTableCode
            | Route::GetQrSheet
            | Route::GetTableQrCode
            | Route::UploadPhoto => AccessLevel::Owner,
            Route::ListStaff | Route::InviteStaff | Route::RemoveStaff => AccessLevel::Owner,
        }
    }

    /// API Gateway route template.
    pub fn path(self) -> &'static str {
        match self {
            Route::GetTable => "/tables/{token}",
            Route::GetMenu => "/restaurants/{restaurant_id}/menu",
            Route::PlaceDineInOrder => "/tables/{token}/orders",
            Route::GetOrder => "/restaurants/{restaurant_id}/orders/{order_id}",
            Route::QuoteCart => "/restaurants/{restaurant_id}/quote",
            Route::GetPickupTimes => "/restaurants/{restaurant_id}/pickup-times",
            Route::PlaceTakeoutOrder => "/restaurants/{restaurant_id}/takeout-orders",
            Route::StripeWebhook => "/stripe/webhook",
            Route::ListBoardOrders => "/restaurants/{restaurant_id}/staff/orders",
            Route::GetOrderChanges => "/restaurants/{restaurant_id}/staff/changes",
            Route::ActOnOrder => "/restaurants/{restaurant_id}/staff/orders/{order_id}/actions",
            Route::ReprintOrder => "/restaurants/{restaurant_id}/staff/orders/{order_id}/reprint",
            Route::SetAvailability => "/restaurants/{restaurant_id}/staff/availability",
            Route::GetSales => "/restaurants/{restaurant_id}/owner/sales",
            Route::GetRestaurantFile | Route::SaveRestaurantFile => {
                "/restaurants/{restaurant_id}/owner/restaurant"
            }
            Route::ListOwnerTables => "/restaurants/{restaurant_id}/owner/tables",
            Route::RotateTableCode => "/restaurants/{restaurant_id}/owner/tables/{table_id}/rotate",
            Route::GetQrSheet => "/restaurants/{restaurant_id}/owner/qr-sheet",
            Route::GetTableQrCode => "/restaurants/{restaurant_id}/owner/tables/{table_id}/qr.png",
            Route::UploadPhoto => "/restaurants/{restaurant_id}/owner/photos",
            Route::ListStaff | Route::InviteStaff => "/restaurants/{restaurant_id}/owner/staff",
            Route::RemoveStaff => "/restaurants/{restaurant_id}/owner/staff/{username}",
        }
    }

    /// The Lambda function (and cargo binary) that serves the route.
    pub fn function_name(self) -> &'static str {
        match self {
            Route::GetTable => "get-table",
            Route::GetMenu => "get-menu",
            Route::PlaceDineInOrder => "place-dine-in-order",
            Route::GetOrder => "get-order",
            Route::QuoteCart => "quote-cart",
            Route::GetPickupTimes => "get-pickup-times",
            Route::PlaceTakeoutOrder => "place-takeout-order",
            Route::StripeWebhook => "stripe-webhook",
            Route::ListBoardOrders => "list-board-orders",
            Route::GetOrderChanges => "get-order-changes",
            Route::ActOnOrder => "act-on-order",
            Route::ReprintOrder => "reprint-order",
            Route::SetAvailability => "set-availability",
            Route::GetSales => "get-sales",
            Route::GetRestaurantFile => "get-restaurant-file",
            Route::SaveRestaurantFile => "save-restaurant-file",
            Route::ListOwnerTables => "list-owner-tables",
            Route::RotateTableCode => "rotate-table-code",
            Route::GetQrSheet => "get-qr-sheet",
            Route::GetTableQrCode => "get-table-qr-code",
            Route::UploadPhoto => "upload-photo",
            Route::ListStaff => "list-staff",
            Route::InviteStaff => "invite-staff",
            Route::RemoveStaff => "remove-staff",
        }
    }
}

impl Route {
    /// The largest request body the route accepts: a whole restaurant file
    /// for the save, a cart or an action for everything else.
    pub fn max_body_bytes(self) -> usize {
        match self {
            Route::SaveRestaurantFile => crate::request::MAX_FILE_BYTES,
            // Refused above 2 MB by the use case with its own message.
            Route::UploadPhoto => tabletap_core::photo::MAX_PHOTO_BYTES + 64 * 1024,
            _ => crate::request::MAX_BODY_BYTES,
        }
    }
}

/// What a route's handler returns: its answer, or the error that
/// [`serve`] turns into one.
pub type HandlerFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Response<Body>, ApiError>> + Send + 'a>>;

/// One route's handler, as a plain function pointer.
pub type Handler = for<'a> fn(&'a AppState, &'a Request) -> HandlerFuture<'a>;

/// Turns each `async fn` handler into a [`Handler`].
macro_rules! handler_fns {
    ($($name:ident),* $(,)?) => {
        mod handler_fns {
            use super::HandlerFuture;
            use crate::state::AppState;
            use lambda_http::Request;
            $(
                pub(super) fn $name<'a>(state: &'a AppState, request: &'a Request) -> HandlerFuture<'a> {
                    Box::pin(crate::handlers::$name(state, request))
                }
            )*
        }
    };
}

handler_fns!(
    get_table,
    get_menu,
    place_dine_in_order,
    get_order,
    quote_cart,
    get_pickup_times,
    place_takeout_order,
    stripe_webhook,
    list_board_orders,
    get_order_changes,
    act_on_order,
    reprint_order,
    set_availability,
    get_sales,
    get_restaurant_file,
    save_restaurant_file,
    list_owner_tables,
    rotate_table_code,
    get_qr_sheet,
    get_table_qr_code,
    upload_photo,
    list_staff,
    invite_staff,
    remove_staff,
);

impl Route {
    /// The route's handler. A `const fn` so that a Lambda function's `main`
    /// can pick its one handler at compile time (`const { ROUTE.handler() }`)
    /// and its binary links no other route's code (the local server, which
    /// serves every route, calls it at run time through [`handle`]).
    pub const fn handler(self) -> Handler {
        match self {
            Route::GetTable => handler_fns::get_table,
            Route::GetMenu => handler_fns::get_menu,
            Route::PlaceDineInOrder => handler_fns::place_dine_in_order,
            Route::GetOrder => handler_fns::get_order,
            Route::QuoteCart => handler_fns::quote_cart,
            Route::GetPickupTimes => handler_fns::get_pickup_times,
            Route::PlaceTakeoutOrder => handler_fns::place_takeout_order,
            Route::StripeWebhook => handler_fns::stripe_webhook,
            Route::ListBoardOrders => handler_fns::list_board_orders,
            Route::GetOrderChanges => handler_fns::get_order_changes,
            Route::ActOnOrder => handler_fns::act_on_order,
            Route::ReprintOrder => handler_fns::reprint_order,
            Route::SetAvailability => handler_fns::set_availability,
            Route::GetSales => handler_fns::get_sales,
            Route::GetRestaurantFile => handler_fns::get_restaurant_file,
            Route::SaveRestaurantFile => handler_fns::save_restaurant_file,
            Route::ListOwnerTables => handler_fns::list_owner_tables,
            Route::RotateTableCode => handler_fns::rotate_table_code,
            Route::GetQrSheet => handler_fns::get_qr_sheet,
            Route::GetTableQrCode => handler_fns::get_table_qr_code,
            Route::UploadPhoto => handler_fns::upload_photo,
            Route::ListStaff => handler_fns::list_staff,
            Route::InviteStaff => handler_fns::invite_staff,
            Route::RemoveStaff => handler_fns::remove_staff,
        }
    }
}

/// Serves one request for `route`. Never fails: every error becomes a JSON
/// response here, with CORS headers like any other answer. The route's
/// access level is checked here, before its handler runs.
pub async fn handle(route: Route, state: &AppState, request: Request) -> Response<Body> {
    serve(route, route.handler(), state, request).await
}

/// Serves one request with `handler`, which must be `route`'s: what every
/// route shares (its log span, the one error-to-response mapping, CORS).
pub async fn serve(
    route: Route,
    handler: Handler,
    state: &AppState,
    request: Request,
) -> Response<Body> {
    let origin = request.headers().get(header::ORIGIN).cloned();
    // The restaurant and order, filled in from the path here or by the use
    // case once it knows them (tabletap_app::log_context), are on every log
    // line of the request.
    let span = tracing::info_span!(
        "request",
        route = route.function_name(),
        restaurant = tracing::field::Empty,
        order = tracing::field::Empty,
    );
    {
        use lambda_http::RequestExt;
        let params = request.path_parameters();
        if let Some(restaurant) = params.first("restaurant_id") {
            span.record("restaurant", restaurant);
        }
        if let Some(order) = params.first("order_id") {
            span.record("order", order);
        }
    }
    let result = async {
        // Staff and owner routes: the caller's role for this restaurant,
        // checked before any handler runs (auth.rs).
        let caller = authorize(route, &request)?;
        if let Some(caller) = &caller {
            // Who, never the token.
            tracing::info!(staff = %caller.subject, username = caller.username.as_deref(), "staff request");
        }
        handler(state, &request).await
    }
    .instrument(span)
    .await;
    let mut response = result.unwrap_or_else(ApiError::into_response);
    state.cors.apply(origin.as_ref(), response.headers_mut());
    response
}
