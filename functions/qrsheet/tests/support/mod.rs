//! Looking at a sheet as a printer and a phone would: pdftoppm (poppler)
//! renders the PDF's pages, zbarimg (zbar) decodes every QR code it sees.
//! Shared by this crate's tests and tabletap-ops' (through `#[path]`).

#![allow(dead_code)]

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

/// Renders every page of `pdf` to a grey PNG at `dpi`; returns the files in
/// page order.
pub fn pdf_pages_to_png(pdf: &Path, dpi: u32, out_dir: &Path) -> Vec<PathBuf> {
    let prefix = out_dir.join("page");
    let output = Command::new(tool("pdftoppm"))
        .args(["-r", &dpi.to_string(), "-gray", "-png"])
        .arg(pdf)
        .arg(&prefix)
        .output()
        .expect("run pdftoppm");
    assert!(
        output.status.success(),
        "pdftoppm failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
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
            let output = Command::new(tool("pdftoppm"))
                .args(["-r", &dpi.to_string(), "-gray", "-png", "-singlefile"])
                .args(["-f", &page.to_string(), "-l", &page.to_string()])
                .args(["-x", &x.to_string(), "-y", &y.to_string()])
                .args(["-W", &w.to_string(), "-H", &h.to_string()])
                .arg(pdf)
                .arg(&prefix)
                .output()
                .expect("run pdftoppm");
            assert!(
                output.status.success(),
                "pdftoppm failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            decode_qr_codes(&prefix.with_extension("png"))
        })
        .collect()
}
