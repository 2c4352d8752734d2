//! Dates and times the way a restaurant's locale writes them. A small table
//! like the money formats in `tabletap_core::money_format`: numeric forms
//! need no translated month names, and English ones are all jiff knows.

use jiff::Zoned;

/// "21.11.2026, 19:15" (de), "Nov 21, 2026, 7:15 PM" (en-US), ...;
/// ISO-like "2026-11-21 19:15" for locales not in the table.
pub fn format_date_time(at: &Zoned, locale: &str) -> String {
    let mut parts = locale.split(['-', '_']);
    let language = parts.next().unwrap_or_default().to_ascii_lowercase();
    let us = parts.any(|p| p.eq_ignore_ascii_case("US"));
    let pattern = match language.as_str() {
        "de" => "%d.%m.%Y, %H:%M",
        "fr" => "%d/%m/%Y %H:%M",
        "it" => "%d/%m/%Y, %H:%M",
        "nl" => "%d-%m-%Y %H:%M",
        "ja" | "zh" => "%Y/%m/%d %H:%M",
        "en" if us => "%b %-d, %Y, %-I:%M %p",
        "en" => "%-d %b %Y, %H:%M",
        _ => "%Y-%m-%d %H:%M",
    };
    at.strftime(pattern).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales_write_dates_their_way() {
        let at: Zoned = "2026-11-21T19:05:00+01:00[Europe/Berlin]".parse().unwrap();
        assert_eq!(format_date_time(&at, "de-DE"), "21.11.2026, 19:05");
        assert_eq!(format_date_time(&at, "fr-FR"), "21/11/2026 19:05");
        assert_eq!(format_date_time(&at, "en-US"), "Nov 21, 2026, 7:05 PM");
        assert_eq!(format_date_time(&at, "en-GB"), "21 Nov 2026, 19:05");
        assert_eq!(format_date_time(&at, "ja-JP"), "2026/11/21 19:05");
        assert_eq!(format_date_time(&at, "xx"), "2026-11-21 19:05");
        let morning: Zoned = "2026-07-04T09:30:00-04:00[America/New_York]"
            .parse()
            .unwrap();
        assert_eq!(format_date_time(&morning, "en-US"), "Jul 4, 2026, 9:30 AM");
    }
}
