//! `tabletap-listener`: the kitchen PC's bridge from TableTap's MQTT topics
//! to its receipt printers. See README.md for setup.

use clap::Parser;
use std::io::IsTerminal;
use std::process::ExitCode;
use tabletap_listener::commands::{self, Cli, Command};
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    // One thread is plenty for one MQTT connection and a few printers;
    // printer I/O runs on the blocking pool.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match &cli.command {
            Command::Run => commands::run::run(commands::load_config(&cli)?).await,
            Command::Doctor => commands::doctor::doctor(&cli.config).await,
            Command::TestPrint { printer } => {
                commands::test_print::test_print(commands::load_config(&cli)?, printer.as_deref())
                    .await
            }
            Command::Render {
                ticket,
                out,
                columns,
            } => commands::render::render(ticket, out.as_deref(), *columns),
        }
    });
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Logs go to stderr (journald under systemd); `RUST_LOG` picks the level.
fn init_logging() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}
