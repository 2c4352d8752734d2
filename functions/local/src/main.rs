//! `tabletap-local`: the whole TableTap system in one process, for
//! development and for a restaurant that wants to run on its own kitchen PC.
//! No AWS account, no internet: embedded defaults for everything.

mod cli;
mod http_bridge;
mod seed;
mod server;

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("TABLETAP_LOG")
                .unwrap_or_else(|_| "info,tower_http=warn".into()),
        )
        .with_target(false)
        .init();
    let cli = cli::Cli::parse();
    cli.run().await
}
