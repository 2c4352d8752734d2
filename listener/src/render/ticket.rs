//! What a kitchen ticket shows, top to bottom, chosen for a cook reading it
//! at arm's length: the kind and who it is for in large type, the order
//! number biggest, then the lines with their options, allergens and notes.

use super::codepage::printable;
use super::layout::{Layout, Size, Style};
use jiff::tz::TimeZone;
use tabletap_core::ticket::{TicketKind, TicketV1};

const TIME_FORMAT: &str = "%a %-d %b %H:%M";

/// Lays out `ticket` for paper `columns` characters wide (48 on the RP326).
pub fn layout_ticket(ticket: &TicketV1, columns: usize) -> Layout {
    let mut out = Layout::new(columns);
    let heading = Style::default().centered().bold();

    if ticket.is_reprint() {
        let banner = format!("  REPRINT #{}  ", ticket.print_number);
        out.line(&banner, heading.sized(Size::Big).inverse());
        out.feed(1);
    }
    let kind = match ticket.kind {
        TicketKind::DineIn => "  DINE-IN  ",
        TicketKind::Takeout => "  TAKEOUT  ",
    };
    out.line(kind, heading.sized(Size::Big).inverse());
    if ticket.test_payment {
        // Local mode's test payments take no money: whoever hands the
        // order over must not think it was paid.
        out.line(
            "TEST PAYMENT - NOT PAID",
            heading.sized(Size::Big).inverse(),
        );
    }
    let who = match ticket.kind {
        TicketKind::DineIn => ticket.table.as_deref(),
        TicketKind::Takeout => ticket.customer_name.as_deref(),
    };
    if let Some(who) = who.map(printable).filter(|w| !w.trim().is_empty()) {
        out.wrapped(&who, heading.sized(Size::Big), 0);
    }
    out.wrapped(
        &printable(&ticket.order_number.to_string()),
        heading.sized(Size::Huge),
        0,
    );

    let (zone, zone_note) = ticket_zone(ticket);
    let placed = ticket.placed_at.to_zoned(zone.clone());
    out.wrapped(
        &format!("Placed {}{zone_note}", placed.strftime(TIME_FORMAT)),
        Style::default().centered(),
        0,
    );
    if let Some(pickup_at) = ticket.pickup_at {
        let pickup = pickup_at.to_zoned(zone);
        let when = if pickup.date() == placed.date() {
            format!("{}{zone_note}", pickup.strftime("%H:%M"))
        } else {
            format!("{}{zone_note}", pickup.strftime(TIME_FORMAT))
        };
        out.wrapped(&format!("PICKUP {when}"), heading.sized(Size::Big), 0);
    }
    out.wrapped(
        &format!("STATION {}", ticket.station.as_str().to_uppercase()),
        heading.sized(Size::Tall),
        0,
    );

    if let Some(note) = ticket
        .note
        .as_deref()
        .map(printable)
        .filter(|n| !n.trim().is_empty())
    {
        out.rule();
        out.wrapped(
            &format!("NOTE: {note}"),
            Style::default().bold().sized(Size::Tall),
            6,
        );
    }
    out.rule();

    for line in &ticket.lines {
        let quantity = format!("{} x ", line.quantity);
        let indent = quantity.len();
        out.wrapped(
            &format!("{quantity}{}", printable(&line.name)),
            Style::default().bold().sized(Size::Tall),
            indent,
        );
        let detail = " ".repeat(indent);
        for option in &line.options {
            out.wrapped(
                &format!("{detail}+ {}", printable(option)),
                Style::default(),
                indent + 2,
            );
        }
        if !line.allergens.is_empty() {
            let names: Vec<_> = line.allergens.iter().map(|a| a.label()).collect();
            out.wrapped(
                &format!("{detail}! ALLERGENS: {}", names.join(", ")),
                Style::default().bold(),
                indent + 2,
            );
        }
        if let Some(note) = line
            .note
            .as_deref()
            .map(printable)
            .filter(|n| !n.trim().is_empty())
        {
            out.wrapped(
                &format!("{detail}> {note}"),
                Style::default().bold(),
                indent + 2,
            );
        }
    }
    out.rule();
    out.wrapped(
        &printable(&format!("ticket {}", ticket.ticket_id)),
        Style::default(),
        7,
    );
    out.feed(2);
    out.cut();
    out
}

/// The ticket's own zone; UTC, said on the ticket and in the log, when the
/// name is unknown, so a typo in the restaurant's settings never stops
/// printing.
fn ticket_zone(ticket: &TicketV1) -> (TimeZone, &'static str) {
    match TimeZone::get(&ticket.time_zone) {
        Ok(zone) => (zone, ""),
        Err(_) => {
            tracing::warn!(
                ticket_id = %ticket.ticket_id,
                time_zone = %ticket.time_zone,
                "unknown time zone on ticket; printing times in UTC (fix the restaurant's time zone setting)"
            );
            (TimeZone::UTC, " UTC")
        }
    }
}
