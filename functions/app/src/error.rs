//! Every way a use case can fail, in one enum. The HTTP layer maps each
//! variant to a status and a stable code in exactly one place.

use crate::idempotency::BadIdempotencyKey;
use crate::ports::StoreError;
use tabletap_core::cart::CartError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("This table link is not valid. Scan the QR code on your table again.")]
    TableNotFound,
    #[error(
        "This table's QR code has been replaced. Please scan the current code on your table or ask a member of staff."
    )]
    TableRevoked,
    #[error("There is no restaurant {0:?}.")]
    RestaurantNotFound(String),
    #[error("This restaurant has no menu yet.")]
    MenuNotFound,
    /// Also answered for a wrong access token, so a guess learns nothing.
    #[error("No such order, or the order link is incomplete.")]
    OrderNotFound,
    #[error(transparent)]
    Cart(#[from] CartError),
    #[error(transparent)]
    BadIdempotencyKey(#[from] BadIdempotencyKey),
    #[error(
        "This Idempotency-Key was already used for a different order. Use a new key for a new order."
    )]
    IdempotencyKeyReused,
    #[error("{message}")]
    InvalidInput { code: &'static str, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A bug or broken data: logged in full, shown to nobody.
    #[error("unexpected error")]
    Unexpected(#[source] anyhow::Error),
}
