//! Lambda function for `Route::SaveRestaurantFile`; see tabletap_api::routes.

use tabletap_api::Route;

const ROUTE: Route = Route::SaveRestaurantFile;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tabletap_lambdas::http::run(ROUTE, const { ROUTE.handler() }).await
}
