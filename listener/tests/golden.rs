//! Golden tests: each ticket under tests/golden/*.json is rendered to
//! ESC/POS, read back by an independent ESC/POS reader and compared, as a
//! paper preview, with the `.txt` beside it. Run with `UPDATE_GOLDEN=1` to
//! rewrite the golden files after an intended layout change (and read the
//! diff).

#[path = "support/escpos_text.rs"]
mod escpos_text;

use std::path::{Path, PathBuf};
use tabletap_core::ticket::decode;
use tabletap_listener::render::{DEFAULT_COLUMNS, escpos::to_escpos, layout_ticket, preview};

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// Renders one sample and returns its paper preview as read back from bytes.
fn printed_text(name: &str) -> (String, Vec<u8>) {
    let json = std::fs::read(golden_dir().join(format!("{name}.json"))).unwrap();
    let ticket = decode(&json).unwrap();
    let layout = layout_ticket(&ticket, DEFAULT_COLUMNS);
    let bytes = to_escpos(&layout);
    let jobs = escpos_text::read_jobs(&bytes, DEFAULT_COLUMNS);
    assert_eq!(jobs.len(), 1, "one ticket, one cut");
    assert_eq!(
        jobs[0], layout,
        "the bytes carry exactly the laid-out lines and styles"
    );
    for block in &layout.blocks {
        if let tabletap_listener::render::Block::Text { text, style } = block {
            let width = DEFAULT_COLUMNS / usize::from(style.size.width());
            assert!(
                text.chars().count() <= width,
                "line wider than the paper: {text:?}"
            );
        }
    }
    (preview::to_text(&jobs[0]), bytes)
}

fn check_golden(name: &str) -> String {
    let (text, _) = printed_text(name);
    let path = golden_dir().join(format!("{name}.txt"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "{} is missing; run with UPDATE_GOLDEN=1 to create it",
            path.display()
        )
    });
    assert_eq!(
        text, expected,
        "{name} differs from its golden file; run with UPDATE_GOLDEN=1 if the change is intended"
    );
    text
}

#[test]
fn dine_in_with_accents_and_euro() {
    let text = check_golden("dine_in_accents");
    assert!(text.contains("Crème brûlée") && text.contains("Jalapeño") && text.contains("12,50 €"));
    assert!(
        text.contains("D I N E - I N")
            && text.contains("A  -  0  4  2")
            && text.contains("T a b l e   7")
    );
    assert!(
        text.contains("Placed Sat 21 Nov 19:03"),
        "order time in Berlin time, not print time"
    );
    assert!(!text.contains("REPRINT"));
    let (_, bytes) = printed_text("dine_in_accents");
    for pc858 in [[b'C', b'r', 0x8A], [b'b', b'r', 0x96], [b'0', b' ', 0xD5]] {
        assert!(
            bytes.windows(3).any(|w| w == pc858),
            "{pc858:02X?} missing: accents and euro print as PC858 bytes"
        );
    }
}

#[test]
fn takeout_transliterates_what_pc858_lacks() {
    let text = check_golden("takeout_transliterated");
    assert!(
        text.contains("L u k a s z   f r o m   L ó d z"),
        "Ł and ź transliterated, ó kept"
    );
    assert!(text.contains("Kielbasa \"z grilla\""));
    assert!(text.contains("PICKUP 19:45") || text.contains("P I C K U P   1 9 : 4 5"));
    assert!(text.contains("Placed Sat 21 Nov 19:03"), "Warsaw time");
    let unprintable: Vec<char> = text
        .chars()
        .filter(|c| !c.is_ascii() && !oem_cp::code_table::ENCODING_TABLE_CP858.contains_key(c))
        .collect();
    assert!(
        unprintable.is_empty(),
        "characters PC858 lacks reached the paper: {unprintable:?}"
    );
}

#[test]
fn reprint_shows_banner_and_pickup_date() {
    let text = check_golden("reprint_other_day");
    assert!(text.contains("R E P R I N T   # 2"));
    assert!(text.contains("Placed Sat 21 Nov 18:50"), "New York time");
    assert!(
        text.contains("S u n   2 2   N o v   1 2 : 3 0"),
        "pickup on another day shows the date"
    );
    assert!(text.contains("R e n é e   Ø d e g å r d"));
}

#[test]
fn a_test_payment_says_not_paid() {
    let text = check_golden("takeout_test_payment");
    assert!(
        text.contains("T E S T   P A Y M E N T   -   N O T   P A I D"),
        "{text}"
    );
    // Real orders carry no such banner.
    assert!(!check_golden("takeout_transliterated").contains("P A Y M E N T"));
}
