//! The ports: what the use cases need from the outside world, as narrow
//! traits. Each store trait groups the operations on one kind of record, so
//! a function's IAM policy can name exactly the calls it makes.

use crate::idempotency::IdempotencyRecord;
use crate::payments::PaymentEventRecord;
use async_trait::async_trait;
use tabletap_core::Date;
use tabletap_core::Timestamp;
use tabletap_core::board::ChangeMark;
use tabletap_core::ids::{RestaurantId, TableId};
use tabletap_core::menu::Menu;
use tabletap_core::order::{Order, OrderId, OrderStatus, StatusChange};
use tabletap_core::payment::OrderPayment;
use tabletap_core::restaurant::Restaurant;
use tabletap_core::staff::{EmailAddress, Role};
use tabletap_core::table::{Table, TokenLookup};
use tabletap_core::token::TableToken;

/// A store call that failed. Conditions that are part of normal operation
/// (a conditional write that lost) are not errors: they are outcomes.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Worth retrying: throttling, timeouts, the store being briefly away.
    #[error("the data store is unavailable")]
    Unavailable(#[source] anyhow::Error),
    /// A stored record does not read back: needs a person, not a retry.
    #[error("a stored record could not be read")]
    Corrupt(#[source] anyhow::Error),
}

#[async_trait]
pub trait RestaurantStore: Send + Sync {
    async fn put_restaurant(&self, restaurant: &Restaurant) -> Result<(), StoreError>;
    async fn get_restaurant(&self, id: &RestaurantId) -> Result<Option<Restaurant>, StoreError>;
}

#[async_trait]
pub trait MenuStore: Send + Sync {
    async fn put_menu(&self, menu: &Menu) -> Result<(), StoreError>;
    async fn get_menu(&self, restaurant: &RestaurantId) -> Result<Option<Menu>, StoreError>;
}

#[async_trait]
pub trait TableStore: Send + Sync {
    /// Creates or replaces a table. If the table had another token, that
    /// token becomes revoked in the same write, so rotating a QR code is one
    /// atomic step.
    async fn put_table(&self, table: &Table) -> Result<(), StoreError>;
    async fn get_table(
        &self,
        restaurant: &RestaurantId,
        table: &TableId,
    ) -> Result<Option<Table>, StoreError>;
    async fn list_tables(&self, restaurant: &RestaurantId) -> Result<Vec<Table>, StoreError>;
    /// Removes a table; its token becomes revoked in the same write, so the
    /// sticker left on a removed table says so instead of ordering.
    /// `false` when there was no such table.
    async fn delete_table(
        &self,
        restaurant: &RestaurantId,
        table: &TableId,
    ) -> Result<bool, StoreError>;
    async fn lookup_table_token(
        &self,
        token: &TableToken,
    ) -> Result<Option<TokenLookup>, StoreError>;
}

/// Result of inserting a new order.
#[derive(Debug)]
pub enum CreateOrderOutcome {
    Created,
    /// Another request with the same idempotency key got there first; nothing
    /// was written. Carries the winner's record.
    IdempotencyKeyTaken(IdempotencyRecord),
}

/// Result of a conditional status change.
#[derive(Debug)]
pub enum StatusUpdate {
    Applied(Box<Order>),
    /// The order was not in the expected status (a replay or a race).
    Conflict {
        current: OrderStatus,
    },
    NotFound,
}

#[async_trait]
pub trait OrderStore: Send + Sync {
    /// Hands out the next order number of a restaurant's business day,
    /// starting at 1. Numbers are unique; a failed order may leave a gap.
    async fn next_order_sequence(
        &self,
        restaurant: &RestaurantId,
        day: Date,
    ) -> Result<u32, StoreError>;

    /// Inserts a new order and, atomically with it, its idempotency record.
    /// Either both are written or neither.
    async fn create_order(
        &self,
        order: &Order,
        idempotency: Option<&IdempotencyRecord>,
    ) -> Result<CreateOrderOutcome, StoreError>;

    async fn get_idempotency_record(
        &self,
        restaurant: &RestaurantId,
        key: &str,
    ) -> Result<Option<IdempotencyRecord>, StoreError>;

    async fn get_order(
        &self,
        restaurant: &RestaurantId,
        id: &OrderId,
    ) -> Result<Option<Order>, StoreError>;

    /// Moves an order from `from` to `to` only if it is still `from`
    /// (a conditional write), appending to its history.
    async fn update_order_status(
        &self,
        restaurant: &RestaurantId,
        id: &OrderId,
        from: OrderStatus,
        to: OrderStatus,
        at: Timestamp,
    ) -> Result<StatusUpdate, StoreError> {
        self.apply_status_change(restaurant, id, from, &StatusChange::new(to, at))
            .await
    }

    /// [`update_order_status`](Self::update_order_status) with the whole
    /// history entry (a cancellation's reason). The one conditional write
    /// every status change goes through.
    async fn apply_status_change(
        &self,
        restaurant: &RestaurantId,
        id: &OrderId,
        from: OrderStatus,
        change: &StatusChange,
    ) -> Result<StatusUpdate, StoreError>;

    /// The orders of a restaurant whose last change was at or after
    /// `since`, as (id, updated_at) marks, oldest change first. Backed by an
    /// index of small items so that a board's idle poll costs almost
    /// nothing; like the day listing it may lag a write by a moment in
    /// DynamoDB (the cursor's overlap covers that).
    async fn list_order_changes(
        &self,
        restaurant: &RestaurantId,
        since: Timestamp,
    ) -> Result<Vec<ChangeMark>, StoreError>;

    /// Sets an order's payment record, and optionally its status, only if
    /// the order is still `expected` (one conditional write). Leaving
    /// PENDING_PAYMENT also ends the unpaid order's expiry (its TTL).
    async fn update_order_payment(
        &self,
        restaurant: &RestaurantId,
        id: &OrderId,
        expected: OrderStatus,
        to: Option<OrderStatus>,
        payment: &OrderPayment,
        at: Timestamp,
    ) -> Result<StatusUpdate, StoreError>;

    /// A restaurant's orders of one business day, oldest first.
    async fn list_orders_for_day(
        &self,
        restaurant: &RestaurantId,
        day: Date,
    ) -> Result<Vec<Order>, StoreError>;
}

/// A side effect of dispatching an order that must not happen twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DispatchStep {
    /// Every station's ticket was handed to the broker.
    TicketsPublished,
    /// The customer's receipt was handed to the mail service.
    ReceiptSent,
}

impl DispatchStep {
    pub const ALL: [DispatchStep; 2] = [DispatchStep::TicketsPublished, DispatchStep::ReceiptSent];

    pub fn as_str(self) -> &'static str {
        match self {
            DispatchStep::TicketsPublished => "tickets_published",
            DispatchStep::ReceiptSent => "receipt_sent",
        }
    }
}

/// What the dispatcher has already done for an order. The order's status
/// alone cannot say: a print acknowledgement may move an order past SENT
/// before its receipt went out, and a failed SENT write must not publish
/// the tickets again on the retry.
#[async_trait]
pub trait DispatchLog: Send + Sync {
    async fn dispatch_steps_done(
        &self,
        restaurant: &RestaurantId,
        order: &OrderId,
    ) -> Result<Vec<DispatchStep>, StoreError>;

    /// Records a step as done. Recording it again is harmless.
    async fn record_dispatch_step(
        &self,
        restaurant: &RestaurantId,
        order: &OrderId,
        step: DispatchStep,
        at: Timestamp,
    ) -> Result<(), StoreError>;
}

/// Payment provider events already processed, so a redelivered webhook
/// changes nothing.
#[async_trait]
pub trait PaymentEventStore: Send + Sync {
    async fn payment_event_processed(
        &self,
        restaurant: &RestaurantId,
        event_id: &str,
    ) -> Result<bool, StoreError>;

    /// Records an event as processed with a conditional put: `false` when
    /// it was already recorded (by a concurrent delivery of the same event).
    async fn record_payment_event(&self, record: &PaymentEventRecord) -> Result<bool, StoreError>;
}

/// Counters of order rate limits (see `tabletap_core::limits`): one per
/// restaurant, counter name and window.
#[async_trait]
pub trait RateCounterStore: Send + Sync {
    /// Counts one more order in the window starting at `window_start_epoch`
    /// of `counter`, unless the window already holds `limit`: a conditional
    /// increment, so concurrent requests can never count past the limit.
    /// `false` when the window is full (nothing was counted). A counter is
    /// forgotten after `forget_after` (the store's TTL).
    async fn take_rate_slot(
        &self,
        restaurant: &RestaurantId,
        counter: &str,
        window_start_epoch: i64,
        limit: u32,
        forget_after: Timestamp,
    ) -> Result<bool, StoreError>;
}

/// Everything a deployment's store offers; each adapter implements all of it.
pub trait Store:
    RestaurantStore
    + MenuStore
    + TableStore
    + OrderStore
    + DispatchLog
    + PaymentEventStore
    + RateCounterStore
    + crate::ticket_delivery::TicketLedger
{
}
impl<
    T: RestaurantStore
        + MenuStore
        + TableStore
        + OrderStore
        + DispatchLog
        + PaymentEventStore
        + RateCounterStore
        + crate::ticket_delivery::TicketLedger,
> Store for T
{
}

/// The current time, as a port so tests can pin it.
pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A failure to hand something to the outside world (IoT Core, SES, the
/// local broker). Whether to retry is the adapter's call: it knows which of
/// its errors are throttling or outages and which will never succeed.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// Throttled, timed out, or the service is briefly away: try again later.
    #[error("delivery failed for now: {0:#}")]
    Retryable(#[source] anyhow::Error),
    /// Will fail the same way every time (a rejected address, an unverified
    /// sender, a malformed request): retrying only delays the alarm.
    #[error("delivery failed permanently: {0:#}")]
    Permanent(#[source] anyhow::Error),
}

/// Publishes kitchen tickets. In AWS: IoT Core (QoS 1) through the data
/// plane; locally: the embedded MQTT broker.
#[async_trait]
pub trait KitchenPublisher: Send + Sync {
    /// Publishes `payload` to `topic` with QoS 1 (at least once).
    async fn publish(&self, topic: &str, payload: &[u8]) -> Result<(), DeliveryError>;
}

/// Where item photos are kept: the site's bucket in AWS (served by its
/// CloudFront distribution under `/photos/`), the data folder locally
/// (served by the local server).
#[async_trait]
pub trait PhotoStore: Send + Sync {
    /// Keeps `bytes` under `key` (`photos/<restaurant>/<hash>.<ext>`,
    /// content-derived, so writing it again is harmless); returns the
    /// address the site shows it at.
    async fn put_photo(
        &self,
        key: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<String, StoreError>;
}

/// A receipt ready to send: both parts already rendered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingEmail {
    pub to: String,
    pub subject: String,
    pub html: String,
    pub text: String,
}

/// Sends email. In AWS: SES v2 from the configured identity; locally: `.eml`
/// files in an outbox folder.
#[async_trait]
pub trait ReceiptMailer: Send + Sync {
    async fn send(&self, email: &OutgoingEmail) -> Result<(), DeliveryError>;
}

// ------------------------------------------------------------------ staff --

/// Where a member of staff stands with their account, as the directory
/// reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberStatus {
    /// Invited and not signed in yet: in AWS they must replace the emailed
    /// temporary password at first sign-in; locally they have not used the
    /// password the owner handed over.
    Invited,
    /// Has signed in with a password of their own.
    Active,
    /// Must reset their password before signing in again.
    PasswordResetRequired,
    /// The account cannot sign in at all (disabled by an administrator).
    Disabled,
    /// A state this version does not know (a newer Cognito status).
    Unknown,
}

impl MemberStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MemberStatus::Invited => "invited",
            MemberStatus::Active => "active",
            MemberStatus::PasswordResetRequired => "password_reset_required",
            MemberStatus::Disabled => "disabled",
            MemberStatus::Unknown => "unknown",
        }
    }
}

/// One person with a role in a restaurant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffMember {
    /// The directory's name for the account, the token's `cognito:username`:
    /// in a Cognito pool that signs in by email a generated id, locally the
    /// sign-in name. What removing someone names.
    pub username: String,
    /// The token's `sub`, when the directory reports it.
    pub subject: Option<String>,
    /// The address they sign in with and were invited at; `None` for a
    /// local account named otherwise (`staff add --username anna`).
    pub email: Option<String>,
    /// Their role here; someone in both groups is an owner.
    pub role: Role,
    pub status: MemberStatus,
}

impl StaffMember {
    /// Whether `name` is this member: their username or their email.
    pub fn is_named(&self, name: &str) -> bool {
        self.username == name
            || self
                .email
                .as_deref()
                .is_some_and(|email| email.eq_ignore_ascii_case(name.trim()))
    }
}

/// Someone to give a role in a restaurant they have no role in yet.
#[derive(Clone, Debug)]
pub struct NewMember<'a> {
    pub restaurant_id: &'a RestaurantId,
    /// For the invitation's wording.
    pub restaurant_name: &'a str,
    pub email: &'a EmailAddress,
    pub role: Role,
}

/// What inviting someone did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Invitation {
    /// A new account. Cognito emailed its temporary password
    /// (`temporary_password` is `None`); local mode has no mail service, so
    /// it hands the password back to be shown to the owner once.
    NewAccount {
        member: StaffMember,
        temporary_password: Option<String>,
    },
    /// The person already had an account (perhaps in another restaurant):
    /// only the role here was added, and no email was sent.
    ExistingAccount { member: StaffMember },
}

impl Invitation {
    pub fn member(&self) -> &StaffMember {
        match self {
            Invitation::NewAccount { member, .. } | Invitation::ExistingAccount { member } => {
                member
            }
        }
    }
}

/// A staff directory call that failed.
#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    /// Throttled, timed out, or the directory is briefly away: try again.
    #[error("the staff directory is unavailable")]
    Unavailable(#[source] anyhow::Error),
    /// The directory refused what was asked of it (an address it will not
    /// take); the message says why, for the owner.
    #[error("{0}")]
    Refused(String),
    /// Anything else (a missing permission, a missing pool): needs a fix
    /// of the deployment, not a retry.
    #[error("the staff directory failed")]
    Failed(#[source] anyhow::Error),
}

/// The people who may sign in for a restaurant and their roles, as groups
/// `<restaurant>:staff` and `<restaurant>:owner`: Cognito's user pool in
/// AWS, the local user store in local mode. An account is global (one
/// person may work in several restaurants); every call here touches only
/// this restaurant's groups.
#[async_trait]
pub trait StaffDirectory: Send + Sync {
    /// Everyone with a role in the restaurant.
    async fn list_members(
        &self,
        restaurant: &RestaurantId,
    ) -> Result<Vec<StaffMember>, DirectoryError>;

    /// Gives the person the role in the restaurant, creating their account
    /// (with a temporary password) if they have none.
    async fn invite(&self, member: &NewMember<'_>) -> Result<Invitation, DirectoryError>;

    /// Moves a member to `role`: into its group first, then out of the
    /// other, so they never have no role on the way.
    async fn set_role(
        &self,
        restaurant: &RestaurantId,
        username: &str,
        role: Role,
    ) -> Result<(), DirectoryError>;

    /// Takes every role in the restaurant from the member. The account
    /// stays: they may work elsewhere.
    async fn remove(&self, restaurant: &RestaurantId, username: &str)
    -> Result<(), DirectoryError>;
}
