//! Text for a printer set to code page PC858 (PC850 with the euro sign).
//!
//! Characters PC858 has print as themselves (é, ñ, ü, Ø, €); anything else is
//! spelled in ASCII ("Łódź" -> "Lódz", "“x”" -> "\"x\""), never sent as
//! UTF-8 bytes that the printer would show as garbage. The byte table comes
//! from `oem_cp` rather than escpos, whose PC858 table maps '-' and 'Ô' to
//! the wrong bytes.

use oem_cp::code_table::ENCODING_TABLE_CP858;

/// ESC t argument that selects PC858 on Epson-compatible printers (RP326 too).
pub const PC858_ESC_T: u8 = 19;

/// `text` with every character replaced by something PC858 can print.
/// Line breaks and tabs become spaces; other control characters are dropped.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            ' '..='~' => out.push(c),
            '\t' | '\n' | '\r' | '\u{a0}' => out.push(' '),
            // Soft hyphen: an invisible break hint, nothing to print.
            '\u{ad}' => {}
            c if c.is_control() => {}
            c if ENCODING_TABLE_CP858.contains_key(&c) => out.push(c),
            c => transliterate(c, &mut out),
        }
    }
    out
}

fn transliterate(c: char, out: &mut String) {
    match deunicode::deunicode_char(c) {
        Some(ascii) => out.extend(ascii.chars().filter(|c| matches!(c, ' '..='~'))),
        None => out.push('?'),
    }
}

/// PC858 bytes for text that went through [`printable`]. Anything else that
/// slipped through becomes '?', so the printer never sees a stray byte.
pub fn encode(printable: &str) -> Vec<u8> {
    printable
        .chars()
        .map(|c| match c {
            ' '..='~' => c as u8,
            c => ENCODING_TABLE_CP858.get(&c).copied().unwrap_or(b'?'),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_what_pc858_has() {
        for text in [
            "Crème brûlée",
            "Jalapeño",
            "Ça va, Øl, Ærø",
            "5,50 €",
            "Ô Ò ß µ",
            "A-042",
        ] {
            assert_eq!(printable(text), text);
        }
        assert_eq!(encode("€"), [0xD5]);
        assert_eq!(encode("é"), [0x82]);
        assert_eq!(encode("Ô"), [0xE2]);
        assert_eq!(encode("Ò"), [0xE3]);
        assert_eq!(encode("A-1"), b"A-1");
    }

    #[test]
    fn spells_the_rest_in_ascii() {
        assert_eq!(printable("Łódź"), "Lódz");
        assert_eq!(
            printable("Pierogi z Kraków – “ruskie”"),
            "Pierogi z Kraków - \"ruskie\""
        );
        assert_eq!(printable("Şiş kebap"), "Sis kebap");
        assert_eq!(printable("line\nbreak\ttab\u{7}"), "line break tab");
        assert!(printable("寿司 🍣").is_ascii());
    }
}
