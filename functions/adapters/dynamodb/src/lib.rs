//! The DynamoDB store: every store port on one DynamoDB table (single-table
//! design), for the Lambda functions. It passes the same contract tests as
//! the embedded store, against Amazon DynamoDB Local.
//!
//! The layout (keys, index, TTL, stream) and the IAM actions each operation
//! needs are written up in `docs/dynamodb.md`.

mod dispatch_log;
mod errors;
mod items;
mod keys;
pub mod local;
mod menus;
mod order_status;
mod orders;
mod payments;
mod rate_counters;
mod requests;
mod restaurants;
pub mod schema;
mod sequences;
pub mod stream;
mod tables;
mod ticket_ledger;
mod transactions;

use aws_sdk_dynamodb::Client;

pub use schema::create_table;

/// The store ports on one DynamoDB table. Cheap to clone: the SDK client
/// shares its connection pool, so build one per Lambda cold start.
#[derive(Clone, Debug)]
pub struct DynamoDbStore {
    client: Client,
    table: String,
    /// Read capacity the change index queries consumed (as DynamoDB
    /// reports it), for measuring what a board's poll costs.
    change_reads: std::sync::Arc<std::sync::Mutex<f64>>,
}

impl DynamoDbStore {
    /// Takes a ready client so the caller decides where credentials, region
    /// and endpoint come from (the Lambda environment, or DynamoDB Local).
    pub fn new(client: Client, table_name: impl Into<String>) -> Self {
        Self {
            client,
            table: table_name.into(),
            change_reads: Default::default(),
        }
    }

    /// Read capacity units consumed by change index queries so far.
    pub fn change_read_units(&self) -> f64 {
        *self.change_reads.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn record_read_units(&self, units: f64) {
        *self.change_reads.lock().unwrap_or_else(|e| e.into_inner()) += units;
    }

    pub fn table_name(&self) -> &str {
        &self.table
    }
}
