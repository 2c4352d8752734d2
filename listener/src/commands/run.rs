//! `run`: the service. Polls the MQTT event loop without ever blocking it,
//! hands tickets to one worker per printer, reconnects with backoff, and on
//! Ctrl-C/SIGTERM finishes the job in hand and disconnects cleanly.

use crate::backoff::Backoff;
use crate::config::Config;
use crate::dispatch::{Decision, Router};
use crate::journal::Journal;
use crate::mqtt;
use crate::printer::Printer;
use crate::shutdown::Shutdown;
use crate::tls::TlsMaterial;
use crate::worker::{Shared, Work, Worker};
use anyhow::Context;
use rumqttc::{AsyncClient, Event, EventLoop, Outgoing, Packet, Publish, SubscribeReasonCode};
use std::path::Path;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tabletap_core::ticket::ack_topic;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

/// Requests (acks, publishes) that may wait for the event loop.
const REQUEST_QUEUE: usize = 256;
/// How long shutdown waits for a print in progress.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(15);

pub async fn run(config: Config) -> anyhow::Result<ExitCode> {
    let tls = TlsMaterial::load(&config.mqtt)?.client_config(&config.mqtt)?;
    let printers: Vec<Arc<Printer>> = config
        .printers
        .iter()
        .map(|p| Arc::new(Printer::from_config(p)))
        .collect();
    for printer in &printers {
        printer
            .check_supported()
            .with_context(|| format!("printer {:?}", printer.name))?;
    }
    let state_dir = config.state_dir.clone();
    let capacity = config.journal.capacity;
    let journal =
        tokio::task::spawn_blocking(move || Journal::open(&state_dir, capacity)).await??;
    tracing::info!(remembered = journal.len(), state_dir = %config.state_dir.display(), "journal of printed tickets loaded");

    let (client, mut eventloop) =
        AsyncClient::new(mqtt::session_options(&config, tls), REQUEST_QUEUE);
    eventloop.set_network_options(mqtt::network_options(&config));
    let shutdown = Shutdown::on_signals().context("cannot listen for Ctrl-C/SIGTERM")?;

    let shared = Shared {
        client: client.clone(),
        journal: Arc::new(Mutex::new(journal)),
        ack_topic: ack_topic(&config.restaurant_id),
        client_id: config.mqtt.client_id.clone(),
        shutdown: shutdown.clone(),
    };
    let mut workers = JoinSet::new();
    let mut queues = Vec::new();
    for (printer, printer_config) in printers.iter().zip(&config.printers) {
        let (sender, receiver) = mpsc::unbounded_channel();
        queues.push(sender);
        let worker = Worker {
            printer: Arc::clone(printer),
            retry: printer_config.retry,
            shared: shared.clone(),
        };
        tracing::info!(printer = %printer.name, at = %printer.describe(), stations = ?printer_config.stations, "printer ready");
        workers.spawn(worker.run(receiver));
    }

    let session = Session {
        config: &config,
        client: &client,
        router: Router::new(&config),
        queues,
    };
    session.serve(&mut eventloop, shutdown.clone()).await;

    drain(&mut eventloop, &mut workers).await;
    disconnect(&client, &mut eventloop).await;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

struct Session<'a> {
    config: &'a Config,
    client: &'a AsyncClient,
    router: Router,
    /// Unbounded so handing over a ticket never blocks the event loop; the
    /// broker's in-flight limit (QoS 1, unacknowledged) bounds it.
    queues: Vec<mpsc::UnboundedSender<Work>>,
}

impl Session<'_> {
    async fn serve(&self, eventloop: &mut EventLoop, mut shutdown: Shutdown) {
        let mqtt = &self.config.mqtt;
        let mut backoff = Backoff::new(mqtt.reconnect);
        tracing::info!(host = %mqtt.host, port = mqtt.port, client_id = %mqtt.client_id, "connecting to broker");
        loop {
            let event = tokio::select! {
                _ = shutdown.requested() => return,
                event = eventloop.poll() => event,
            };
            match event {
                Ok(Event::Incoming(Packet::ConnAck(connack))) => {
                    backoff.reset();
                    tracing::info!(
                        session_present = connack.session_present,
                        "connected to broker"
                    );
                    let topics = mqtt::subscriptions(self.config);
                    if let Err(error) = self.client.try_subscribe_many(topics) {
                        tracing::error!("could not queue the subscription: {error}");
                    }
                }
                Ok(Event::Incoming(Packet::SubAck(suback))) => {
                    let topics: Vec<_> = mqtt::subscriptions(self.config)
                        .into_iter()
                        .map(|f| f.path)
                        .collect();
                    if suback
                        .return_codes
                        .iter()
                        .any(|code| matches!(code, SubscribeReasonCode::Failure))
                    {
                        tracing::error!(
                            ?topics,
                            "broker refused the subscription: the IoT policy must allow iot:Subscribe and iot:Receive on this restaurant's kitchen topics"
                        );
                    } else {
                        tracing::info!(?topics, "subscribed; waiting for tickets");
                    }
                }
                Ok(Event::Incoming(Packet::Publish(publish))) => self.dispatch(publish),
                Ok(_) => {}
                Err(error) => {
                    let delay = backoff.next_delay();
                    tracing::warn!(
                        "broker connection failed: {}; retrying in {delay:.1?}",
                        mqtt::explain(&error, &mqtt.host, mqtt.port)
                    );
                    tokio::select! {
                        _ = shutdown.requested() => return,
                        _ = tokio::time::sleep(delay) => {}
                    }
                }
            }
        }
    }

    fn dispatch(&self, publish: Publish) {
        match self.router.decide(&publish.topic, &publish.payload) {
            Decision::Print { ticket, printer } => {
                tracing::debug!(ticket_id = %ticket.ticket_id, redelivery = publish.dup, "ticket received");
                if self.queues[printer].send(Work { publish, ticket }).is_err() {
                    tracing::error!("printer worker stopped; the ticket stays at the broker");
                }
            }
            Decision::Hold(reason) => tracing::error!("{reason}"),
            Decision::Discard(reason) => {
                tracing::error!("{reason}; acknowledging it so it is not redelivered");
                let rejected = self.config.state_dir.join("rejected");
                let client = self.client.clone();
                tokio::spawn(async move {
                    let payload = publish.payload.clone();
                    match tokio::task::spawn_blocking(move || keep_rejected(&rejected, &payload))
                        .await
                    {
                        Ok(Ok(path)) => {
                            tracing::info!(path = %path.display(), "kept the rejected message")
                        }
                        Ok(Err(error)) => {
                            tracing::warn!("could not keep the rejected message: {error}")
                        }
                        Err(error) => {
                            tracing::warn!("could not keep the rejected message: {error}")
                        }
                    }
                    if let Err(error) = client.ack(&publish).await {
                        tracing::warn!("could not acknowledge the rejected message: {error}");
                    }
                });
            }
        }
    }
}

/// Saves a payload nobody can print, for whoever debugs the sender.
fn keep_rejected(dir: &Path, payload: &[u8]) -> std::io::Result<std::path::PathBuf> {
    std::fs::create_dir_all(dir)?;
    let name = format!(
        "{}-{:08x}.msg",
        jiff::Timestamp::now().strftime("%Y%m%dT%H%M%S%.3fZ"),
        fastrand::u32(..)
    );
    let path = dir.join(name);
    std::fs::write(&path, payload)?;
    Ok(path)
}

/// Lets workers finish the print in hand (they stop at the next ticket),
/// while still polling so their acknowledgements go out.
async fn drain(eventloop: &mut EventLoop, workers: &mut JoinSet<()>) {
    let deadline = tokio::time::sleep(DRAIN_TIMEOUT);
    tokio::pin!(deadline);
    while !workers.is_empty() {
        tokio::select! {
            _ = workers.join_next() => {}
            polled = eventloop.poll() => {
                if polled.is_err() {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
            _ = &mut deadline => {
                tracing::warn!("a print did not finish within {DRAIN_TIMEOUT:?}; stopping anyway (its ticket will be delivered again)");
                workers.abort_all();
                return;
            }
        }
    }
}

/// Sends what is queued (acks) and a DISCONNECT, so the broker keeps the
/// session without waiting for a keep-alive timeout.
async fn disconnect(client: &AsyncClient, eventloop: &mut EventLoop) {
    if client.try_disconnect().is_err() {
        return;
    }
    let _ = tokio::time::timeout(Duration::from_secs(3), async {
        loop {
            match eventloop.poll().await {
                Ok(Event::Outgoing(Outgoing::Disconnect)) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
}
