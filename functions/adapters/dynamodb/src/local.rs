//! Talking to Amazon DynamoDB Local (tests, and local work against the real
//! DynamoDB API) without any chance of reaching a real AWS account.

use crate::{DynamoDbStore, create_table};
use aws_sdk_dynamodb::Client;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Environment variable naming the DynamoDB Local endpoint for tests.
pub const ENDPOINT_VAR: &str = "TABLETAP_DYNAMODB_ENDPOINT";

const HOW_TO_START: &str = "start DynamoDB Local and point the tests at it:\n  \
    export TABLETAP_DYNAMODB_ENDPOINT=$(scripts/lib/dynamodb-local.sh start)\n\
    (scripts/test.sh does this; stop it with scripts/lib/dynamodb-local.sh stop)";

/// A client that can only reach the given local endpoint: static dummy
/// credentials and no environment or profile lookup.
pub fn local_client(endpoint: &str) -> Client {
    Client::new(&tabletap_aws_local::sdk_config(endpoint))
}

/// A store on a new, uniquely named table of the DynamoDB Local instance
/// named by [`ENDPOINT_VAR`]. Panics with instructions when there is none:
/// a test that needs DynamoDB must fail, never skip, without it.
pub async fn fresh_test_store(prefix: &str) -> DynamoDbStore {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let endpoint = std::env::var(ENDPOINT_VAR).unwrap_or_else(|_| {
        panic!("{ENDPOINT_VAR} is not set: this test needs DynamoDB Local; {HOW_TO_START}")
    });
    let client = local_client(&endpoint);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let table = format!(
        "{prefix}-{}-{nanos}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    if let Err(error) = create_table(&client, &table).await {
        panic!(
            "cannot create a table on DynamoDB Local at {endpoint} ({error:#}); is it running? {HOW_TO_START}"
        );
    }
    DynamoDbStore::new(client, table)
}
