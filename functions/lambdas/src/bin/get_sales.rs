//! Lambda function for `Route::GetSales`; see tabletap_api::routes.

use tabletap_api::Route;

const ROUTE: Route = Route::GetSales;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tabletap_lambdas::http::run(ROUTE, const { ROUTE.handler() }).await
}
