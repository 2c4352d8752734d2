//! Where things go on a page, in PDF points (1/72 inch), origin bottom left.

use std::fmt;
use std::str::FromStr;

/// 1 cm in points.
pub const CM: f32 = 72.0 / 2.54;

/// The smallest printed code (without its quiet zone) we allow: phones read
/// a 4 cm code from a seated distance without zooming.
pub const MIN_CODE_SIDE: f32 = 4.0 * CM;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Paper {
    /// 210 x 297 mm.
    #[default]
    A4,
    /// US Letter, 8.5 x 11 in.
    Letter,
}

impl Paper {
    /// As people call it.
    pub fn name(self) -> &'static str {
        match self {
            Paper::A4 => "A4",
            Paper::Letter => "US Letter",
        }
    }

    pub fn size(self) -> (f32, f32) {
        match self {
            Paper::A4 => (21.0 * CM, 29.7 * CM),
            Paper::Letter => (612.0, 792.0),
        }
    }
}

impl FromStr for Paper {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "a4" => Ok(Paper::A4),
            "letter" | "us-letter" => Ok(Paper::Letter),
            other => Err(format!("unknown paper size {other:?}: use a4 or letter")),
        }
    }
}

impl fmt::Display for Paper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Paper::A4 => "a4",
            Paper::Letter => "letter",
        })
    }
}

/// A page of `columns` x `rows` cells inside a margin; every cell holds one
/// table: the restaurant's name, the code in its box (quiet zone included),
/// the table's label and the caption.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Layout {
    pub page_width: f32,
    pub page_height: f32,
    /// White border the printer may not reach; crop marks sit in it.
    pub margin: f32,
    pub columns: usize,
    pub rows: usize,
    /// Inner padding of a cell, inside the cut lines.
    pub padding: f32,
    pub name_size: f32,
    pub label_size: f32,
    pub caption_size: f32,
}

/// Rectangles of one cell, all in page coordinates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cell {
    pub left: f32,
    pub bottom: f32,
    pub width: f32,
    pub height: f32,
    /// Baseline of the restaurant's name.
    pub name_baseline: f32,
    /// The square holding the code and its quiet zone: left, bottom, side.
    pub code_box: (f32, f32, f32),
    pub label_baseline: f32,
    pub caption_baseline: f32,
}

impl Layout {
    pub fn for_paper(paper: Paper) -> Self {
        let (page_width, page_height) = paper.size();
        Layout {
            page_width,
            page_height,
            margin: 1.0 * CM,
            columns: 2,
            rows: 3,
            padding: 14.0,
            name_size: 13.0,
            label_size: 22.0,
            caption_size: 8.5,
        }
    }

    pub fn per_page(&self) -> usize {
        self.columns * self.rows
    }

    pub fn cell_width(&self) -> f32 {
        (self.page_width - 2.0 * self.margin) / self.columns as f32
    }

    pub fn cell_height(&self) -> f32 {
        (self.page_height - 2.0 * self.margin) / self.rows as f32
    }

    /// The cell of the `index`-th table on its page (row by row, top first).
    pub fn cell(&self, index: usize) -> Cell {
        let index = index % self.per_page();
        let (column, row) = (index % self.columns, index / self.columns);
        let (width, height) = (self.cell_width(), self.cell_height());
        let left = self.margin + column as f32 * width;
        let top = self.page_height - self.margin - row as f32 * height;
        let bottom = top - height;

        let name_baseline = top - self.padding - self.name_size;
        let code_top = name_baseline - 6.0;
        let label_gap = self.label_size * 0.95;
        let caption_gap = self.caption_size * 2.0;
        let below_code = label_gap + caption_gap + self.caption_size * 0.3 + self.padding;
        let side = (width - 2.0 * self.padding).min(code_top - bottom - below_code);
        let code_bottom = code_top - side;
        let label_baseline = code_bottom - label_gap;
        Cell {
            left,
            bottom,
            width,
            height,
            name_baseline,
            code_box: (left + (width - side) / 2.0, code_bottom, side),
            label_baseline,
            caption_baseline: label_baseline - caption_gap,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_at_least_4_cm_on_both_papers_whatever_their_version() {
        // Version 1 (21 modules) up to version 10 (57): a long custom domain.
        for paper in [Paper::A4, Paper::Letter] {
            let layout = Layout::for_paper(paper);
            for modules in [21usize, 29, 33, 37, 57] {
                let (_, _, side) = layout.cell(0).code_box;
                let code = side * modules as f32 / (modules + 2 * crate::QUIET_ZONE_MODULES) as f32;
                assert!(
                    code >= MIN_CODE_SIDE,
                    "{paper}: a {modules}-module code is {:.2} cm",
                    code / CM
                );
            }
        }
    }

    #[test]
    fn everything_stays_inside_its_cell_and_the_page() {
        for paper in [Paper::A4, Paper::Letter] {
            let layout = Layout::for_paper(paper);
            for index in 0..layout.per_page() {
                let cell = layout.cell(index);
                let (x, y, side) = cell.code_box;
                assert!(x >= cell.left + layout.padding - 0.01);
                assert!(x + side <= cell.left + cell.width - layout.padding + 0.01);
                assert!(cell.name_baseline + layout.name_size <= cell.bottom + cell.height);
                assert!(cell.name_baseline > y + side, "the name is above the code");
                // The label's tallest glyphs (accented capitals, ~0.9 em)
                // stay out of the code's quiet zone.
                assert!(cell.label_baseline + 0.9 * layout.label_size < y);
                assert!(cell.caption_baseline - 0.25 * layout.caption_size > cell.bottom);
                assert!(cell.left >= layout.margin - 0.01 && cell.bottom >= layout.margin - 0.01);
                assert!(cell.left + cell.width <= layout.page_width - layout.margin + 0.01);
            }
        }
    }

    #[test]
    fn paper_names_parse() {
        assert_eq!("A4".parse::<Paper>(), Ok(Paper::A4));
        assert_eq!("letter".parse::<Paper>(), Ok(Paper::Letter));
        assert!("a5".parse::<Paper>().is_err());
    }
}
