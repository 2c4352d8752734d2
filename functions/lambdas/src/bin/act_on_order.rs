//! Lambda function for `Route::ActOnOrder`; see tabletap_api::routes. Links
//! the Stripe API client: cancelling a paid takeout order refunds it.

use tabletap_api::Route;

const ROUTE: Route = Route::ActOnOrder;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tabletap_lambdas::http::run_with_payments(
        ROUTE,
        const { ROUTE.handler() },
        tabletap_lambdas::payments::takeout,
    )
    .await
}
