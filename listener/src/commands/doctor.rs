//! `doctor`: checks everything the service needs, in the order a person
//! setting up a kitchen PC meets it, and says what to fix. Exits non-zero
//! when anything would stop tickets from printing.
//!
//! The broker check connects with the listener's own client id (IoT
//! policies allow no other) and its persistent session: it subscribes to
//! the same topics, acknowledges nothing, and disconnects, so queued tickets
//! stay for the service. When the service is running (it holds the state
//! dir lock) the broker check is skipped rather than kick it off.

use crate::config::Config;
use crate::journal::{Journal, JournalError};
use crate::mqtt;
use crate::printer::{Printer, Readiness};
use crate::tls::{CertificateInfo, TlsMaterial};
use jiff::{SignedDuration, Timestamp};
use rumqttc::{AsyncClient, Event, Packet, SubscribeReasonCode};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// Warn this long before a certificate expires.
const EXPIRY_WARNING: SignedDuration = SignedDuration::from_hours(30 * 24);

#[derive(Default)]
struct Report {
    failures: usize,
}

impl Report {
    fn ok(&mut self, what: &str, detail: impl std::fmt::Display) {
        println!("ok    {what}: {detail}");
    }

    fn warn(&mut self, what: &str, detail: impl std::fmt::Display) {
        println!("WARN  {what}: {detail}");
    }

    fn fail(&mut self, what: &str, detail: impl std::fmt::Display) {
        self.failures += 1;
        println!("FAIL  {what}: {detail}");
    }

    fn finish(self) -> ExitCode {
        if self.failures == 0 {
            println!("\nall checks passed");
            ExitCode::SUCCESS
        } else {
            println!(
                "\n{} check(s) failed; fix them and run `tabletap-listener doctor` again",
                self.failures
            );
            ExitCode::FAILURE
        }
    }
}

pub async fn doctor(config_path: &Path) -> anyhow::Result<ExitCode> {
    let mut report = Report::default();
    let config = match Config::load(config_path) {
        Ok(config) => {
            report.ok(
                "config",
                format!(
                    "{} (restaurant {})",
                    config_path.display(),
                    config.restaurant_id
                ),
            );
            config
        }
        Err(error) => {
            report.fail(
                "config",
                format!("{error}; see the sample in the listener README"),
            );
            return Ok(report.finish());
        }
    };

    let tls = check_certificates(&config, &mut report);
    let service_running = check_state_dir(&config, &mut report).await;
    match (tls, service_running) {
        (Some(tls), false) => check_broker(&config, tls, &mut report).await,
        (None, _) => report.fail("broker", "skipped: fix the certificates first"),
        (Some(_), true) => report.warn(
            "broker",
            "skipped: the listener service is running and connected with this client id; \
             stop it (`systemctl stop tabletap-listener`) to test the connection, or read its log (`journalctl -u tabletap-listener`)",
        ),
    }
    for printer_config in &config.printers {
        check_printer(Printer::from_config(printer_config), &mut report).await;
    }
    Ok(report.finish())
}

fn check_certificates(config: &Config, report: &mut Report) -> Option<Arc<rustls::ClientConfig>> {
    let material = match TlsMaterial::load(&config.mqtt) {
        Ok(material) => material,
        Err(error) => {
            report.fail("certificates", error);
            return None;
        }
    };
    let now = Timestamp::now();
    let mut usable = true;
    for (what, path, der) in [
        ("CA certificate", &config.mqtt.ca, &material.ca[0]),
        (
            "client certificate",
            &config.mqtt.cert,
            &material.cert_chain[0],
        ),
    ] {
        let label = format!("{what} {}", path.display());
        match CertificateInfo::parse(der) {
            Err(error) => {
                usable = false;
                report.fail(&label, format!("cannot read it: {error}"));
            }
            Ok(info) if now < info.not_before => {
                usable = false;
                report.fail(
                    &label,
                    format!("not valid before {}; check the PC's clock", info.not_before),
                );
            }
            Ok(info) if now > info.not_after => {
                usable = false;
                report.fail(
                    &label,
                    format!("expired on {}; issue a new one (README: provisioning) and restart the service", info.not_after),
                );
            }
            Ok(info) if info.not_after.duration_since(now) < EXPIRY_WARNING => report.warn(
                &label,
                format!(
                    "expires on {} (in under 30 days); plan a new certificate",
                    info.not_after
                ),
            ),
            Ok(info) => report.ok(
                &label,
                format!("{} valid until {}", info.subject, info.not_after),
            ),
        }
    }
    match material.client_config(&config.mqtt) {
        Ok(client) => {
            report.ok(
                "private key",
                format!("{} matches the certificate", config.mqtt.key.display()),
            );
            usable.then_some(client)
        }
        Err(error) => {
            report.fail("private key", error);
            None
        }
    }
}

/// Returns whether the service is running (it holds the state dir lock).
async fn check_state_dir(config: &Config, report: &mut Report) -> bool {
    let dir = config.state_dir.clone();
    let capacity = config.journal.capacity;
    let label = format!("state dir {}", dir.display());
    match tokio::task::spawn_blocking(move || Journal::open(&dir, capacity).map(|j| j.len())).await
    {
        Ok(Ok(remembered)) => {
            report.ok(
                &label,
                format!("writable; {remembered} printed ticket ids remembered"),
            );
            false
        }
        Ok(Err(JournalError::Locked(_))) => {
            report.ok(&label, "in use by the running listener service");
            true
        }
        Ok(Err(error)) => {
            report.fail(&label, error);
            false
        }
        Err(error) => {
            report.fail(&label, error);
            false
        }
    }
}

async fn check_broker(config: &Config, tls: Arc<rustls::ClientConfig>, report: &mut Report) {
    let mqtt_config = &config.mqtt;
    let label = format!("broker {}:{}", mqtt_config.host, mqtt_config.port);
    let (client, mut eventloop) = AsyncClient::new(mqtt::session_options(config, tls), 16);
    eventloop.set_network_options(mqtt::network_options(config));
    let limit = Duration::from_secs(mqtt_config.connect_timeout_secs.max(1) + 5);
    let outcome = tokio::time::timeout(limit, async {
        let mut queued = 0usize;
        let mut session_present = false;
        loop {
            match eventloop.poll().await {
                Ok(Event::Incoming(Packet::ConnAck(connack))) => {
                    session_present = connack.session_present;
                    client
                        .try_subscribe_many(mqtt::subscriptions(config))
                        .map_err(|e| format!("could not subscribe: {e}"))?;
                }
                Ok(Event::Incoming(Packet::SubAck(suback))) => {
                    if suback.return_codes.iter().any(|c| matches!(c, SubscribeReasonCode::Failure)) {
                        return Err("connected, but the broker refused the subscription: the policy must allow \
                                    iot:Subscribe/iot:Receive on this restaurant's kitchen topics"
                            .to_owned());
                    }
                    return Ok((session_present, queued));
                }
                Ok(Event::Incoming(Packet::Publish(_))) => queued += 1,
                Ok(_) => {}
                Err(error) => return Err(mqtt::explain(&error, &mqtt_config.host, mqtt_config.port)),
            }
        }
    })
    .await;
    match outcome {
        Ok(Ok((session_present, queued))) => report.ok(
            &label,
            format!(
                "connected as {} with mutual TLS and subscribed (session kept: {session_present}; {queued} queued ticket(s) seen and left for the service)",
                mqtt_config.client_id
            ),
        ),
        Ok(Err(message)) => report.fail(&label, message),
        Err(_) => report.fail(&label, format!("no answer within {limit:?}: check the internet connection, mqtt.host and the firewall")),
    }
    let _ = client.try_disconnect();
    let _ = tokio::time::timeout(Duration::from_secs(2), async {
        while let Ok(event) = eventloop.poll().await {
            if matches!(event, Event::Outgoing(rumqttc::Outgoing::Disconnect)) {
                break;
            }
        }
    })
    .await;
}

async fn check_printer(printer: Printer, report: &mut Report) {
    let label = format!("printer {} ({})", printer.name, printer.describe());
    if let Err(error) = printer.check_supported() {
        report.fail(&label, error);
        return;
    }
    match tokio::task::spawn_blocking(move || printer.readiness()).await {
        Ok(Ok(Some(Readiness::Ready { paper_low: false }))) => report.ok(&label, "ready"),
        Ok(Ok(Some(Readiness::Ready { paper_low: true }))) => {
            report.warn(&label, "ready, but paper is low")
        }
        Ok(Ok(Some(state))) => report.fail(
            &label,
            format!("{state}; tickets will wait until it is ready"),
        ),
        Ok(Ok(None)) => report.ok(
            &label,
            "opened (this connection cannot report paper or cover status)",
        ),
        Ok(Err(error)) => report.fail(&label, error),
        Err(error) => report.fail(&label, error),
    }
}
