//! Text in the PDF's standard Helvetica: encoded as WinAnsi (what every
//! viewer and printer knows without an embedded font) and measured with
//! Adobe's published glyph widths, so names can be centred and fitted.
//!
//! WinAnsi covers Western and most Central European names (é, ñ, ß, ø, å,
//! Š, Ž, Œ, €...). Characters it lacks (Polish ł, Greek, Cyrillic, CJK,
//! emoji) are printed as `?`; [`unprintable`] names them so a command can
//! warn before anyone prints a sheet.

use pdf_encoding::{Encoding, GLYPH_LIST, WINANSI};
use std::collections::HashMap;
use std::sync::LazyLock;

/// One of the two faces the sheet uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Face {
    Regular,
    Bold,
}

impl Face {
    /// The PDF base font name (one of the 14 standard fonts).
    pub fn base_font(self) -> &'static [u8] {
        match self {
            Face::Regular => b"Helvetica",
            Face::Bold => b"Helvetica-Bold",
        }
    }

    fn widths(self) -> &'static [u16; 256] {
        static REGULAR: LazyLock<[u16; 256]> =
            LazyLock::new(|| winansi_widths(pdf_core_14_font_afms::HELVETICA));
        static BOLD: LazyLock<[u16; 256]> =
            LazyLock::new(|| winansi_widths(pdf_core_14_font_afms::HELVETICA_BOLD));
        match self {
            Face::Regular => &REGULAR,
            Face::Bold => &BOLD,
        }
    }
}

const REPLACEMENT: u8 = b'?';

/// The WinAnsi bytes for `text`; characters WinAnsi lacks become `?`, and
/// control characters are dropped.
pub fn encode(text: &str) -> Vec<u8> {
    let to_winansi = Encoding::Unicode
        .to(Encoding::WinAnsiEncoding)
        .expect("pdf_encoding maps Unicode to WinAnsi");
    text.chars()
        .filter(|c| !c.is_control())
        .map(|c| match to_winansi.translate(c as u32) {
            Some(code @ 0x20..=0xff) => code as u8,
            _ => REPLACEMENT,
        })
        .collect()
}

/// The characters of `text` the sheet cannot print (shown as `?`).
pub fn unprintable(text: &str) -> Vec<char> {
    let to_winansi = Encoding::Unicode
        .to(Encoding::WinAnsiEncoding)
        .expect("pdf_encoding maps Unicode to WinAnsi");
    let mut missing: Vec<char> = text
        .chars()
        .filter(|c| !c.is_control())
        .filter(|&c| !matches!(to_winansi.translate(c as u32), Some(0x20..=0xff)))
        .collect();
    missing.dedup();
    missing
}

/// Width in points of already encoded text at `size` points.
pub fn width(face: Face, encoded: &[u8], size: f32) -> f32 {
    let widths = face.widths();
    let units: u32 = encoded.iter().map(|&b| u32::from(widths[b as usize])).sum();
    units as f32 * size / 1000.0
}

/// Encoded text and the size at which it fits `max_width`: `size` if it
/// fits, else smaller down to `min_size`, else cut with an ellipsis.
pub fn fit(face: Face, text: &str, size: f32, min_size: f32, max_width: f32) -> (Vec<u8>, f32) {
    let mut encoded = encode(text.trim());
    let natural = width(face, &encoded, size);
    if natural <= max_width {
        return (encoded, size);
    }
    let shrunk = size * max_width / natural;
    if shrunk >= min_size {
        return (encoded, shrunk);
    }
    const ELLIPSIS: u8 = 0x85;
    while !encoded.is_empty() {
        encoded.pop();
        let mut candidate = encoded.clone();
        candidate.push(ELLIPSIS);
        if width(face, &candidate, min_size) <= max_width {
            return (candidate, min_size);
        }
    }
    (encoded, min_size)
}

/// Widths (in 1/1000 em) for every WinAnsi code, read from the font's AFM
/// file through the Adobe glyph list (code -> Unicode -> glyph name).
fn winansi_widths(afm: &str) -> [u16; 256] {
    let by_name: HashMap<&str, u16> = afm
        .lines()
        .filter(|line| line.starts_with("C "))
        .filter_map(|line| {
            let mut width = None;
            let mut name = None;
            for field in line.split(';').map(str::trim) {
                if let Some(w) = field.strip_prefix("WX ") {
                    width = w.trim().parse().ok();
                } else if let Some(n) = field.strip_prefix("N ") {
                    name = Some(n.trim());
                }
            }
            Some((name?, width?))
        })
        .collect();
    let space = by_name.get("space").copied().unwrap_or(278);
    let mut widths = [space; 256];
    for (code, slot) in widths.iter_mut().enumerate() {
        let Some(c) = WINANSI.get(code as u8) else {
            continue;
        };
        let mut buf = [0u8; 4];
        let unicode: &str = c.encode_utf8(&mut buf);
        if let Some(w) = GLYPH_LIST
            .iter()
            .filter(|(_, u)| *u == unicode)
            .find_map(|(name, _)| by_name.get(name).copied())
        {
            *slot = w;
        }
    }
    widths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn european_names_encode_to_winansi() {
        assert_eq!(encode("Café"), b"Caf\xe9");
        assert_eq!(encode("Straße €"), b"Stra\xdfe \x80");
        assert_eq!(encode("Šiška"), b"\x8ai\x9aka");
        assert!(unprintable("Trattoria Ölmühle").is_empty());
    }

    #[test]
    fn what_winansi_lacks_is_named_and_printed_as_a_question_mark() {
        assert_eq!(encode("Łódź"), b"?\xf3d?");
        assert_eq!(unprintable("Łódź 寿司"), vec!['Ł', 'ź', '寿', '司']);
    }

    #[test]
    fn widths_are_adobes() {
        // Helvetica.afm: space 278, A 667, a-dieresis 556; bold A 722.
        assert_eq!(width(Face::Regular, b" ", 1000.0), 278.0);
        assert_eq!(width(Face::Regular, b"A", 1000.0), 667.0);
        assert_eq!(width(Face::Regular, &encode("ä"), 1000.0), 556.0);
        assert_eq!(width(Face::Bold, b"A", 1000.0), 722.0);
        assert_eq!(width(Face::Regular, b"AA", 10.0), 13.34);
    }

    #[test]
    fn long_text_shrinks_then_is_cut() {
        let (text, size) = fit(Face::Bold, "Table 7", 24.0, 12.0, 500.0);
        assert_eq!((text.as_slice(), size), (&b"Table 7"[..], 24.0));
        let (_, size) = fit(Face::Bold, "Terrace by the fountain", 24.0, 12.0, 200.0);
        assert!((12.0..24.0).contains(&size));
        let (text, size) = fit(Face::Bold, &"Very long name ".repeat(10), 24.0, 12.0, 200.0);
        assert_eq!(size, 12.0);
        assert_eq!(text.last(), Some(&0x85));
        assert!(width(Face::Bold, &text, size) <= 200.0);
    }
}
