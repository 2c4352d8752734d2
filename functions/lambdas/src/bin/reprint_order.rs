//! Lambda function for `Route::ReprintOrder`; see tabletap_api::routes. Links
//! the IoT data plane: a reprint is published like any ticket.

use tabletap_api::Route;

const ROUTE: Route = Route::ReprintOrder;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tabletap_lambdas::http::run_with_ports(
        ROUTE,
        const { ROUTE.handler() },
        tabletap_lambdas::kitchen::reprints,
    )
    .await
}
