//! TransactWriteItems with its cancellation reasons turned into data: a
//! cancelled transaction wrote nothing, and the reasons (one per item, in
//! order) tell a lost condition from a race with another transaction.

use crate::DynamoDbStore;
use crate::errors::unavailable;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::builders::PutBuilder;
use aws_sdk_dynamodb::types::{CancellationReason, Put, TransactWriteItem};
use std::time::Duration;
use tabletap_app::ports::StoreError;

/// How often an operation retries a transaction that collided with a
/// concurrent one on the same items before calling the store unavailable.
pub(crate) const MAX_ATTEMPTS: u32 = 6;

pub(crate) enum Transaction {
    Written,
    Cancelled(Vec<CancellationReason>),
}

/// Reads the cancellation reasons of one transaction.
pub(crate) struct Reasons<'a>(pub &'a [CancellationReason]);

impl Reasons<'_> {
    /// The condition of the `index`-th item did not hold.
    pub fn condition_failed(&self, index: usize) -> bool {
        self.code(index) == Some("ConditionalCheckFailed")
    }

    /// Another transaction was working on the same items: worth a retry.
    pub fn conflicted(&self) -> bool {
        self.0
            .iter()
            .any(|r| r.code() == Some("TransactionConflict"))
    }

    pub fn code(&self, index: usize) -> Option<&str> {
        self.0.get(index).and_then(|r| r.code())
    }

    pub fn codes(&self) -> Vec<&str> {
        self.0.iter().map(|r| r.code().unwrap_or("?")).collect()
    }
}

impl DynamoDbStore {
    pub(crate) async fn transact_write(
        &self,
        items: Vec<TransactWriteItem>,
    ) -> Result<Transaction, StoreError> {
        match self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
        {
            Ok(_) => Ok(Transaction::Written),
            Err(error) => match error.as_service_error() {
                Some(TransactWriteItemsError::TransactionCanceledException(cancelled)) => Ok(
                    Transaction::Cancelled(cancelled.cancellation_reasons().to_vec()),
                ),
                _ => Err(unavailable("TransactWriteItems", error)),
            },
        }
    }
}

/// A short pause that grows with each attempt, so colliding writers spread
/// out instead of colliding again.
pub(crate) async fn back_off(attempt: u32) {
    tokio::time::sleep(Duration::from_millis(20 * u64::from(attempt + 1))).await;
}

/// Finishes a put. Building only fails when the table name or the item is
/// missing, which the callers always set.
pub(crate) fn build_put(put: PutBuilder) -> Result<Put, StoreError> {
    put.build().map_err(|e| {
        StoreError::Corrupt(anyhow::Error::new(e).context("cannot build a put request"))
    })
}

pub(crate) fn write(put: Put) -> TransactWriteItem {
    TransactWriteItem::builder().put(put).build()
}
