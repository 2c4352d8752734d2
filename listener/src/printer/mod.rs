//! Kitchen printers: how a rendered job reaches the paper, and whether the
//! printer really took it.
//!
//! Everything here blocks (the escpos drivers are synchronous): call it from
//! `spawn_blocking`. A job is sent on a fresh connection each time, so a
//! printer that was switched off and on again needs nothing special.

pub mod status;
mod transport;

use crate::config::{Connection, PrinterConfig};
use crate::render::{Layout, preview};
use std::time::Duration;

pub use status::Readiness;

/// One print job: the layout (for the console printer and logs) and its
/// ESC/POS bytes.
#[derive(Clone, Debug)]
pub struct Job {
    pub layout: Layout,
    pub bytes: Vec<u8>,
}

/// Why a job did not print. Every case is temporary from the listener's
/// point of view: the job is held and tried again.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("printer is off or unreachable ({0}); switch it on and check its cable or network")]
    Unreachable(String),
    #[error("printer is out of paper; load a new roll")]
    PaperOut,
    #[error("printer cover is open; close it")]
    CoverOpen,
    #[error("printer is offline: {0}")]
    Offline(String),
    #[error(
        "printer did not answer a status query ({0}); is it switched on and is this its address?"
    )]
    NotAnswering(String),
    #[error("sending to the printer failed: {0}")]
    Io(String),
    #[error("{0}")]
    Unsupported(String),
}

impl PrintError {
    /// A short stable word for logs and metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            PrintError::Unreachable(_) => "unreachable",
            PrintError::PaperOut => "paper_out",
            PrintError::CoverOpen => "cover_open",
            PrintError::Offline(_) => "offline",
            PrintError::NotAnswering(_) => "not_answering",
            PrintError::Io(_) => "io",
            PrintError::Unsupported(_) => "unsupported",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Printer {
    pub name: String,
    pub connection: Connection,
    pub columns: usize,
    pub timeout: Duration,
}

impl Printer {
    pub fn from_config(config: &PrinterConfig) -> Self {
        Self {
            name: config.name.clone(),
            connection: config.connection.clone(),
            columns: usize::from(config.columns),
            timeout: config.timeout(),
        }
    }

    /// Where the printer is, for logs.
    pub fn describe(&self) -> String {
        match &self.connection {
            Connection::Network { address } => format!("network {address}"),
            Connection::Usb {
                vendor_id,
                product_id,
            } => format!("USB {vendor_id:04x}:{product_id:04x}"),
            Connection::Serial { path, baud_rate } => format!("serial {path} at {baud_rate} baud"),
            Connection::File { path } => format!("file {}", path.display()),
            Connection::Console => "console".to_owned(),
        }
    }

    /// Fails when this build cannot drive the configured connection, so the
    /// listener refuses to start instead of holding tickets forever.
    pub fn check_supported(&self) -> Result<(), PrintError> {
        transport::check_supported(&self.connection)
    }

    /// Prints the job. Returns once the printer has taken it: for a network
    /// printer, after it reported ready before the job and answered a status
    /// query after it (so the bytes are in its buffer, not in a socket).
    pub fn print(&self, job: &Job) -> Result<(), PrintError> {
        if self.connection == Connection::Console {
            print!("{}", preview::to_text(&job.layout));
            return Ok(());
        }
        let link = transport::open(&self.connection, self.timeout)?;
        if link.has_status() {
            match status::query(link.driver())? {
                Readiness::Ready { paper_low } => {
                    if paper_low {
                        tracing::warn!(printer = %self.name, "paper is running low; have a new roll ready");
                    }
                }
                Readiness::PaperOut => return Err(PrintError::PaperOut),
                Readiness::CoverOpen => return Err(PrintError::CoverOpen),
                Readiness::Offline(why) => return Err(PrintError::Offline(why)),
            }
        }
        if link.has_status() {
            status::send_and_confirm(link.driver(), &job.bytes)
        } else {
            link.send(&job.bytes)
        }
    }

    /// The printer's state without printing, for `doctor`.
    pub fn readiness(&self) -> Result<Option<Readiness>, PrintError> {
        if self.connection == Connection::Console {
            return Ok(Some(Readiness::Ready { paper_low: false }));
        }
        let link = transport::open(&self.connection, self.timeout)?;
        if link.has_status() {
            status::query(link.driver()).map(Some)
        } else {
            Ok(None)
        }
    }
}
