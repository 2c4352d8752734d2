//! Lambda function for `Route::RotateTableCode`; see tabletap_api::routes.

use tabletap_api::Route;

const ROUTE: Route = Route::RotateTableCode;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tabletap_lambdas::http::run(ROUTE, const { ROUTE.handler() }).await
}
