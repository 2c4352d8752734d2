//! `render`: a ticket JSON file as the printer would print it, without a
//! printer or a config: the preview on stdout, the raw bytes to a file.

use crate::render::{escpos::to_escpos, layout_ticket, preview};
use anyhow::Context;
use std::path::Path;
use std::process::ExitCode;
use tabletap_core::ticket::decode;

pub fn render(ticket_path: &Path, out: Option<&Path>, columns: usize) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        (24..=96).contains(&columns),
        "--columns must be between 24 and 96"
    );
    let payload = std::fs::read(ticket_path)
        .with_context(|| format!("cannot read {}", ticket_path.display()))?;
    let ticket =
        decode(&payload).with_context(|| format!("{} is not a ticket", ticket_path.display()))?;
    let layout = layout_ticket(&ticket, columns);
    print!("{}", preview::to_text(&layout));
    if let Some(out) = out {
        let bytes = to_escpos(&layout);
        std::fs::write(out, &bytes).with_context(|| format!("cannot write {}", out.display()))?;
        eprintln!(
            "wrote {} bytes of ESC/POS to {}",
            bytes.len(),
            out.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
