//! The printable QR sheet of a restaurant: one code per table with the
//! restaurant's name and the table's label, laid out to cut out and stick
//! on a table (a PDF, A4 or US Letter, six per page with cut marks), and one
//! PNG per table for anything else (a menu card, a window sticker).
//!
//! Pure: tables and links in, bytes out. The commands that write files and
//! read the store are `tabletap-ops qr-sheet` (AWS) and `tabletap-local
//! qr-sheet` (local mode).

#[cfg(feature = "command")]
pub mod command;
mod layout;
mod pdf;
mod png_code;
pub mod text;

pub use layout::{CM, Cell, Layout, MIN_CODE_SIDE, Paper};
use tabletap_core::restaurant::Restaurant;
use tabletap_core::table::Table;

/// Error correction level Q: a code still reads with a quarter of it
/// scratched or stained, which a sticker on a restaurant table will be.
pub const ERROR_CORRECTION: qrcode::EcLevel = qrcode::EcLevel::Q;

/// White modules around every code, as the QR standard asks.
pub const QUIET_ZONE_MODULES: usize = 4;

/// One table on the sheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetTable {
    /// The table's id, used for the PNG's file name.
    pub id: String,
    /// What is printed under the code ("Table 7", "Terrace 2").
    pub label: String,
    /// What the code says: the table's ordering link.
    pub link: String,
}

/// Everything printed on a sheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sheet {
    pub restaurant_name: String,
    pub tables: Vec<SheetTable>,
    /// The line under each label that tells a diner what to do.
    pub caption: String,
}

pub const DEFAULT_CAPTION: &str = "Scan with your phone to see the menu and order";

#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    #[error("there are no tables to print: add tables to the restaurant file and import it")]
    NoTables,
    #[error("the link of table {table} cannot be made into a QR code: {source}")]
    Code {
        table: String,
        source: qrcode::types::QrError,
    },
    #[error("cannot encode the PNG of table {table}: {source}")]
    Png {
        table: String,
        source: ::png::EncodingError,
    },
}

pub use tabletap_core::table::table_link;

impl Sheet {
    /// The sheet of a restaurant's tables with their current links, in
    /// [`table_order`].
    pub fn for_restaurant(restaurant: &Restaurant, tables: &[Table], site_url: &str) -> Self {
        let mut tables: Vec<&Table> = tables.iter().collect();
        tables.sort_by(|a, b| table_order(a.id.as_str(), b.id.as_str()));
        Sheet {
            restaurant_name: restaurant.name.clone(),
            tables: tables
                .into_iter()
                .map(|table| SheetTable {
                    id: table.id.as_str().to_owned(),
                    label: table.label.clone(),
                    link: table_link(site_url, &table.token),
                })
                .collect(),
            caption: DEFAULT_CAPTION.to_owned(),
        }
    }

    /// Characters of the names, labels or caption the PDF cannot show
    /// (printed as `?`; see [`text`]).
    pub fn unprintable_characters(&self) -> Vec<char> {
        let mut all: Vec<char> = std::iter::once(&self.restaurant_name)
            .chain(self.tables.iter().map(|t| &t.label))
            .chain(std::iter::once(&self.caption))
            .flat_map(|s| text::unprintable(s))
            .collect();
        all.sort_unstable();
        all.dedup();
        all
    }

    /// The PDF: codes in a grid on `paper`, with cut lines and crop marks.
    pub fn render_pdf(&self, paper: Paper) -> Result<Vec<u8>, SheetError> {
        if self.tables.is_empty() {
            return Err(SheetError::NoTables);
        }
        let codes = self.codes()?;
        Ok(pdf::render(self, &codes, &Layout::for_paper(paper)))
    }

    /// One PNG per table (file name, bytes): the code with its quiet zone,
    /// 16 pixels per module, tagged 300 dpi (about 6 cm wide when printed).
    pub fn render_pngs(&self) -> Result<Vec<(String, Vec<u8>)>, SheetError> {
        self.tables
            .iter()
            .zip(self.codes()?)
            .map(|(table, code)| {
                let bytes = png_code::render(&code).map_err(|source| SheetError::Png {
                    table: table.label.clone(),
                    source,
                })?;
                Ok((png_file_name(&table.id), bytes))
            })
            .collect()
    }

    fn codes(&self) -> Result<Vec<qrcode::QrCode>, SheetError> {
        self.tables
            .iter()
            .map(|table| {
                qrcode::QrCode::with_error_correction_level(table.link.as_bytes(), ERROR_CORRECTION)
                    .map_err(|source| SheetError::Code {
                        table: table.label.clone(),
                        source,
                    })
            })
            .collect()
    }
}

/// Re-exported: the sheet lists tables in this order.
pub use tabletap_core::table::table_order;

/// `table-<id>.png`; ids are slugs, anything else is replaced by `_`.
pub fn png_file_name(table_id: &str) -> String {
    let safe: String = table_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("table-{safe}.png")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_sort_as_people_count_them() {
        let mut ids = vec!["10", "2", "bar-10", "1", "bar-2", "terrace", "02"];
        ids.sort_by(|a, b| table_order(a, b));
        assert_eq!(ids, ["1", "02", "2", "10", "bar-2", "bar-10", "terrace"]);
    }

    #[test]
    fn png_names_are_safe_file_names() {
        assert_eq!(png_file_name("terrace-2"), "table-terrace-2.png");
        assert_eq!(png_file_name("../x"), "table-___x.png");
    }
}
