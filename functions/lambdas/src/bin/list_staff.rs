//! Lambda function for `Route::ListStaff`; see tabletap_api::routes. Links the
//! Cognito client: the restaurant's people are groups of the user pool.

use tabletap_api::Route;

const ROUTE: Route = Route::ListStaff;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tabletap_lambdas::http::run_with_staff_directory(ROUTE, const { ROUTE.handler() }).await
}
