//! The route table: one entry per public route, each deployed as its own
//! Lambda function. The path templates use API Gateway's syntax, which the
//! local server's router understands too.

use crate::error::ApiError;
use crate::state::AppState;
use lambda_http::http::{Method, header};
use lambda_http::{Body, Request, Response};
use std::future::Future;
use std::pin::Pin;
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
}

pub const ROUTES: [Route; 8] = [
    Route::GetTable,
    Route::GetMenu,
    Route::PlaceDineInOrder,
    Route::GetOrder,
    Route::QuoteCart,
    Route::GetPickupTimes,
    Route::PlaceTakeoutOrder,
    Route::StripeWebhook,
];

impl Route {
    pub fn method(self) -> Method {
        match self {
            Route::GetTable | Route::GetMenu | Route::GetOrder | Route::GetPickupTimes => {
                Method::GET
            }
            Route::PlaceDineInOrder
            | Route::QuoteCart
            | Route::PlaceTakeoutOrder
            | Route::StripeWebhook => Method::POST,
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
        }
    }
}

/// Serves one request for `route`. Never fails: every error becomes a JSON
/// response here, with CORS headers like any other answer.
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
    let span = tracing::info_span!("request", route = route.function_name());
    let result = handler(state, &request).instrument(span).await;
    let mut response = result.unwrap_or_else(ApiError::into_response);
    state.cors.apply(origin.as_ref(), response.headers_mut());
    response
}
