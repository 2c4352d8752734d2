//! `tabletap-ops`: sets up and runs a deployed TableTap stack (see
//! docs/ops.md).

mod aws;
mod cli;
mod owners;
mod stack;
mod store;

use clap::Parser;
use std::process::ExitCode;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match cli::Cli::parse().run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("tabletap-ops: {error:#}");
            ExitCode::FAILURE
        }
    }
}
