//! `tabletap-local qr-sheet` on an imported restaurant: every code on the
//! PDF (rendered by pdftoppm, decoded by zbarimg) and every PNG is one of
//! the links `tabletap-local tables` prints, all of them, and after a
//! rotation the new link replaces the old.

#[path = "../../qrsheet/tests/support/mod.rs"]
mod support;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

const URL: &str = "http://192.168.1.20:8080";

fn local(data_dir: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_tabletap-local"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env("TABLETAP_LOG", "warn")
        .output()
        .expect("run tabletap-local");
    assert!(
        output.status.success(),
        "tabletap-local {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn printed_links(data_dir: &Path) -> BTreeSet<String> {
    local(data_dir, &["tables", "--public-url", URL])
        .split_whitespace()
        .filter(|w| w.contains("/t/"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_sheet_carries_every_tables_current_link() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/trattoria.yaml");
    local(&data, &["import", demo.to_str().unwrap()]);
    let links = printed_links(&data);
    assert_eq!(links.len(), 10);

    let first = dir.path().join("first");
    std::fs::create_dir(&first).unwrap();
    let pdf = first.join("tables.pdf");
    let pngs = first.join("png");
    let out = local(
        &data,
        &[
            "qr-sheet",
            "--public-url",
            URL,
            "--out",
            pdf.to_str().unwrap(),
            "--png-dir",
            pngs.to_str().unwrap(),
        ],
    );
    assert!(
        out.contains("10 tables of Trattoria Demo on 2 A4 pages"),
        "{out}"
    );
    assert_eq!(
        support::decode_sheet(&pdf, tabletap_qrsheet::Paper::A4, 10, &first),
        links
    );
    let from_pngs: BTreeSet<String> = std::fs::read_dir(&pngs)
        .unwrap()
        .flat_map(|e| support::decode_qr_codes(&e.unwrap().path()))
        .collect();
    assert_eq!(from_pngs, links);

    let rotated = local(
        &data,
        &["rotate-table", "--table", "7", "--public-url", URL],
    );
    let new_link = rotated.split_whitespace().last().unwrap().to_owned();
    let second = dir.path().join("second");
    std::fs::create_dir(&second).unwrap();
    let pdf = second.join("tables.pdf");
    local(
        &data,
        &[
            "qr-sheet",
            "--public-url",
            URL,
            "--out",
            pdf.to_str().unwrap(),
        ],
    );
    let now = support::decode_sheet(&pdf, tabletap_qrsheet::Paper::A4, 10, &second);
    assert_eq!(now, printed_links(&data));
    assert!(now.contains(&new_link));
    assert_eq!(now.difference(&links).count(), 1, "only table 7 changed");
}
