//! A small ESC/POS reader for tests: turns the bytes a printer receives back
//! into lines with their styles, the way the printer would interpret them.
//! It knows only the commands the listener sends and fails on anything else,
//! so a stray byte cannot hide in a golden file.

use oem_cp::code_table::DECODING_TABLE_CP858;
use tabletap_listener::render::{Align, Block, Layout, Size, Style};

const ESC: u8 = 0x1B;
const GS: u8 = 0x1D;
const DLE: u8 = 0x10;

/// One or more jobs (each ending in a cut) read back into layouts.
pub fn read_jobs(bytes: &[u8], columns: usize) -> Vec<Layout> {
    let mut jobs = Vec::new();
    let mut current = Layout::new(columns);
    let mut style = Style::default();
    let mut text = String::new();
    let mut i = 0;
    let arg = |i: usize| {
        *bytes
            .get(i)
            .unwrap_or_else(|| panic!("command cut short at byte {i}"))
    };
    while i < bytes.len() {
        let byte = bytes[i];
        match byte {
            ESC => {
                let (command, n) = (arg(i + 1), arg(i + 2));
                match command {
                    b'@' => {
                        style = Style::default();
                        i += 2;
                        continue;
                    }
                    b't' => assert_eq!(n, 19, "code page must be PC858 (ESC t 19)"),
                    b'a' => style.align = if n == 1 { Align::Center } else { Align::Left },
                    b'E' => style.bold = n == 1,
                    b'd' => {
                        if text.is_empty() {
                            current.blocks.push(Block::Feed(n));
                        } else {
                            current.blocks.push(Block::Text {
                                text: std::mem::take(&mut text),
                                style,
                            });
                            if n > 1 {
                                current.blocks.push(Block::Feed(n - 1));
                            }
                        }
                    }
                    other => panic!("unexpected ESC {other:#04x} at byte {i}"),
                }
                i += 3;
            }
            GS => {
                let (command, n) = (arg(i + 1), arg(i + 2));
                match command {
                    b'B' => style.inverse = n == 1,
                    b'!' => {
                        style.size = match (n >> 4, n & 0x0F) {
                            (0, 0) => Size::Normal,
                            (0, 1) => Size::Tall,
                            (1, 1) => Size::Big,
                            (2, 2) => Size::Huge,
                            other => panic!("unexpected size {other:?}"),
                        }
                    }
                    b'V' => {
                        assert_eq!((n, arg(i + 3)), (b'A', 0), "cut must be GS V A 0");
                        assert!(
                            text.is_empty(),
                            "text left unprinted before the cut: {text:?}"
                        );
                        current.blocks.push(Block::Cut);
                        jobs.push(std::mem::replace(&mut current, Layout::new(columns)));
                        i += 4;
                        continue;
                    }
                    other => panic!("unexpected GS {other:#04x} at byte {i}"),
                }
                i += 3;
            }
            DLE => panic!("status query inside a job at byte {i}"),
            0x20..=0x7E => {
                text.push(char::from(byte));
                i += 1;
            }
            0x80..=0xFF => {
                text.push(DECODING_TABLE_CP858[usize::from(byte - 0x80)]);
                i += 1;
            }
            other => panic!("unexpected control byte {other:#04x} at byte {i}"),
        }
    }
    assert!(
        text.is_empty() && current.blocks.is_empty(),
        "bytes after the last cut: {:?}",
        current.blocks
    );
    jobs
}
