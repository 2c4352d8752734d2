//! What every Lambda `main` shares: read configuration once (failing fast
//! with a message that says what to set), build the AWS clients once per
//! cold start, then serve one route's handler.

pub mod print_ack;

use std::convert::Infallible;
use std::sync::Arc;
use tabletap_api::cors::Cors;
use tabletap_api::{AppState, Route};
use tabletap_app::ports::SystemClock;
use tabletap_store_dynamodb::DynamoDbStore;

/// Settings from the function's environment (set by the SAM template).
pub struct Config {
    pub table_name: String,
    pub allowed_origins: String,
}

impl Config {
    pub fn from_env() -> Result<Self, String> {
        let table_name = std::env::var("TABLETAP_TABLE_NAME")
            .map_err(|_| "TABLETAP_TABLE_NAME is not set: it must name the DynamoDB table (the SAM template sets it)".to_owned())?;
        let allowed_origins = std::env::var("TABLETAP_ALLOWED_ORIGINS").unwrap_or_default();
        Ok(Self {
            table_name,
            allowed_origins,
        })
    }
}

/// Logs as JSON lines, which CloudWatch Logs Insights can query by field.
pub fn init_logging() {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_current_span(false)
        .without_time() // CloudWatch stamps every line itself.
        .init();
}

/// The DynamoDB store named by the function's configuration, with the
/// credentials and region of the Lambda environment.
pub async fn store_from_env(config: &Config) -> DynamoDbStore {
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    DynamoDbStore::new(
        aws_sdk_dynamodb::Client::new(&aws),
        config.table_name.clone(),
    )
}

/// Builds the shared state of the HTTP functions from the Lambda environment.
pub async fn state_from_env() -> Result<AppState, lambda_http::Error> {
    let config = Config::from_env()?;
    let store = store_from_env(&config).await;
    Ok(AppState {
        store: Arc::new(store),
        clock: Arc::new(SystemClock),
        cors: Cors::from_list(&config.allowed_origins),
    })
}

/// Runs the Lambda event loop for one route.
pub async fn run(route: Route) -> Result<(), lambda_http::Error> {
    init_logging();
    let state = state_from_env().await?;
    let state = &state;
    lambda_http::run(lambda_http::service_fn(move |request| async move {
        Ok::<_, Infallible>(tabletap_api::handle(route, state, request).await)
    }))
    .await
}
