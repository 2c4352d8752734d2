//! Layout helpers for the plain-text part: fixed width, right-aligned money
//! columns, wrapped notes. Widths count characters, so text in wide scripts
//! (CJK) is not perfectly aligned; Latin text is.

/// Characters per line: fits a phone's plain-text view without wrapping.
pub const WIDTH: usize = 44;

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// `left` and `right` on one line, `right` ending at [`WIDTH`]. A `left` too
/// long for that is wrapped above the line that carries `right`.
pub fn row(left: String, right: String) -> String {
    let room = WIDTH.saturating_sub(chars(&right) + 1);
    let mut lines = wrap_words(&left, room.max(1), "");
    let last = lines.pop().unwrap_or_default();
    let pad = WIDTH.saturating_sub(chars(&last) + chars(&right)).max(1);
    lines.push(format!("{last}{}{right}", " ".repeat(pad)));
    lines.join("\n")
}

/// `label` in a fixed column and `value` after it ("Pickup:  19:15"), the
/// value wrapped under itself when long.
pub fn field(label: String, value: String) -> String {
    let indent = LABEL_WIDTH;
    let label = format!("{label}:");
    let pad = indent.saturating_sub(chars(&label)).max(1);
    let wrapped = wrap(value, indent);
    format!("{label}{}{}", " ".repeat(pad), wrapped.trim_start())
}

/// Width of the label column of [`field`].
const LABEL_WIDTH: usize = 12;

/// A full-width line of `ch`.
pub fn rule(ch: String) -> String {
    ch.repeat(WIDTH)
}

/// Wraps `text` to [`WIDTH`], every line indented by `indent` spaces.
pub fn wrap(text: String, indent: usize) -> String {
    let prefix = " ".repeat(indent);
    wrap_words(&text, WIDTH.saturating_sub(indent).max(1), &prefix).join("\n")
}

fn wrap_words(text: &str, width: usize, prefix: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    // ASCII whitespace only: a no-break space inside an amount must hold.
    for word in text.split_ascii_whitespace() {
        let mut word = word.to_owned();
        // A word longer than a line (a URL, say) is cut.
        while chars(&word) > width {
            if !current.is_empty() {
                lines.push(format!("{prefix}{current}"));
                current.clear();
            }
            let head: String = word.chars().take(width).collect();
            word = word.chars().skip(width).collect();
            lines.push(format!("{prefix}{head}"));
        }
        if current.is_empty() {
            current = word;
        } else if chars(&current) + 1 + chars(&word) <= width {
            current.push(' ');
            current.push_str(&word);
        } else {
            lines.push(format!("{prefix}{current}"));
            current = word;
        }
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(format!("{prefix}{current}"));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_right_align_the_amount() {
        let line = row("Total".into(), "21,50\u{a0}€".into());
        assert_eq!(chars(&line), WIDTH);
        assert!(line.starts_with("Total "));
        assert!(line.ends_with(" 21,50\u{a0}€"));
    }

    #[test]
    fn long_left_text_wraps_above_the_amount() {
        let left = "1 x Pizza with a very long name that goes on and on forever".to_owned();
        let out = row(left, "$12.50".into());
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| chars(l) <= WIDTH));
        assert!(lines[1].ends_with(" $12.50"));
        assert_eq!(chars(lines[1]), WIDTH);
    }

    #[test]
    fn fields_align_their_values() {
        assert_eq!(field("Pickup".into(), "19:15".into()), "Pickup:     19:15");
        assert_eq!(field("Name".into(), "Giulia".into()), "Name:       Giulia");
        let long = field("Note".into(), "word ".repeat(20));
        let lines: Vec<&str> = long.lines().collect();
        assert!(lines.len() > 1);
        assert!(lines[1..].iter().all(|l| l.starts_with("            word")));
    }

    #[test]
    fn wrap_keeps_no_break_spaces() {
        assert_eq!(wrap("each 2,50\u{a0}€".into(), 4), "    each 2,50\u{a0}€");
    }

    #[test]
    fn wrap_indents_and_cuts_overlong_words() {
        let out = wrap(format!("Note: {}", "x".repeat(60)), 4);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "    Note:");
        assert!(
            lines
                .iter()
                .all(|l| l.starts_with("    ") && chars(l) <= WIDTH)
        );
        assert_eq!(
            lines.iter().map(|l| l.matches('x').count()).sum::<usize>(),
            60
        );
    }
}
