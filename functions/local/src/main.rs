//! `tabletap-local`: the whole TableTap system in one process, for
//! development and for a restaurant that wants to run on its own kitchen PC.
//! No AWS account, no internet: embedded defaults for everything.

mod cli;
mod dispatcher;
mod http_bridge;
mod kitchen;
mod outbox;
mod payments;
mod photos;
mod qr_sheet;
mod remote;
mod seed;
mod server;
mod staff;
mod test_payment;

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    owner_only_files();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("TABLETAP_LOG")
                .unwrap_or_else(|_| "info,tower_http=warn,rumqttd=warn".into()),
        )
        .with_target(false)
        .init();
    // The MQTT clients use rustls with the ring backend.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cli = cli::Cli::parse();
    cli.run().await
}

/// The data file, the outbox's receipts, the broker's private keys and the
/// listener's configuration hold orders, customers' addresses and secrets:
/// everything this process creates is readable by its owner only.
fn owner_only_files() {
    // SAFETY: umask only sets the process's file-mode mask; it cannot fail.
    unsafe {
        libc::umask(0o077);
    }
}
