//! The intermediate form between a ticket and the printer: lines of
//! printable text (see [`super::codepage::printable`]) with one style each.

/// Character size as ESC/POS multiples of font A (width x height).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Size {
    #[default]
    Normal,
    /// Double height: easy to read, still 48 columns.
    Tall,
    /// 2x2: headings.
    Big,
    /// 3x3: the order number, readable across the pass.
    Huge,
}

impl Size {
    pub fn width(self) -> u8 {
        match self {
            Size::Normal | Size::Tall => 1,
            Size::Big => 2,
            Size::Huge => 3,
        }
    }

    pub fn height(self) -> u8 {
        match self {
            Size::Normal => 1,
            Size::Tall | Size::Big => 2,
            Size::Huge => 3,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Align {
    #[default]
    Left,
    Center,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Style {
    pub size: Size,
    pub bold: bool,
    /// White on black.
    pub inverse: bool,
    pub align: Align,
}

impl Style {
    pub fn sized(mut self, size: Size) -> Self {
        self.size = size;
        self
    }

    pub fn bold(mut self) -> Self {
        self.bold = true;
        self
    }

    pub fn inverse(mut self) -> Self {
        self.inverse = true;
        self
    }

    pub fn centered(mut self) -> Self {
        self.align = Align::Center;
        self
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// One printed line; never wider than the paper at its size.
    Text { text: String, style: Style },
    /// Blank lines.
    Feed(u8),
    /// Feed to the cutter and cut.
    Cut,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Characters per line at normal size.
    pub columns: usize,
    pub blocks: Vec<Block>,
}

impl Layout {
    pub fn new(columns: usize) -> Self {
        Self {
            columns,
            blocks: Vec::new(),
        }
    }

    /// How many characters fit on a line at `size`.
    pub fn width_at(&self, size: Size) -> usize {
        self.columns / usize::from(size.width())
    }

    /// Adds `text` (already printable) wrapped to the paper width, later
    /// lines indented by `indent` spaces.
    pub fn wrapped(&mut self, text: &str, style: Style, indent: usize) {
        let width = self.width_at(style.size).max(indent + 8);
        let subsequent = " ".repeat(indent);
        let options = textwrap::Options::new(width).subsequent_indent(&subsequent);
        for line in textwrap::wrap(text, options) {
            self.blocks.push(Block::Text {
                text: line.trim_end().to_owned(),
                style,
            });
        }
    }

    /// Adds `text` (already printable) as one line, cut to the paper width;
    /// spaces are kept (they widen an inverse banner).
    pub fn line(&mut self, text: &str, style: Style) {
        let text: String = text.chars().take(self.width_at(style.size)).collect();
        self.blocks.push(Block::Text { text, style });
    }

    /// A full-width line of dashes.
    pub fn rule(&mut self) {
        self.blocks.push(Block::Text {
            text: "-".repeat(self.columns),
            style: Style::default(),
        });
    }

    pub fn feed(&mut self, lines: u8) {
        self.blocks.push(Block::Feed(lines));
    }

    pub fn cut(&mut self) {
        self.blocks.push(Block::Cut);
    }
}
