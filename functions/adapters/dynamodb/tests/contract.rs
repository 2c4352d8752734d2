//! The shared store contract, run against Amazon DynamoDB Local. Each check
//! gets its own freshly created table.
//!
//! Needs DynamoDB Local running; the checks fail (never skip) without it:
//!   export TABLETAP_DYNAMODB_ENDPOINT=$(scripts/lib/dynamodb-local.sh start)
//!   cargo test -p tabletap-store-dynamodb

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::timeout::TimeoutConfig;
use aws_sdk_dynamodb::config::{Credentials, Region};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tabletap_store_dynamodb::{DynamoDbStore, create_table};

const ENDPOINT_VAR: &str = "TABLETAP_DYNAMODB_ENDPOINT";
const HOW_TO_START: &str = "start DynamoDB Local and point the tests at it:\n  \
    export TABLETAP_DYNAMODB_ENDPOINT=$(scripts/lib/dynamodb-local.sh start)\n  \
    cargo test -p tabletap-store-dynamodb\n\
    (stop it with scripts/lib/dynamodb-local.sh stop)";

/// A client that can only ever reach the given local endpoint: static dummy
/// credentials and no environment or profile lookup, so no real AWS account
/// is touched whatever the machine's configuration.
fn local_client(endpoint: &str) -> Client {
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version_latest()
        .endpoint_url(endpoint)
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            "local",
            "local",
            None,
            None,
            "tabletap-contract-tests",
        ))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(2))
                .operation_timeout(Duration::from_secs(20))
                .build(),
        )
        .build();
    Client::from_conf(config)
}

fn unique_table_name() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        "tabletap-contract-{}-{nanos}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

async fn fresh_store() -> DynamoDbStore {
    let endpoint = std::env::var(ENDPOINT_VAR)
        .unwrap_or_else(|_| panic!("{ENDPOINT_VAR} is not set: the DynamoDB contract tests need DynamoDB Local; {HOW_TO_START}"));
    let client = local_client(&endpoint);
    let table = unique_table_name();
    if let Err(error) = create_table(&client, &table).await {
        panic!(
            "cannot create a table on DynamoDB Local at {endpoint} ({error:#}); is it running? {HOW_TO_START}"
        );
    }
    DynamoDbStore::new(client, table)
}

tabletap_store_contract::store_contract_tests!(fresh_store());
