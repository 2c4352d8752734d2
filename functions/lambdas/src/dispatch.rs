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
use tabletap_app::use_cases::dispatch_accepted_orders::{Dispatcher, OrderChange};

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
        let mut iot_data_endpoint = crate::required_env(
            "TABLETAP_IOT_DATA_ENDPOINT",
            "the IoT Core data endpoint (aws iot describe-endpoint --endpoint-type iot:Data-ATS)",
        )?;
        if !iot_data_endpoint.starts_with("https://") && !iot_data_endpoint.starts_with("http://") {
            iot_data_endpoint = format!("https://{iot_data_endpoint}");
        }
        Ok(Self {
            iot_data_endpoint,
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
    S: OrderStore + RestaurantStore + DispatchLog + ?Sized,
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
