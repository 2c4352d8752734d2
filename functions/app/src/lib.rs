//! TableTap's use cases, written against ports (narrow traits) so the same
//! code runs in Lambda on DynamoDB and in the local server on the embedded
//! store.

pub mod error;
pub mod idempotency;
pub mod limits;
pub mod log_context;
pub mod metrics;
pub mod payments;
pub mod ports;
pub mod random;
pub mod ticket_delivery;
pub mod use_cases;

pub use error::AppError;
