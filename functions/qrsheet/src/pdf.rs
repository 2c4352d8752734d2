//! The sheet as a vector PDF: every dark module run is a filled rectangle
//! (exact at any printer resolution), text in the standard Helvetica.

use crate::layout::{CM, Layout};
use crate::text::{self, Face};
use crate::{QUIET_ZONE_MODULES, Sheet};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use qrcode::{Color, QrCode};
use std::collections::BTreeSet;

const REGULAR: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");
const CUT_LINE_GRAY: f32 = 0.55;
const CAPTION_GRAY: f32 = 0.35;

pub fn render(sheet: &Sheet, codes: &[QrCode], layout: &Layout) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let mut next_id = Ref::new(1);
    let mut alloc = || next_id.bump();
    let catalog = alloc();
    let page_tree = alloc();
    let regular = alloc();
    let bold = alloc();
    let info = alloc();

    let pages: Vec<&[QrCode]> = codes.chunks(layout.per_page()).collect();
    let page_ids: Vec<(Ref, Ref)> = pages.iter().map(|_| (alloc(), alloc())).collect();

    pdf.catalog(catalog).pages(page_tree);
    pdf.pages(page_tree)
        .kids(page_ids.iter().map(|(page, _)| *page))
        .count(page_ids.len() as i32);
    for (face, id) in [(Face::Regular, regular), (Face::Bold, bold)] {
        pdf.type1_font(id)
            .base_font(Name(face.base_font()))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    let title = format!("QR codes for the tables of {}", sheet.restaurant_name);
    pdf.document_info(info)
        .title(TextStr(&title))
        .creator(TextStr("TableTap"));

    for (number, (codes, (page_id, content_id))) in pages.iter().zip(&page_ids).enumerate() {
        let first = number * layout.per_page();
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, layout.page_width, layout.page_height))
            .parent(page_tree)
            .contents(*content_id);
        page.resources()
            .fonts()
            .pair(REGULAR, regular)
            .pair(BOLD, bold);
        page.finish();

        let mut content = Content::new();
        for (slot, code) in codes.iter().enumerate() {
            draw_cell(
                &mut content,
                layout,
                slot,
                code,
                sheet,
                &sheet.tables[first + slot],
            );
        }
        draw_cut_lines(&mut content, layout, codes.len());
        draw_footer(&mut content, layout, sheet, number + 1, pages.len());
        let raw = content.finish();
        let compressed = miniz_oxide::deflate::compress_to_vec_zlib(&raw, 6);
        pdf.stream(*content_id, &compressed)
            .filter(Filter::FlateDecode);
    }
    pdf.finish()
}

fn draw_cell(
    content: &mut Content,
    layout: &Layout,
    slot: usize,
    code: &QrCode,
    sheet: &Sheet,
    table: &crate::SheetTable,
) {
    let cell = layout.cell(slot);
    let text_width = cell.width - 2.0 * layout.padding;
    let centre = cell.left + cell.width / 2.0;

    content.set_fill_gray(0.0);
    centred_text(
        content,
        Face::Bold,
        &sheet.restaurant_name,
        layout.name_size,
        centre,
        cell.name_baseline,
        text_width,
    );

    let (box_left, box_bottom, side) = cell.code_box;
    let modules = code.width();
    let module = side / (modules + 2 * QUIET_ZONE_MODULES) as f32;
    let origin_x = box_left + QUIET_ZONE_MODULES as f32 * module;
    let origin_top = box_bottom + side - QUIET_ZONE_MODULES as f32 * module;
    let colors = code.to_colors();
    for (y, row) in colors.chunks(modules).enumerate() {
        let row_bottom = origin_top - (y + 1) as f32 * module;
        let mut x = 0;
        while x < modules {
            if row[x] == Color::Dark {
                let start = x;
                while x < modules && row[x] == Color::Dark {
                    x += 1;
                }
                content.rect(
                    origin_x + start as f32 * module,
                    row_bottom,
                    (x - start) as f32 * module,
                    module,
                );
            } else {
                x += 1;
            }
        }
    }
    content.fill_nonzero();

    centred_text(
        content,
        Face::Bold,
        &table.label,
        layout.label_size,
        centre,
        cell.label_baseline,
        text_width,
    );
    content.set_fill_gray(CAPTION_GRAY);
    centred_text(
        content,
        Face::Regular,
        &sheet.caption,
        layout.caption_size,
        centre,
        cell.caption_baseline,
        text_width,
    );
}

fn centred_text(
    content: &mut Content,
    face: Face,
    text: &str,
    size: f32,
    centre: f32,
    baseline: f32,
    max_width: f32,
) {
    let (encoded, size) = text::fit(face, text, size, size * 0.55, max_width);
    let width = text::width(face, &encoded, size);
    let font = match face {
        Face::Regular => REGULAR,
        Face::Bold => BOLD,
    };
    content
        .begin_text()
        .set_font(font, size)
        .next_line(centre - width / 2.0, baseline)
        .show(Str(&encoded))
        .end_text();
}

/// Dashed lines along the edges of the used cells (each edge once), and
/// solid crop marks in the margin where the grid lines meet the page edge,
/// so a stack of sheets can be cut with a guillotine too.
fn draw_cut_lines(content: &mut Content, layout: &Layout, used: usize) {
    let (cw, ch) = (layout.cell_width(), layout.cell_height());
    let x = |column: usize| layout.margin + column as f32 * cw;
    let y = |row: usize| layout.page_height - layout.margin - row as f32 * ch;
    // Edges in grid units: (column, row) to (column, row), left/top first.
    let mut edges = BTreeSet::new();
    for index in 0..used {
        let (c, r) = (index % layout.columns, index / layout.columns);
        edges.insert(((c, r), (c + 1, r)));
        edges.insert(((c, r + 1), (c + 1, r + 1)));
        edges.insert(((c, r), (c, r + 1)));
        edges.insert(((c + 1, r), (c + 1, r + 1)));
    }
    content
        .save_state()
        .set_stroke_gray(CUT_LINE_GRAY)
        .set_line_width(0.5)
        .set_dash_pattern([3.0, 3.0], 0.0);
    for ((c0, r0), (c1, r1)) in &edges {
        content.move_to(x(*c0), y(*r0)).line_to(x(*c1), y(*r1));
    }
    content.stroke().restore_state();

    let rows = used.div_ceil(layout.columns);
    let columns = used.min(layout.columns);
    let (gap, length) = (0.1 * CM, 0.4 * CM);
    content
        .save_state()
        .set_stroke_gray(0.0)
        .set_line_width(0.4);
    for column in 0..=columns {
        let px = x(column);
        let top = y(0);
        content
            .move_to(px, top + gap)
            .line_to(px, top + gap + length);
        let bottom = y(rows);
        content
            .move_to(px, bottom - gap)
            .line_to(px, bottom - gap - length);
    }
    for row in 0..=rows {
        let py = y(row);
        let (left, right) = (x(0), x(columns));
        content
            .move_to(left - gap, py)
            .line_to(left - gap - length, py);
        content
            .move_to(right + gap, py)
            .line_to(right + gap + length, py);
    }
    content.stroke().restore_state();
}

fn draw_footer(content: &mut Content, layout: &Layout, sheet: &Sheet, page: usize, pages: usize) {
    let text = format!(
        "{} \u{b7} table QR codes \u{b7} cut along the dashed lines \u{b7} page {page} of {pages}",
        sheet.restaurant_name
    );
    content.set_fill_gray(CAPTION_GRAY);
    centred_text(
        content,
        Face::Regular,
        &text,
        7.0,
        layout.page_width / 2.0,
        layout.margin * 0.25,
        layout.page_width - 2.0 * layout.margin,
    );
}
