//! Lambda function for `Route::ActOnOrder`; see tabletap_api::routes.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tabletap_lambdas::run(tabletap_api::Route::ActOnOrder).await
}
