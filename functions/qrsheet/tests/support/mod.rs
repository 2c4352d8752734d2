//! Looking at a sheet as a printer and a phone would: pdftoppm (poppler)
//! renders the PDF's pages, zbarimg (zbar) decodes every QR code it sees.
//! Shared by this crate's tests and tabletap-ops' (through `#[path]`).

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

const HOW_TO_INSTALL: &str = "install them with scripts/lib/install-qr-tools.sh \
    (Debian's poppler-utils and zbar-tools; scripts/test.sh does this)";

fn tool(name: &str) -> PathBuf {
    for dir in ["/usr/bin", "/usr/local/bin", "/bin"] {
        let path = Path::new(dir).join(name);
        if path.is_file() {
            return path;
        }
    }
    panic!("{name} is not installed: this test needs pdftoppm and zbarimg; {HOW_TO_INSTALL}");
}

/// Runs pdftoppm on `pdf` as a grey PNG at `dpi` with `args` (page range,
/// crop) and writes to `prefix`; fails the test if pdftoppm does.
fn pdftoppm(pdf: &Path, dpi: u32, args: &[&str], prefix: &Path) {
    let output = Command::new(tool("pdftoppm"))
        .args(["-r", &dpi.to_string(), "-gray", "-png"])
        .args(args)
        .arg(pdf)
        .arg(prefix)
        .output()
        .expect("run pdftoppm");
    assert!(
        output.status.success(),
        "pdftoppm failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Renders every page of `pdf` to a grey PNG at `dpi`; returns the files in
/// page order.
pub fn pdf_pages_to_png(pdf: &Path, dpi: u32, out_dir: &Path) -> Vec<PathBuf> {
    pdftoppm(pdf, dpi, &[], &out_dir.join("page"));
    let mut pages: Vec<PathBuf> = std::fs::read_dir(out_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("page") && n.ends_with(".png"))
        })
        .collect();
    pages.sort();
    assert!(!pages.is_empty(), "pdftoppm wrote no page");
    pages
}

/// Every QR code zbarimg finds in `image`, as text, in no particular order.
pub fn decode_qr_codes(image: &Path) -> Vec<String> {
    let output = Command::new(tool("zbarimg"))
        .args(["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable"])
        .arg(image)
        .output()
        .expect("run zbarimg");
    // zbarimg exits 4 when it found no code at all.
    assert!(
        output.status.success() || output.status.code() == Some(4),
        "zbarimg failed on {}: {}",
        image.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("zbarimg prints UTF-8")
        .lines()
        .map(str::to_owned)
        .filter(|l| !l.is_empty())
        .collect()
}

/// Decodes each table's cell on its own, as a phone held over one sticker
/// would see it: the cell is cut out of its page by pdftoppm at `dpi`.
/// Returns the codes found in each of the first `count` cells, in order.
pub fn decode_cells(
    pdf: &Path,
    layout: &tabletap_qrsheet::Layout,
    count: usize,
    dpi: u32,
    out_dir: &Path,
) -> Vec<Vec<String>> {
    let scale = dpi as f32 / 72.0;
    (0..count)
        .map(|index| {
            let page = index / layout.per_page() + 1;
            let cell = layout.cell(index);
            let x = (cell.left * scale).round() as i64;
            let y = ((layout.page_height - (cell.bottom + cell.height)) * scale).round() as i64;
            let (w, h) = (
                (cell.width * scale).round() as i64,
                (cell.height * scale).round() as i64,
            );
            let prefix = out_dir.join(format!("cell-{index}"));
            let (page, x, y, w, h) = (
                page.to_string(),
                x.to_string(),
                y.to_string(),
                w.to_string(),
                h.to_string(),
            );
            let crop = [
                "-singlefile",
                "-f",
                &page,
                "-l",
                &page,
                "-x",
                &x,
                "-y",
                &y,
                "-W",
                &w,
                "-H",
                &h,
            ];
            pdftoppm(pdf, dpi, &crop, &prefix);
            decode_qr_codes(&prefix.with_extension("png"))
        })
        .collect()
}

/// Every cell of a sheet of `count` tables decoded on its own at 150 dpi
/// (as a phone over one sticker sees it): exactly one code each, no link
/// twice. Returns the links.
pub fn decode_sheet(
    pdf: &Path,
    paper: tabletap_qrsheet::Paper,
    count: usize,
    dir: &Path,
) -> BTreeSet<String> {
    let layout = tabletap_qrsheet::Layout::for_paper(paper);
    let cells = decode_cells(pdf, &layout, count, 150, dir);
    for (index, cell) in cells.iter().enumerate() {
        assert_eq!(cell.len(), 1, "cell {index}: {cell:?}");
    }
    let set: BTreeSet<String> = cells.iter().flatten().cloned().collect();
    assert_eq!(set.len(), count, "no code twice: {cells:?}");
    set
}
