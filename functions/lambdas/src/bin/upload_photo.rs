//! Lambda function for `Route::UploadPhoto`; see tabletap_api::routes. Links
//! the S3 client: photos go to the site bucket under `photos/`.

use tabletap_api::Route;

const ROUTE: Route = Route::UploadPhoto;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tabletap_lambdas::http::run_with_photos(ROUTE, const { ROUTE.handler() }).await
}
