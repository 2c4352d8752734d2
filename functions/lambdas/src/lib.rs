//! What every Lambda `main` shares: read configuration once (failing fast
//! with a message that says what to set), build the AWS clients once per
//! cold start, then serve one route's handler.

pub mod dispatch;
pub mod payments;
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

/// Where the dispatch function delivers (set by the SAM template).
pub struct DeliveryConfig {
    /// The account's IoT Core data endpoint
    /// (`aws iot describe-endpoint --endpoint-type iot:Data-ATS`), as a URL.
    pub iot_data_endpoint: String,
    /// The verified SES identity receipts are sent from.
    pub receipt_from: String,
}

impl DeliveryConfig {
    pub fn from_env() -> Result<Self, String> {
        let required = |name: &str, what: &str| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.trim().is_empty())
                .ok_or_else(|| {
                    format!("{name} is not set: it must be {what} (the SAM template sets it)")
                })
        };
        let mut iot_data_endpoint = required(
            "TABLETAP_IOT_DATA_ENDPOINT",
            "the IoT Core data endpoint (aws iot describe-endpoint --endpoint-type iot:Data-ATS)",
        )?;
        if !iot_data_endpoint.starts_with("https://") && !iot_data_endpoint.starts_with("http://") {
            iot_data_endpoint = format!("https://{iot_data_endpoint}");
        }
        Ok(Self {
            iot_data_endpoint,
            receipt_from: required(
                "TABLETAP_RECEIPT_FROM",
                "the verified SES address receipts are sent from",
            )?,
        })
    }
}

/// JSON log lines and embedded metrics (see `tabletap_telemetry`).
pub fn init_logging() {
    tabletap_telemetry::init_lambda();
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
        payments: tabletap_api::Payments::default(),
        kitchen: None,
    })
}

/// The IoT Core publisher for the one HTTP function that publishes
/// (reprints); the dispatcher builds its own.
pub async fn kitchen_for(
    route: Route,
) -> Result<Option<Arc<dyn tabletap_app::ports::KitchenPublisher>>, lambda_http::Error> {
    if route != Route::ReprintOrder {
        return Ok(None);
    }
    let endpoint = std::env::var("TABLETAP_IOT_DATA_ENDPOINT")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .ok_or("TABLETAP_IOT_DATA_ENDPOINT is not set: it must be the IoT Core data endpoint (the SAM template sets it)")?;
    let endpoint = if endpoint.starts_with("http") {
        endpoint
    } else {
        format!("https://{endpoint}")
    };
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let iot = aws_sdk_iotdataplane::Client::from_conf(
        aws_sdk_iotdataplane::config::Builder::from(&aws)
            .endpoint_url(endpoint)
            .build(),
    );
    Ok(Some(Arc::new(tabletap_kitchen_iot::IotPublisher::new(iot))))
}

/// Runs the Lambda event loop for one route.
pub async fn run(route: Route) -> Result<(), lambda_http::Error> {
    init_logging();
    let mut state = state_from_env().await?;
    state.payments = payments::payments_for(route).await?;
    state.kitchen = kitchen_for(route).await?;
    let state = &state;
    lambda_http::run(lambda_http::service_fn(move |request| async move {
        Ok::<_, Infallible>(tabletap_api::handle(route, state, request).await)
    }))
    .await
}
