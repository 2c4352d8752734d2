//! Layout to a plain-text picture of the paper, for `render`, the console
//! printer and the golden tests. Wide characters are spread out ("B I G")
//! so alignment looks as on paper; styles are named right of the frame.

use super::layout::{Align, Block, Layout, Size, Style};

pub fn to_text(layout: &Layout) -> String {
    let mut out = String::new();
    let border = format!("+{}+\n", "-".repeat(layout.columns));
    out.push_str(&border);
    for block in &layout.blocks {
        match block {
            Block::Text { text, style } => out.push_str(&paper_line(layout.columns, text, *style)),
            Block::Feed(lines) => {
                for _ in 0..*lines {
                    out.push_str(&paper_line(layout.columns, "", Style::default()));
                }
            }
            Block::Cut => {
                let label = " cut ";
                let dashes = layout.columns.saturating_sub(label.len());
                out.push_str(&format!(
                    "+{}{label}{}+\n",
                    "~".repeat(dashes / 2),
                    "~".repeat(dashes - dashes / 2)
                ));
            }
        }
    }
    out
}

/// One line as it lands on paper: `|<columns characters>| <style names>`.
pub fn paper_line(columns: usize, text: &str, style: Style) -> String {
    let spread: String = {
        let gap = " ".repeat(usize::from(style.size.width()) - 1);
        let mut spread = String::new();
        for (i, c) in text.chars().enumerate() {
            if i > 0 {
                spread.push_str(&gap);
            }
            spread.push(c);
        }
        spread
    };
    let used = text.chars().count() * usize::from(style.size.width());
    let left = match style.align {
        Align::Left => 0,
        Align::Center => columns.saturating_sub(used) / 2,
    };
    let right = columns.saturating_sub(left + spread.chars().count());
    let mut line = format!("|{}{spread}{}|", " ".repeat(left), " ".repeat(right));
    let names = style_names(style);
    if !names.is_empty() {
        line.push(' ');
        line.push_str(&names.join(" "));
    }
    line.push('\n');
    line
}

fn style_names(style: Style) -> Vec<&'static str> {
    let mut names = Vec::new();
    match style.size {
        Size::Normal => {}
        Size::Tall => names.push("tall"),
        Size::Big => names.push("big"),
        Size::Huge => names.push("huge"),
    }
    if style.bold {
        names.push("bold");
    }
    if style.inverse {
        names.push("inverse");
    }
    names
}
