//! Every way a use case can fail, in one enum. The HTTP layer maps each
//! variant to a status and a stable code in exactly one place.

use crate::idempotency::BadIdempotencyKey;
use crate::payments::{PaymentGatewayError, WebhookRejection};
use crate::ports::{DirectoryError, StoreError};
use tabletap_core::cart::CartError;
use tabletap_core::limits::LimitReached;
use tabletap_core::takeout::TakeoutError;

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
    Takeout(#[from] TakeoutError),
    /// This deployment (or local server) has no payment provider set up.
    #[error(
        "Online payment is not set up here, so takeout orders cannot be placed. Please order at the restaurant."
    )]
    PaymentsNotConfigured,
    #[error(transparent)]
    PaymentGateway(#[from] PaymentGatewayError),
    #[error("The webhook request was refused: {0}.")]
    InvalidWebhook(#[from] WebhookRejection),
    /// A payment event for an order this store does not show yet: the
    /// provider should deliver it again later.
    #[error("The order this payment is for is not visible yet; deliver the event again later.")]
    PaymentEventTooEarly,
    /// The order is not waiting for a payment (test payments only).
    #[error("This order is {0} and cannot be paid.")]
    NotPayable(&'static str),
    /// An order limit of the restaurant (per table or overall) is reached.
    #[error("{}", .0.message())]
    TooManyOrders(LimitReached),
    /// A staff action that does not fit where the order is now (a bump of
    /// a cancelled order, a second approval).
    #[error("Order {number} is {status}; it cannot be {action}.")]
    ActionNotAllowed {
        number: String,
        status: &'static str,
        action: &'static str,
    },
    #[error(transparent)]
    BadCursor(#[from] tabletap_core::board::BadCursor),
    #[error(transparent)]
    UnknownMenuEntry(#[from] tabletap_core::menu::UnknownMenuEntry),
    /// Reprints go straight to the kitchen's broker; it did not take them.
    #[error(
        "The kitchen printer service could not be reached; the ticket was not reprinted. Try again in a moment."
    )]
    KitchenUnavailable(#[source] anyhow::Error),
    /// This process has no kitchen publisher (a misconfigured function).
    #[error("Reprinting is not set up here.")]
    KitchenNotConfigured,
    /// Table links need the diner site's address, which this process was
    /// not given (TABLETAP_SITE_URL in AWS).
    #[error("The site's address is not set up here, so table links cannot be made.")]
    SiteUrlNotConfigured,
    #[error(transparent)]
    Photo(#[from] tabletap_core::photo::PhotoError),
    /// This process has no photo store (a misconfigured function).
    #[error("Photo uploads are not set up here.")]
    PhotosNotConfigured,
    /// An owner route named a table the restaurant does not have.
    #[error("There is no table {0:?} in this restaurant.")]
    UnknownTable(String),
    /// An owner saved a restaurant file based on an older version of it
    /// (another tab, another owner, or staff 86-ing a dish meanwhile).
    #[error(
        "The restaurant was changed since you opened it (perhaps a dish was marked sold out on the board). Nothing was saved: reload, then make your change again."
    )]
    EditedElsewhere,
    /// This process has no staff directory (a misconfigured function).
    #[error("Staff management is not set up here.")]
    StaffDirectoryNotConfigured,
    #[error(transparent)]
    StaffDirectory(#[from] DirectoryError),
    #[error(transparent)]
    InvalidEmail(#[from] tabletap_core::staff::InvalidEmail),
    #[error("{0:?} has no role in this restaurant.")]
    StaffMemberNotFound(String),
    /// A restaurant always keeps an owner: nobody could manage it otherwise.
    #[error(
        "{0} is the restaurant's only owner. Make someone else an owner first; then {0} can step down or leave."
    )]
    LastOwner(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A bug or broken data: logged in full, shown to nobody.
    #[error("unexpected error")]
    Unexpected(#[source] anyhow::Error),
}
