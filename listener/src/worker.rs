//! One task per printer: prints its tickets in arrival order, holds a ticket
//! (retrying with backoff) while the printer is off, out of paper or open,
//! and acknowledges the MQTT message only after the printer took the job
//! and the journal remembers it.
//!
//! Order of a ticket's steps, and why:
//! 1. journal says printed already? -> skip to 4 (a redelivery)
//! 2. print (blocking, on the blocking pool; the MQTT loop keeps running)
//! 3. journal the ticket id (fsync)
//! 4. publish the PrintAck, then acknowledge the ticket message. The PrintAck
//!    goes first on the same connection, so an acknowledged ticket always has
//!    its PrintAck sent; a crash in between only repeats the PrintAck.
//!
//! A crash between 2 and 3 prints that ticket again when it is redelivered:
//! a duplicate ticket is better than a lost one.

use crate::backoff::Backoff;
use crate::config::BackoffConfig;
use crate::journal::{Journal, JournalError};
use crate::printer::{Job, PrintError, Printer};
use crate::render::{escpos::to_escpos, layout_ticket};
use crate::shutdown::Shutdown;
use jiff::Timestamp;
use rumqttc::{AsyncClient, Publish, QoS};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tabletap_core::ticket::{PRINT_ACK_VERSION, PrintAck, TicketV1};
use tokio::sync::mpsc;

/// While a ticket is held, repeat the warning this often (state changes are
/// logged at once).
const HOLD_REMINDER: Duration = Duration::from_secs(60);

/// A ticket to print and the message to acknowledge afterwards.
pub struct Work {
    pub publish: Publish,
    pub ticket: Box<TicketV1>,
}

/// What the rest of the listener shares with every worker.
#[derive(Clone)]
pub struct Shared {
    pub client: AsyncClient,
    pub journal: Arc<Mutex<Journal>>,
    pub ack_topic: String,
    /// Our MQTT client id, reported in each PrintAck.
    pub client_id: String,
    pub shutdown: Shutdown,
}

pub struct Worker {
    pub printer: Arc<Printer>,
    pub retry: BackoffConfig,
    pub shared: Shared,
}

enum Outcome {
    Printed(Timestamp),
    AlreadyPrinted(Timestamp),
}

#[derive(Debug, thiserror::Error)]
enum JobError {
    #[error(transparent)]
    Printer(#[from] PrintError),
    #[error("printed, but could not record it in the journal: {0}")]
    Journal(#[source] JournalError),
}

impl Worker {
    /// Runs until shutdown or until the sender side is dropped.
    pub async fn run(self, mut queue: mpsc::UnboundedReceiver<Work>) {
        let mut shutdown = self.shared.shutdown.clone();
        loop {
            let work = tokio::select! {
                biased;
                _ = shutdown.requested() => return,
                work = queue.recv() => match work { Some(work) => work, None => return },
            };
            let Some(outcome) = self.print_until_done(&work.ticket).await else {
                return;
            };
            self.acknowledge(work, outcome).await;
        }
    }

    /// Prints, retrying while the printer cannot take the job. `None` when
    /// shutdown came first (the ticket stays unacknowledged at the broker).
    async fn print_until_done(&self, ticket: &TicketV1) -> Option<Outcome> {
        let layout = layout_ticket(ticket, self.printer.columns);
        let job = Arc::new(Job {
            bytes: to_escpos(&layout),
            layout,
        });
        let mut backoff = Backoff::new(self.retry);
        let mut hold = HoldLog::default();
        let mut shutdown = self.shared.shutdown.clone();
        loop {
            let printer = Arc::clone(&self.printer);
            let journal = Arc::clone(&self.shared.journal);
            let ticket_id = ticket.ticket_id.clone();
            let job = Arc::clone(&job);
            let attempt = tokio::task::spawn_blocking(move || {
                print_once(&printer, &journal, &ticket_id, &job)
            })
            .await;
            match attempt {
                Ok(Ok(outcome)) => {
                    hold.released(&self.printer.name, &ticket.ticket_id);
                    return Some(outcome);
                }
                Ok(Err(JobError::Journal(error))) => {
                    tracing::error!(
                        printer = %self.printer.name,
                        ticket_id = %ticket.ticket_id,
                        "{error}; acknowledging anyway, but a redelivery of this ticket would print again: check the disk"
                    );
                    return Some(Outcome::Printed(Timestamp::now()));
                }
                Ok(Err(JobError::Printer(error))) => {
                    let delay = backoff.next_delay();
                    hold.held(&self.printer.name, &ticket.ticket_id, &error, delay);
                    tokio::select! {
                        _ = tokio::time::sleep(delay) => {}
                        _ = shutdown.requested() => return None,
                    }
                }
                Err(panic) => {
                    let delay = backoff.next_delay();
                    tracing::error!(printer = %self.printer.name, ticket_id = %ticket.ticket_id, "print attempt crashed: {panic}; retrying in {delay:?}");
                    tokio::select! {
                        _ = tokio::time::sleep(delay) => {}
                        _ = shutdown.requested() => return None,
                    }
                }
            }
        }
    }

    async fn acknowledge(&self, work: Work, outcome: Outcome) {
        let ticket = &work.ticket;
        let printed_at = match outcome {
            Outcome::Printed(at) => {
                tracing::info!(
                    printer = %self.printer.name,
                    ticket_id = %ticket.ticket_id,
                    order = %ticket.order_number,
                    station = %ticket.station,
                    "printed ticket"
                );
                at
            }
            Outcome::AlreadyPrinted(at) => {
                tracing::info!(
                    printer = %self.printer.name,
                    ticket_id = %ticket.ticket_id,
                    printed_at = %at,
                    "ticket was delivered again but already printed; acknowledging without printing"
                );
                at
            }
        };
        let ack = PrintAck {
            version: PRINT_ACK_VERSION,
            ticket_id: ticket.ticket_id.clone(),
            restaurant_id: ticket.restaurant_id.clone(),
            order_id: ticket.order_id.clone(),
            station: ticket.station.clone(),
            printed_at,
            printer: self.shared.client_id.clone(),
        };
        let client = &self.shared.client;
        match serde_json::to_vec(&ack) {
            Ok(payload) => {
                if let Err(error) = client
                    .publish(&self.shared.ack_topic, QoS::AtLeastOnce, false, payload)
                    .await
                {
                    tracing::error!(ticket_id = %ticket.ticket_id, "could not queue the print acknowledgement: {error}");
                }
            }
            Err(error) => {
                tracing::error!(ticket_id = %ticket.ticket_id, "could not encode the print acknowledgement: {error}")
            }
        }
        if let Err(error) = client.ack(&work.publish).await {
            tracing::error!(ticket_id = %ticket.ticket_id, "could not acknowledge the ticket message (it will be redelivered and skipped): {error}");
        }
    }
}

/// One attempt, on the blocking pool: skip if journaled, else print and
/// journal.
fn print_once(
    printer: &Printer,
    journal: &Mutex<Journal>,
    ticket_id: &str,
    job: &Job,
) -> Result<Outcome, JobError> {
    let lock = || {
        journal
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    };
    if let Some(at) = lock().printed_at(ticket_id) {
        return Ok(Outcome::AlreadyPrinted(at));
    }
    printer.print(job)?;
    let at = Timestamp::now();
    lock().record(ticket_id, at).map_err(JobError::Journal)?;
    Ok(Outcome::Printed(at))
}

/// Keeps the hold warnings readable: one line when a ticket starts waiting
/// or the reason changes, a reminder every minute, one line when it prints.
#[derive(Default)]
struct HoldLog {
    since: Option<Instant>,
    last_kind: Option<&'static str>,
    last_warning: Option<Instant>,
}

impl HoldLog {
    fn held(&mut self, printer: &str, ticket_id: &str, error: &PrintError, retry_in: Duration) {
        let now = Instant::now();
        let since = *self.since.get_or_insert(now);
        let changed = self.last_kind != Some(error.kind());
        let remind = self
            .last_warning
            .is_none_or(|at| now.duration_since(at) >= HOLD_REMINDER);
        if changed || remind {
            tracing::warn!(
                printer,
                ticket_id,
                reason = error.kind(),
                waiting_s = now.duration_since(since).as_secs(),
                "holding ticket: {error}; retrying in {retry_in:.1?}, the ticket stays unacknowledged until it prints"
            );
            self.last_warning = Some(now);
        } else {
            tracing::debug!(
                printer,
                ticket_id,
                reason = error.kind(),
                "still holding ticket: {error}"
            );
        }
        self.last_kind = Some(error.kind());
    }

    fn released(&self, printer: &str, ticket_id: &str) {
        if let Some(since) = self.since {
            tracing::info!(
                printer,
                ticket_id,
                waited_s = since.elapsed().as_secs(),
                "printer is back; printing held ticket"
            );
        }
    }
}
