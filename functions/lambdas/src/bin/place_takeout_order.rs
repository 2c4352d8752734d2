//! Lambda function for `Route::PlaceTakeoutOrder`; see tabletap_api::routes.
//! The only function with the Stripe API client (tabletap_lambdas::payments).

use tabletap_api::Route;

const ROUTE: Route = Route::PlaceTakeoutOrder;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tabletap_lambdas::http::run_with_payments(
        ROUTE,
        const { ROUTE.handler() },
        tabletap_lambdas::payments::takeout,
    )
    .await
}
