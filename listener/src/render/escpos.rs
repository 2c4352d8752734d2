//! Layout to ESC/POS bytes, built with the escpos crate's command set. The
//! text itself is encoded by [`super::codepage`]; escpos only frames it.

use super::codepage;
use super::layout::{Align, Block, Layout, Size};
use escpos::driver::Driver;
use escpos::errors::Result as EscposResult;
use escpos::printer::Printer;
use escpos::printer_options::PrinterOptions;
use escpos::utils::{JustifyMode, PageCode, Protocol};
use std::sync::{Arc, Mutex};

/// The whole job as bytes: initialise, select PC858, the lines, cut.
pub fn to_escpos(layout: &Layout) -> Vec<u8> {
    let capture = Capture::default();
    let columns = u8::try_from(layout.columns).unwrap_or(u8::MAX);
    let options = PrinterOptions::new(Some(PageCode::PC858), None, columns);
    let mut printer = Printer::new(capture.clone(), Protocol::default(), Some(options));
    // Writing into memory cannot fail, and every size we use is valid.
    write_layout(&mut printer, layout).expect("rendering into memory does not fail");
    capture.take()
}

fn write_layout<D: Driver>(printer: &mut Printer<D>, layout: &Layout) -> EscposResult<()> {
    printer.init()?;
    for block in &layout.blocks {
        match block {
            Block::Text { text, style } => {
                printer
                    .justify(match style.align {
                        Align::Left => JustifyMode::LEFT,
                        Align::Center => JustifyMode::CENTER,
                    })?
                    .bold(style.bold)?
                    .reverse(style.inverse)?;
                match style.size {
                    Size::Normal => printer.reset_size()?,
                    size => printer.size(size.width(), size.height())?,
                };
                printer.custom(&codepage::encode(text))?.feed()?;
            }
            Block::Feed(lines) => {
                printer.reset_size()?.reverse(false)?.feeds(*lines)?;
            }
            Block::Cut => {
                printer.cut()?;
            }
        }
    }
    printer.print()?;
    Ok(())
}

/// An escpos driver that keeps what it is given, so rendering stays pure
/// and the bytes can be sent by any transport (or saved by `render`).
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Capture {
    fn take(&self) -> Vec<u8> {
        std::mem::take(
            &mut *self
                .0
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        )
    }
}

impl Driver for Capture {
    fn name(&self) -> String {
        "memory".into()
    }

    fn write(&self, data: &[u8]) -> EscposResult<()> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .extend_from_slice(data);
        Ok(())
    }

    fn read(&self, _buf: &mut [u8]) -> EscposResult<usize> {
        Ok(0)
    }

    fn flush(&self) -> EscposResult<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Style;

    #[test]
    fn frames_text_with_init_code_page_and_cut() {
        let mut layout = Layout::new(48);
        layout.wrapped("Crème €", Style::default().bold(), 0);
        layout.cut();
        let bytes = to_escpos(&layout);
        assert!(bytes.starts_with(&[0x1B, b'@', 0x1B, b't', codepage::PC858_ESC_T]));
        let text = [b'C', b'r', 0x8A, b'm', b'e', b' ', 0xD5];
        assert!(bytes.windows(text.len()).any(|w| w == text), "{bytes:02X?}");
        assert!(bytes.ends_with(&[0x1D, b'V', b'A', 0]));
    }
}
