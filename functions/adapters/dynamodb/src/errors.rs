//! SDK failures as store errors. Throttling, timeouts, network and service
//! errors all mean "try again later" to a caller, so they are `Unavailable`;
//! conditional-check failures are handled by each operation as outcomes
//! before they get here.

use aws_sdk_dynamodb::error::{DisplayErrorContext, SdkError};
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use std::error::Error;
use std::fmt::Debug;
use tabletap_app::ports::StoreError;

/// Wraps an SDK error, naming the call, with the whole cause chain in the
/// message (the SDK's own `Display` says only "service error").
pub(crate) fn unavailable<E, R>(operation: &'static str, error: SdkError<E, R>) -> StoreError
where
    E: Error + Send + Sync + 'static,
    R: Debug + Send + Sync + 'static,
{
    let detail = DisplayErrorContext(&error).to_string();
    StoreError::Unavailable(
        anyhow::Error::new(error).context(format!("DynamoDB {operation} failed: {detail}")),
    )
}

/// A failure the SDK did not produce (for example retries running out).
pub(crate) fn unavailable_because(message: String) -> StoreError {
    StoreError::Unavailable(anyhow::anyhow!(message))
}

/// Whether a write was refused by its condition (an outcome the operation
/// handles: already there, not in the expected state), not a failure.
pub(crate) fn is_condition_failure<E>(error: &SdkError<E, impl Debug>) -> bool
where
    E: ConditionFailure,
{
    error
        .as_service_error()
        .is_some_and(E::is_condition_failure)
}

pub(crate) trait ConditionFailure {
    fn is_condition_failure(&self) -> bool;
}

impl ConditionFailure for PutItemError {
    fn is_condition_failure(&self) -> bool {
        matches!(self, PutItemError::ConditionalCheckFailedException(_))
    }
}

impl ConditionFailure for UpdateItemError {
    fn is_condition_failure(&self) -> bool {
        matches!(self, UpdateItemError::ConditionalCheckFailedException(_))
    }
}
