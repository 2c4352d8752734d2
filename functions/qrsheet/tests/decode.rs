//! The sheet read back by real tools: every code on the PDF, rendered by
//! pdftoppm, and every PNG decode with zbarimg to exactly its table's link.

mod support;

use std::collections::BTreeSet;
use tabletap_qrsheet::{DEFAULT_CAPTION, Layout, Paper, Sheet, SheetTable};

fn eight_tables() -> Sheet {
    let labels = [
        "Table 1",
        "Table 2",
        "Table 3",
        "Terrace 4",
        "Terrace 5",
        "Bar 6",
        "Garden by the fountain 7",
        "Stüberl 8",
    ];
    Sheet {
        restaurant_name: "Trattoria Ölmühle".into(),
        tables: labels
            .iter()
            .enumerate()
            .map(|(i, label)| SheetTable {
                id: format!("{}", i + 1),
                label: (*label).into(),
                // Realistic: a CloudFront host and a 22-character token.
                link: format!("https://d111111abcdef8.cloudfront.net/t/jHpRr_RjtgH7Oo13GSCV{i:02}"),
            })
            .collect(),
        caption: DEFAULT_CAPTION.into(),
    }
}

fn links(sheet: &Sheet) -> BTreeSet<String> {
    sheet.tables.iter().map(|t| t.link.clone()).collect()
}

#[test]
fn every_code_on_the_pdf_decodes_to_its_tables_link_on_both_papers() {
    let sheet = eight_tables();
    for paper in [Paper::A4, Paper::Letter] {
        let dir = tempfile::tempdir().unwrap();
        let pdf = dir.path().join("sheet.pdf");
        std::fs::write(&pdf, sheet.render_pdf(paper).unwrap()).unwrap();
        let pages = support::pdf_pages_to_png(&pdf, 30, dir.path());
        assert_eq!(pages.len(), 2, "{paper}: 8 tables at 6 per page");
        // Each cell on its own, as a phone over one sticker sees it, at
        // 150 dpi (an office printer's coarsest useful setting): exactly
        // one code, its own table's link.
        let cells = support::decode_cells(&pdf, &Layout::for_paper(paper), 8, 150, dir.path());
        for (cell, table) in cells.iter().zip(&sheet.tables) {
            assert_eq!(
                cell,
                std::slice::from_ref(&table.link),
                "{paper}: {}",
                table.label
            );
        }
        let decoded: BTreeSet<String> = cells.into_iter().flatten().collect();
        assert_eq!(decoded, links(&sheet), "{paper}");
    }
}

#[test]
fn every_png_decodes_to_its_tables_link() {
    let sheet = eight_tables();
    let dir = tempfile::tempdir().unwrap();
    let pngs = sheet.render_pngs().unwrap();
    assert_eq!(pngs.len(), sheet.tables.len());
    for ((name, bytes), table) in pngs.iter().zip(&sheet.tables) {
        assert_eq!(name, &format!("table-{}.png", table.id));
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        assert_eq!(support::decode_qr_codes(&path), vec![table.link.clone()]);
    }
}

#[test]
fn the_pdf_is_vector_with_standard_fonts_and_says_what_it_is() {
    let pdf = eight_tables().render_pdf(Paper::A4).unwrap();
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.starts_with("%PDF-"));
    assert!(text.contains("/BaseFont /Helvetica-Bold"));
    assert!(text.contains("/Encoding /WinAnsiEncoding"));
    assert!(!text.contains("/FontFile"), "no font is embedded");
    assert!(
        !text.contains("/Image"),
        "codes are drawn, not pasted as images"
    );
    assert!(text.contains("/MediaBox [0 0 595.2756 841.8898]"), "A4");
}

#[test]
fn an_empty_sheet_is_refused_with_what_to_do() {
    let mut sheet = eight_tables();
    sheet.tables.clear();
    let error = sheet.render_pdf(Paper::A4).unwrap_err().to_string();
    assert!(error.contains("no tables"), "{error}");
}

#[test]
fn names_the_pdf_font_cannot_show_are_reported() {
    let mut sheet = eight_tables();
    assert!(sheet.unprintable_characters().is_empty());
    sheet.restaurant_name = "Bar Łódź".into();
    assert_eq!(sheet.unprintable_characters(), vec!['Ł', 'ź']);
}
