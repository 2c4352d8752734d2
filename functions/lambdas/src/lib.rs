//! What every Lambda `main` shares: read configuration once (failing fast
//! with a message that says what to set), load the AWS configuration and
//! build the clients once per cold start, then serve one handler.
//!
//! Each binary links only what its `main` reaches: an API function calls
//! [`http::run`] with its one route's handler picked at compile time
//! (`const { ROUTE.handler() }`), so it holds that route's code and the
//! DynamoDB client only; [`payments`] (Stripe, SSM) is reached only from the
//! takeout, act-on-order and webhook functions, [`kitchen`] (IoT) only from
//! dispatch, reprint-order and redeliver-tickets, SES only from dispatch
//! and SNS only from redeliver-tickets, Cognito ([`staff_directory`]) only
//! from list-staff, invite-staff and remove-staff. The linker drops everything else, and
//! `scripts/lib/check-lambda-zips.sh` checks the built binaries for it.

pub mod dispatch;
pub mod http;
pub mod kitchen;
pub mod payments;
pub mod print_ack;
pub mod redeliver;
pub mod staff_directory;

use aws_config::SdkConfig;
use tabletap_store_dynamodb::DynamoDbStore;

/// A function that no API route serves: its binary and the template event
/// type that feeds it. With `tabletap_api::ROUTES` this names every binary
/// of the package (tests/layout.rs holds both against the template).
pub struct EventFunction {
    pub name: &'static str,
    pub event_type: &'static str,
}

pub const EVENT_FUNCTIONS: &[EventFunction] = &[
    // The table's stream: tickets to IoT Core, receipts by SES.
    EventFunction {
        name: "dispatch",
        event_type: "DynamoDB",
    },
    // The IoT rule on `tabletap/+/acks`: orders PRINTED.
    EventFunction {
        name: "print-ack",
        event_type: "IoTRule",
    },
    // Once a minute: unacknowledged tickets published again, alerts to ops.
    EventFunction {
        name: "redeliver-tickets",
        event_type: "ScheduleV2",
    },
];

/// Settings from the function's environment (set by the SAM template).
pub struct Config {
    pub table_name: String,
    pub allowed_origins: String,
    /// The diner site's address, for table links (owner routes).
    pub site_url: Option<String>,
}

impl Config {
    pub fn from_env() -> Result<Self, String> {
        let table_name = std::env::var("TABLETAP_TABLE_NAME")
            .map_err(|_| "TABLETAP_TABLE_NAME is not set: it must name the DynamoDB table (the SAM template sets it)".to_owned())?;
        let allowed_origins = std::env::var("TABLETAP_ALLOWED_ORIGINS").unwrap_or_default();
        let site_url = std::env::var("TABLETAP_SITE_URL")
            .ok()
            .filter(|v| !v.trim().is_empty());
        Ok(Self {
            table_name,
            allowed_origins,
            site_url,
        })
    }
}

/// A required, non-blank environment variable, or a message naming it.
pub(crate) fn required_env(name: &str, what: &str) -> Result<String, String> {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| format!("{name} is not set: it must be {what} (the SAM template sets it)"))
}

/// JSON log lines and embedded metrics (see `tabletap_telemetry`).
pub fn init_logging() {
    tabletap_telemetry::init_lambda();
}

/// The AWS configuration of the Lambda environment (region and
/// credentials from its variables). Load it once per cold start, in `main`,
/// and build every client of the function from it.
pub async fn aws_config() -> SdkConfig {
    aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await
}

/// The DynamoDB store named by the function's configuration.
pub fn store(aws: &SdkConfig, config: &Config) -> DynamoDbStore {
    DynamoDbStore::new(
        aws_sdk_dynamodb::Client::new(aws),
        config.table_name.clone(),
    )
}
