//! `test-print`: a sample ticket through the real printer path (status
//! check, send, confirm), to check paper, cutter and characters. Nothing is
//! journaled or acknowledged.

use crate::config::Config;
use crate::printer::{Job, Printer};
use crate::render::{escpos::to_escpos, layout_ticket};
use jiff::Timestamp;
use std::process::ExitCode;
use tabletap_core::ids::RestaurantId;
use tabletap_core::ticket::{TicketV1, decode};

/// The sample: accents PC858 has, a name it lacks (transliterated), the euro
/// sign, options, allergens and notes.
const SAMPLE: &str = include_str!("test_print_sample.json");

pub fn sample_ticket(restaurant_id: &RestaurantId, now: Timestamp) -> anyhow::Result<TicketV1> {
    let mut ticket = decode(SAMPLE.as_bytes())?;
    ticket.restaurant_id = restaurant_id.clone();
    ticket.placed_at = now;
    Ok(ticket)
}

pub async fn test_print(config: Config, only: Option<&str>) -> anyhow::Result<ExitCode> {
    let ticket = sample_ticket(&config.restaurant_id, Timestamp::now())?;
    let chosen: Vec<_> = config
        .printers
        .iter()
        .filter(|p| only.is_none_or(|name| p.name == name))
        .collect();
    if chosen.is_empty() {
        let names: Vec<_> = config.printers.iter().map(|p| p.name.as_str()).collect();
        anyhow::bail!(
            "no printer named {:?}; configured: {names:?}",
            only.unwrap_or_default()
        );
    }
    let mut failed = false;
    for printer_config in chosen {
        let printer = Printer::from_config(printer_config);
        let layout = layout_ticket(&ticket, printer.columns);
        let job = Job {
            bytes: to_escpos(&layout),
            layout,
        };
        let name = printer.name.clone();
        let at = printer.describe();
        match tokio::task::spawn_blocking(move || printer.print(&job)).await? {
            Ok(()) => eprintln!("ok    {name} ({at}): test ticket sent and taken"),
            Err(error) => {
                failed = true;
                eprintln!("FAIL  {name} ({at}): {error}");
            }
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
