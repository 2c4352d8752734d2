//! The `qr-sheet` command's options and file writing, shared by
//! `tabletap-ops` and `tabletap-local` so both write the same files. Behind
//! the `command` feature: the renderer itself stays free of I/O.

use crate::{Layout, Paper, Sheet};
use anyhow::Context;
use std::path::{Path, PathBuf};

/// Where and how the QR sheet is written.
#[derive(clap::Args, Debug)]
pub struct SheetArgs {
    /// Where the PDF goes.
    #[arg(long)]
    pub out: PathBuf,
    /// Also write one PNG per table (`table-<id>.png`) into this folder.
    #[arg(long)]
    pub png_dir: Option<PathBuf>,
    /// Paper size: a4 or letter.
    #[arg(long, default_value_t = Paper::A4)]
    pub paper: Paper,
    /// The line printed under each table's label.
    #[arg(long, default_value = crate::DEFAULT_CAPTION)]
    pub caption: String,
}

impl SheetArgs {
    /// Renders and writes the PDF (and PNGs); returns what to tell the user.
    pub fn write(self, mut sheet: Sheet) -> anyhow::Result<String> {
        sheet.caption = self.caption;
        let unprintable = sheet.unprintable_characters();
        if !unprintable.is_empty() {
            eprintln!(
                "warning: the PDF's standard font cannot show {}; they are printed as '?' \
                 (the codes are not affected). The PNGs carry no text.",
                unprintable
                    .iter()
                    .map(|c| format!("'{c}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        let pdf = sheet.render_pdf(self.paper)?;
        write_file(&self.out, &pdf)?;
        let per_page = Layout::for_paper(self.paper).per_page();
        let mut summary = format!(
            "Wrote {}: {} tables of {} on {} {} pages.",
            self.out.display(),
            sheet.tables.len(),
            sheet.restaurant_name,
            sheet.tables.len().div_ceil(per_page),
            self.paper.name()
        );
        if let Some(dir) = &self.png_dir {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            let pngs = sheet.render_pngs()?;
            for (name, bytes) in &pngs {
                write_file(&dir.join(name), bytes)?;
            }
            summary.push_str(&format!(" {} PNGs in {}.", pngs.len(), dir.display()));
        }
        Ok(summary)
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}
