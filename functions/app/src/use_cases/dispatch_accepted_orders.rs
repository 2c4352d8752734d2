//! The dispatcher: when an order becomes ACCEPTED (a dine-in order on
//! arrival, a takeout order once paid), publish its kitchen tickets, send the
//! customer's receipt, and mark it SENT.
//!
//! It is fed by a store's change feed (the DynamoDB stream in AWS, the
//! embedded store's feed locally), which delivers at least once. So every
//! side effect is recorded in the [`DispatchLog`] after it happened and
//! skipped when it is already there: a redelivered change publishes nothing
//! twice and sends no second email. (A crash between the side effect and its
//! record repeats that one step on redelivery: the listener drops the
//! duplicate ticket by its id; a receipt could go out twice. Once per crash
//! in that window is the price of never losing one.)
//!
//! Handing a ticket to the broker is not delivering it: each ticket is
//! recorded in the [`TicketLedger`] as pending *before* it is published,
//! and stays the system's until its print acknowledgement arrives (the
//! redelivery sweep publishes it again meanwhile). See
//! `docs/kitchen-delivery.md`.
//!
//! Orders of one batch are dispatched [`CONCURRENT_ORDERS`] at a time and
//! an order's tickets are published together, so one slow broker round
//! trip or fsync does not hold up the orders behind it.

use crate::ports::{
    Clock, DeliveryError, DispatchLog, DispatchStep, KitchenPublisher, OrderStore, OutgoingEmail,
    ReceiptMailer, RestaurantStore, StatusUpdate, StoreError,
};
use crate::ticket_delivery::{TicketLedger, TicketRecord};
use futures::StreamExt;
use tabletap_core::ids::RestaurantId;
use tabletap_core::order::{Channel, Order, OrderId, OrderStatus};
use tabletap_core::ticket::{encode, tickets_for_order};

/// One change of an order, as a change feed reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderChange {
    pub restaurant_id: RestaurantId,
    pub order_id: OrderId,
    /// `None` when the order was just created.
    pub old_status: Option<OrderStatus>,
    pub new_status: OrderStatus,
}

impl OrderChange {
    /// The changes the dispatcher acts on. Later changes of an accepted
    /// order (SENT, PRINTED, ...) are not, so its own SENT write does not
    /// wake it again.
    pub fn became_accepted(&self) -> bool {
        self.new_status == OrderStatus::Accepted && self.old_status != Some(OrderStatus::Accepted)
    }
}

/// Why dispatching an order failed.
#[derive(Debug, thiserror::Error)]
pub enum DispatchError {
    /// Worth retrying the change: the store, the broker or the mail service
    /// is briefly away.
    #[error("dispatch failed for now, will retry: {0:#}")]
    Retryable(#[source] anyhow::Error),
    /// Retrying cannot help (broken data, a rejected address): needs a
    /// person. Everything that could be done was done.
    #[error("dispatch failed and needs attention: {0:#}")]
    Permanent(#[source] anyhow::Error),
}

impl From<StoreError> for DispatchError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Unavailable(_) => DispatchError::Retryable(error.into()),
            StoreError::Corrupt(_) => DispatchError::Permanent(error.into()),
        }
    }
}

impl From<DeliveryError> for DispatchError {
    fn from(error: DeliveryError) -> Self {
        match error {
            DeliveryError::Retryable(_) => DispatchError::Retryable(error.into()),
            DeliveryError::Permanent(_) => DispatchError::Permanent(error.into()),
        }
    }
}

/// What dispatching one order did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Dispatched {
    /// Tickets published now (0 when they had been before).
    pub tickets_published: usize,
    pub receipt_sent: bool,
    /// The order went ACCEPTED -> SENT with this call.
    pub marked_sent: bool,
    /// Nothing to do: the order is unknown, or in a status no ticket is
    /// sent for (cancelled, expired, unpaid).
    pub skipped: Option<&'static str>,
}

/// How many orders of a batch are dispatched at once.
pub const CONCURRENT_ORDERS: usize = 16;

/// The ports the dispatcher drives.
pub struct Dispatcher<'a, S: ?Sized> {
    pub store: &'a S,
    pub kitchen: &'a dyn KitchenPublisher,
    pub mailer: &'a dyn ReceiptMailer,
    pub clock: &'a dyn Clock,
}

impl<S> Dispatcher<'_, S>
where
    S: OrderStore + RestaurantStore + DispatchLog + TicketLedger + ?Sized,
{
    /// Brings one order's dispatch up to date. Safe to call any number of
    /// times for the same order. Its log lines carry the restaurant and order.
    #[tracing::instrument(name = "dispatch", skip_all, fields(restaurant = %restaurant_id, order = %order_id))]
    pub async fn dispatch_order(
        &self,
        restaurant_id: &RestaurantId,
        order_id: &OrderId,
    ) -> Result<Dispatched, DispatchError> {
        let Some(order) = self.store.get_order(restaurant_id, order_id).await? else {
            tracing::warn!(order = %order_id, restaurant = %restaurant_id, "dispatch: no such order; skipped");
            return Ok(skipped("unknown order"));
        };
        match order.status {
            OrderStatus::Accepted
            | OrderStatus::Sent
            | OrderStatus::Printed
            | OrderStatus::Ready
            | OrderStatus::Completed => {}
            OrderStatus::PendingPayment
            | OrderStatus::AwaitingApproval
            | OrderStatus::Cancelled
            | OrderStatus::Expired => return Ok(skipped(order.status.as_str())),
        }
        let done = self
            .store
            .dispatch_steps_done(restaurant_id, order_id)
            .await?;
        let restaurant = self
            .store
            .get_restaurant(restaurant_id)
            .await?
            .ok_or_else(|| {
                DispatchError::Permanent(anyhow::anyhow!(
                    "order {order_id} belongs to restaurant {restaurant_id}, which does not exist"
                ))
            })?;

        let mut outcome = Dispatched::default();
        // Past ACCEPTED the kitchen has the tickets (an acknowledgement or a
        // person moved it on): never print it again.
        if order.status == OrderStatus::Accepted && !done.contains(&DispatchStep::TicketsPublished)
        {
            outcome.tickets_published = self.publish_tickets(&order, &restaurant.time_zone).await?;
            self.record(&order, DispatchStep::TicketsPublished).await?;
        }

        // The kitchen must not wait for the mail service: a receipt that
        // cannot be sent is reported after the order went to SENT.
        let mut receipt_failure = None;
        if let Some(to) = receipt_address(&order)
            && !done.contains(&DispatchStep::ReceiptSent)
        {
            match self.send_receipt(&order, &restaurant, to).await {
                Ok(()) => {
                    self.record(&order, DispatchStep::ReceiptSent).await?;
                    outcome.receipt_sent = true;
                }
                Err(DispatchError::Permanent(error)) => receipt_failure = Some(error),
                Err(retryable) => return Err(retryable),
            }
        }

        if order.status == OrderStatus::Accepted {
            match self
                .store
                .update_order_status(
                    restaurant_id,
                    order_id,
                    OrderStatus::Accepted,
                    OrderStatus::Sent,
                    self.clock.now(),
                )
                .await?
            {
                StatusUpdate::Applied(_) => outcome.marked_sent = true,
                // A print acknowledgement or a person got there first.
                StatusUpdate::Conflict { current } => {
                    tracing::info!(order = %order_id, status = %current, "dispatch: order moved on before SENT was written");
                }
                StatusUpdate::NotFound => {}
            }
        }
        tracing::info!(
            order = %order_id,
            number = %order.number,
            tickets = outcome.tickets_published,
            receipt = outcome.receipt_sent,
            sent = outcome.marked_sent,
            "order dispatched"
        );
        match receipt_failure {
            Some(error) => Err(DispatchError::Permanent(
                error.context(format!("the receipt for order {order_id} was not sent")),
            )),
            None => Ok(outcome),
        }
    }

    async fn publish_tickets(
        &self,
        order: &Order,
        time_zone: &str,
    ) -> Result<usize, DispatchError> {
        let tickets = tickets_for_order(order, time_zone, 0);
        let now = self.clock.now();
        let records: Vec<_> = tickets
            .iter()
            .map(|ticket| TicketRecord::pending(ticket, now))
            .collect();
        // Owned from here on: if the publish below is lost, or the broker
        // drops it, the redelivery sweep sends it again.
        self.store.record_tickets_pending(&records).await?;
        let published = futures::future::join_all(tickets.iter().map(|ticket| async move {
            self.kitchen.publish(&ticket.topic(), &encode(ticket)).await
        }))
        .await;
        for result in published {
            result?;
        }
        Ok(tickets.len())
    }

    async fn send_receipt(
        &self,
        order: &Order,
        restaurant: &tabletap_core::restaurant::Restaurant,
        to: &str,
    ) -> Result<(), DispatchError> {
        let receipt = tabletap_receipt::render_receipt(order, restaurant)
            .map_err(|e| DispatchError::Permanent(e.into()))?;
        self.mailer
            .send(&OutgoingEmail {
                to: to.to_owned(),
                subject: receipt.subject,
                html: receipt.html,
                text: receipt.text,
            })
            .await?;
        Ok(())
    }

    async fn record(&self, order: &Order, step: DispatchStep) -> Result<(), DispatchError> {
        self.store
            .record_dispatch_step(&order.restaurant_id, &order.id, step, self.clock.now())
            .await?;
        Ok(())
    }

    /// Dispatches a feed's batch of changes in order, acting on the ones
    /// where an order became ACCEPTED.
    ///
    /// Stops at the first retryable failure and returns its position: the
    /// feed delivers that change and everything after it again (as a
    /// DynamoDB stream does for a reported batch item failure). Permanent
    /// failures are logged and passed over, so one bad order never blocks
    /// the orders behind it.
    pub async fn dispatch_batch(&self, changes: &[Option<OrderChange>]) -> BatchOutcome {
        let mut outcome = BatchOutcome::default();
        let accepted: Vec<_> = changes
            .iter()
            .enumerate()
            .filter_map(|(position, change)| {
                change
                    .as_ref()
                    .filter(|c| c.became_accepted())
                    .map(|c| (position, c))
            })
            .collect();
        let mut results = futures::stream::iter(accepted)
            .map(|(position, change)| async move {
                let result = self
                    .dispatch_order(&change.restaurant_id, &change.order_id)
                    .await;
                (position, change, result)
            })
            // In feed order, so the first retryable failure is the point
            // the feed resumes from; the orders after it that did succeed
            // are skipped on redelivery by their dispatch log.
            .buffered(CONCURRENT_ORDERS);
        while let Some((position, change, result)) = results.next().await {
            match result {
                Ok(_) => outcome.dispatched += 1,
                Err(DispatchError::Permanent(error)) => {
                    tracing::error!(
                        order = %change.order_id,
                        restaurant = %change.restaurant_id,
                        outcome = "permanent_failure",
                        error = format!("{error:#}"),
                        "dispatch failed permanently; not retried"
                    );
                    outcome.permanent_failures += 1;
                }
                Err(DispatchError::Retryable(error)) => {
                    tracing::warn!(
                        order = %change.order_id,
                        outcome = "retryable_failure",
                        error = format!("{error:#}"),
                        "dispatch failed; the change will be retried"
                    );
                    outcome.retry_from = Some(position);
                    break;
                }
            }
        }
        outcome
    }
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct BatchOutcome {
    pub dispatched: usize,
    pub permanent_failures: usize,
    /// Position of the first change to deliver again, if any.
    pub retry_from: Option<usize>,
}

fn skipped(reason: &'static str) -> Dispatched {
    Dispatched {
        skipped: Some(reason),
        ..Dispatched::default()
    }
}

/// Takeout customers get a receipt; dine-in diners pay at the table.
fn receipt_address(order: &Order) -> Option<&str> {
    match &order.channel {
        Channel::Takeout { customer, .. } if !customer.email.is_empty() => {
            Some(customer.email.as_str())
        }
        _ => None,
    }
}
