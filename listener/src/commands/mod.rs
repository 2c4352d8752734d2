//! The command line: `run` (the service), `doctor`, `test-print`, `render`.

pub mod doctor;
pub mod render;
pub mod run;
pub mod test_print;

use crate::config::{Config, DEFAULT_CONFIG_PATH};
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "tabletap-listener",
    version,
    about = "Prints TableTap kitchen tickets from MQTT on ESC/POS printers"
)]
pub struct Cli {
    /// Configuration file (TOML).
    #[arg(long, short, global = true, env = "TABLETAP_LISTENER_CONFIG", default_value = DEFAULT_CONFIG_PATH)]
    pub config: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Connect to the broker and print tickets until stopped (what the service runs).
    Run,
    /// Check the config, certificates, broker connection and printers, and say what to fix.
    Doctor,
    /// Print a sample ticket (accents, euro sign, allergens) to check a printer.
    TestPrint {
        /// Only this printer (by name); default: every configured printer.
        #[arg(long)]
        printer: Option<String>,
    },
    /// Show a ticket JSON file as the printer would print it; no config needed.
    Render {
        /// Ticket JSON (wire format v1).
        ticket: PathBuf,
        /// Also write the raw ESC/POS bytes here (e.g. `> /dev/usb/lp0` later).
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Characters per line in font A.
        #[arg(long, default_value_t = crate::render::DEFAULT_COLUMNS)]
        columns: usize,
    },
}

/// Loads the config named on the command line, with a hint on failure.
pub fn load_config(cli: &Cli) -> anyhow::Result<Config> {
    Ok(Config::load(&cli.config)?)
}
