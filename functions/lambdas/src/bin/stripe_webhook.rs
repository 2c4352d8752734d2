//! Lambda function for `Route::StripeWebhook`; see tabletap_api::routes.
//! Checks Stripe's signatures; holds no Stripe API client.

use tabletap_api::Route;

const ROUTE: Route = Route::StripeWebhook;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tabletap_lambdas::http::run_with_payments(
        ROUTE,
        const { ROUTE.handler() },
        tabletap_lambdas::payments::webhook,
    )
    .await
}
