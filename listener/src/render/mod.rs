//! Kitchen tickets for 80 mm ESC/POS printers (Rongta RP326: 576 dots,
//! 48 columns in font A, code page PC858).
//!
//! A ticket is first laid out ([`ticket`]) into a small intermediate form
//! ([`layout`]): lines of already-printable text with a style each. That one
//! layout is turned into printer bytes ([`escpos`]) and into a text preview
//! ([`preview`]), so what `render` shows is what the printer gets.

pub mod codepage;
pub mod escpos;
pub mod layout;
pub mod preview;
pub mod ticket;

pub use layout::{Align, Block, Layout, Size, Style};
pub use ticket::layout_ticket;

/// Characters per line in font A on 80 mm paper.
pub const DEFAULT_COLUMNS: usize = 48;
