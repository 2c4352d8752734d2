//! Writes a sample sheet to look at: `cargo run -p tabletap-qrsheet
//! --example sample_sheet -- OUT.pdf [a4|letter]`.

use tabletap_qrsheet::{DEFAULT_CAPTION, Paper, Sheet, SheetTable};

fn main() {
    let mut args = std::env::args().skip(1);
    let out = args.next().unwrap_or_else(|| "sample-sheet.pdf".into());
    let paper: Paper = args.next().map_or(Ok(Paper::A4), |p| p.parse()).unwrap();
    let sheet = Sheet {
        restaurant_name: "Trattoria Ölmühle".into(),
        tables: (1..=8)
            .map(|n| SheetTable {
                id: n.to_string(),
                label: if n < 7 {
                    format!("Table {n}")
                } else {
                    format!("Stüberl {n}")
                },
                link: format!("https://d111111abcdef8.cloudfront.net/t/jHpRr_RjtgH7Oo13GSCV{n:02}"),
            })
            .collect(),
        caption: DEFAULT_CAPTION.into(),
    };
    std::fs::write(&out, sheet.render_pdf(paper).unwrap()).unwrap();
    println!("wrote {out}");
}
