//! The dispatch function: fed by the table's DynamoDB stream, it publishes
//! the kitchen tickets and sends the receipt of every order that became
//! ACCEPTED, then marks it SENT (see `tabletap_app`'s dispatcher).
//!
//! Failures are reported per record (`ReportBatchItemFailures`): a
//! retryable failure names the first record to deliver again, so a batch is
//! never retried for one order's sake beyond that point; permanent failures
//! are logged with `outcome = "permanent_failure"` (an alarm counts them)
//! and passed over.

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use tabletap_app::ports::{DispatchLog, OrderStore, RestaurantStore};
use tabletap_app::ticket_delivery::TicketLedger;
use tabletap_app::use_cases::dispatch_accepted_orders::{Dispatcher, OrderChange};

/// Where the dispatch function sends receipts from (set by the SAM
/// template); the kitchen's endpoint is [`crate::kitchen::iot_publisher`]'s.
pub struct DeliveryConfig {
    /// The verified SES identity receipts are sent from.
    pub receipt_from: String,
}

impl DeliveryConfig {
    pub fn from_env() -> Result<Self, String> {
        Ok(Self {
            receipt_from: crate::required_env(
                "TABLETAP_RECEIPT_FROM",
                "the verified SES address receipts are sent from",
            )?,
        })
    }
}

/// Handles one batch of stream records.
pub async fn handle_stream_batch<S>(
    dispatcher: &Dispatcher<'_, S>,
    event: Event,
) -> DynamoDbEventResponse
where
    S: OrderStore + RestaurantStore + DispatchLog + TicketLedger + ?Sized,
{
    let changes: Vec<Option<OrderChange>> = event.records.iter().map(order_change).collect();
    let outcome = dispatcher.dispatch_batch(&changes).await;
    tracing::info!(
        records = event.records.len(),
        dispatched = outcome.dispatched,
        permanent_failures = outcome.permanent_failures,
        retry = outcome.retry_from.is_some(),
        "stream batch handled"
    );
    let mut response = DynamoDbEventResponse::default();
    if let Some(position) = outcome.retry_from {
        let mut failure = DynamoDbBatchItemFailure::default();
        failure.item_identifier = event.records[position].change.sequence_number.clone();
        response.batch_item_failures.push(failure);
    }
    response
}

fn order_change(record: &EventRecord) -> Option<OrderChange> {
    let change = &record.change;
    match tabletap_store_dynamodb::stream::order_change(
        change.new_image.clone(),
        change.old_image.clone(),
    ) {
        Ok(change) => change,
        Err(error) => {
            tracing::error!(
                outcome = "permanent_failure",
                sequence_number = ?change.sequence_number,
                error = %error,
                "a stream record's order image does not read; skipped"
            );
            None
        }
    }
}
