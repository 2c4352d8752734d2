//! Real-time status (DLE EOT n): is the printer online, and if not, is it
//! out of paper or open. The printer answers these even while its buffer is
//! full or it is offline, which is what makes them useful here.

use super::PrintError;
use escpos::driver::Driver;
use escpos::utils::{RealTimeStatusRequest, RealTimeStatusResponse};
use std::collections::HashMap;

const DLE: u8 = 0x10;
const EOT: u8 = 0x04;

/// What the printer said about itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Readiness {
    Ready { paper_low: bool },
    PaperOut,
    CoverOpen,
    Offline(String),
}

impl std::fmt::Display for Readiness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Readiness::Ready { paper_low: false } => f.write_str("ready"),
            Readiness::Ready { paper_low: true } => f.write_str("ready, paper low"),
            Readiness::PaperOut => f.write_str("out of paper"),
            Readiness::CoverOpen => f.write_str("cover open"),
            Readiness::Offline(why) => write!(f, "offline ({why})"),
        }
    }
}

/// Asks for printer, offline-cause and paper-sensor status.
pub fn query(driver: &dyn Driver) -> Result<Readiness, PrintError> {
    use RealTimeStatusResponse as R;
    let printer = ask(driver, RealTimeStatusRequest::Printer)?;
    let paper = ask(driver, RealTimeStatusRequest::RollPaperSensor)?;
    if paper.get(&R::RollPaperEndSensorPaperPresent) == Some(&false) {
        return Ok(Readiness::PaperOut);
    }
    if printer.get(&R::Online) == Some(&false) {
        let cause = ask(driver, RealTimeStatusRequest::OfflineCause)?;
        if cause.get(&R::CoverClosed) == Some(&false) {
            return Ok(Readiness::CoverOpen);
        }
        if cause.get(&R::PrintingStopsDueToPaperEnd) == Some(&true) {
            return Ok(Readiness::PaperOut);
        }
        if cause.get(&R::ErrorOccurred) == Some(&true) {
            let error = ask(driver, RealTimeStatusRequest::ErrorCause)?;
            let why = if error.get(&R::AutocutterErrorOccurred) == Some(&true) {
                "cutter error: clear the cutter, then switch the printer off and on"
            } else if error.get(&R::UnrecoverableErrorOccurred) == Some(&true) {
                "unrecoverable error: switch the printer off and on"
            } else {
                "error: check the printer's light and manual"
            };
            return Ok(Readiness::Offline(why.into()));
        }
        return Ok(Readiness::Offline(
            "waiting to go online: check the printer's panel".into(),
        ));
    }
    let paper_low = paper.get(&R::RollPaperNearEndSensorPaperAdequate) == Some(&false);
    Ok(Readiness::Ready { paper_low })
}

/// Sends `job` and a status query behind it in one write, and waits for the
/// answer: the printer answers only after reading the bytes ahead of it, so
/// an answer means the whole job is in the printer, not in a socket buffer.
/// (One write also spares a Nagle delay per ticket.)
pub fn send_and_confirm(driver: &dyn Driver, job: &[u8]) -> Result<(), PrintError> {
    ask_after(driver, job, RealTimeStatusRequest::Printer).map(|_| ())
}

fn ask(
    driver: &dyn Driver,
    request: RealTimeStatusRequest,
) -> Result<HashMap<RealTimeStatusResponse, bool>, PrintError> {
    ask_after(driver, &[], request)
}

fn ask_after(
    driver: &dyn Driver,
    before: &[u8],
    request: RealTimeStatusRequest,
) -> Result<HashMap<RealTimeStatusResponse, bool>, PrintError> {
    let (n, _) = request.into();
    // DLE EOT n is three bytes for n = 1..4 (escpos's builder appends a
    // fourth byte meant for the n >= 7 forms).
    let mut bytes = Vec::with_capacity(before.len() + 3);
    bytes.extend_from_slice(before);
    bytes.extend_from_slice(&[DLE, EOT, n]);
    driver
        .write(&bytes)
        .map_err(|e| PrintError::Io(e.to_string()))?;
    driver.flush().map_err(|e| PrintError::Io(e.to_string()))?;
    let mut answer = [0u8; 1];
    match driver.read(&mut answer) {
        Ok(1) => {}
        Ok(_) => return Err(PrintError::NotAnswering("connection closed".into())),
        Err(e) => return Err(PrintError::NotAnswering(e.to_string())),
    }
    RealTimeStatusResponse::parse(request, answer[0]).map_err(|e| {
        PrintError::NotAnswering(format!("unexpected status byte {:#04x}: {e}", answer[0]))
    })
}
