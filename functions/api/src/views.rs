//! The JSON shapes the API returns. Internal fields (token digests, keys)
//! never leave through these; amounts are integer minor units with the
//! currency alongside.

use serde::Serialize;
use tabletap_app::ticket_delivery::DeliveryAlert;
use tabletap_core::cart::{OrderLine, Totals};
use tabletap_core::menu::Category;
use tabletap_core::order::{Channel, Order, StatusChange};
use tabletap_core::payment::{OrderPayment, PaymentProblem, PaymentState};
use tabletap_core::restaurant::{Restaurant, TaxMode};
use tabletap_core::table::Table;
use tabletap_core::takeout::PickupSlot;
use tabletap_core::{Date, Timestamp};

#[derive(Serialize)]
pub struct RestaurantView<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub currency: &'a str,
    pub locale: &'a str,
    pub time_zone: &'a str,
    pub tax_mode: TaxMode,
}

impl<'a> From<&'a Restaurant> for RestaurantView<'a> {
    fn from(r: &'a Restaurant) -> Self {
        Self {
            id: r.id.as_str(),
            name: &r.name,
            currency: r.currency.code(),
            locale: &r.locale,
            time_zone: &r.time_zone,
            tax_mode: r.tax_mode,
        }
    }
}

#[derive(Serialize)]
pub struct TableView<'a> {
    pub restaurant: RestaurantView<'a>,
    pub table: TableSummary<'a>,
}

#[derive(Serialize)]
pub struct TableSummary<'a> {
    pub id: &'a str,
    pub label: &'a str,
}

impl<'a> TableView<'a> {
    pub fn new(restaurant: &'a Restaurant, table: &'a Table) -> Self {
        Self {
            restaurant: restaurant.into(),
            table: TableSummary {
                id: table.id.as_str(),
                label: &table.label,
            },
        }
    }
}

#[derive(Serialize)]
pub struct MenuView<'a> {
    pub restaurant: RestaurantView<'a>,
    pub categories: &'a [Category],
}

#[derive(Serialize)]
pub struct OrderView<'a> {
    pub id: &'a str,
    pub restaurant_id: &'a str,
    pub number: String,
    pub status: &'static str,
    pub business_date: Date,
    pub channel: &'a Channel,
    pub lines: &'a [OrderLine],
    pub note: Option<&'a str>,
    pub totals: &'a Totals,
    pub placed_at: Timestamp,
    pub updated_at: Timestamp,
    pub history: &'a [StatusChange],
    /// Takeout: where the card payment stands (never its client secret).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment: Option<PaymentStatusView<'a>>,
}

#[derive(Serialize)]
pub struct PaymentStatusView<'a> {
    pub provider: &'static str,
    pub state: PaymentState,
    pub failure_message: Option<&'a str>,
    /// Set when money arrived that did not make the order ACCEPTED.
    pub problem: Option<PaymentProblem>,
}

impl<'a> From<&'a OrderPayment> for PaymentStatusView<'a> {
    fn from(p: &'a OrderPayment) -> Self {
        Self {
            provider: p.provider.as_str(),
            state: p.state,
            failure_message: p.failure_message.as_deref(),
            problem: p.problem,
        }
    }
}

impl<'a> From<&'a Order> for OrderView<'a> {
    fn from(o: &'a Order) -> Self {
        Self {
            id: o.id.as_str(),
            restaurant_id: o.restaurant_id.as_str(),
            number: o.number.to_string(),
            status: o.status.as_str(),
            business_date: o.business_date,
            channel: &o.channel,
            lines: &o.lines,
            note: o.note.as_deref(),
            totals: &o.totals,
            placed_at: o.placed_at,
            updated_at: o.updated_at,
            history: &o.history,
            payment: o.payment.as_ref().map(PaymentStatusView::from),
        }
    }
}

/// The answer to placing an order: the order, plus the access token needed
/// to read it later (shown once).
#[derive(Serialize)]
pub struct PlacedOrderView<'a> {
    #[serde(flatten)]
    pub order: OrderView<'a>,
    pub access_token: &'a str,
}

/// A priced cart that was not placed: what the site shows before sending.
#[derive(Serialize)]
pub struct QuoteView<'a> {
    pub lines: &'a [OrderLine],
    pub note: Option<&'a str>,
    pub totals: &'a Totals,
}

/// The pickup times offered now, in the restaurant's zone.
#[derive(Serialize)]
pub struct PickupTimesView<'a> {
    pub time_zone: &'a str,
    /// False when the restaurant takes no takeout orders (`slots` is empty).
    pub takeout_enabled: bool,
    pub slots: &'a [PickupSlot],
}

/// The answer to placing a takeout order: the order (PENDING_PAYMENT), its
/// access token (shown once), and what the site needs to take the payment.
#[derive(Serialize)]
pub struct PlacedTakeoutOrderView<'a> {
    pub order: OrderView<'a>,
    pub access_token: &'a str,
    pub payment: PaymentView<'a>,
}

#[derive(Serialize)]
pub struct PaymentView<'a> {
    /// "stripe", or "test" for local mode's test payments (no money moves).
    pub provider: &'static str,
    pub payment_intent_id: &'a str,
    pub client_secret: &'a str,
    pub publishable_key: Option<&'a str>,
}

/// An order as the staff board shows it: everything a cook or a server
/// needs, with its age and the print state of every station's ticket.
#[derive(Serialize)]
pub struct StaffOrderView<'a> {
    pub id: &'a str,
    pub number: String,
    pub status: &'static str,
    pub channel: &'a Channel,
    pub lines: &'a [OrderLine],
    pub note: Option<&'a str>,
    pub totals: &'a Totals,
    pub placed_at: Timestamp,
    pub updated_at: Timestamp,
    /// Seconds since it was placed, by the server's clock.
    pub age_seconds: i64,
    pub tickets: Vec<TicketPrintView>,
    pub cancel_reason: Option<&'a str>,
    /// Takeout: paid, and refunded once cancelled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment: Option<StaffPaymentView>,
}

#[derive(Serialize)]
pub struct TicketPrintView {
    #[serde(flatten)]
    pub print: tabletap_core::board::TicketPrint,
    /// Sent 60 s ago or more and not printed: the board shows it in red.
    pub overdue: bool,
}

#[derive(Serialize)]
pub struct StaffPaymentView {
    pub state: PaymentState,
    pub refunded: bool,
}

impl<'a> StaffOrderView<'a> {
    pub fn new(o: &'a Order, now: Timestamp) -> Self {
        Self {
            id: o.id.as_str(),
            number: o.number.to_string(),
            status: o.status.as_str(),
            channel: &o.channel,
            lines: &o.lines,
            note: o.note.as_deref(),
            totals: &o.totals,
            placed_at: o.placed_at,
            updated_at: o.updated_at,
            age_seconds: now.duration_since(o.placed_at).as_secs().max(0),
            tickets: tabletap_core::board::ticket_prints(o)
                .into_iter()
                .map(|print| TicketPrintView {
                    overdue: tabletap_core::board::print_overdue(&print, now),
                    print,
                })
                .collect(),
            cancel_reason: o.cancel_reason(),
            payment: o.payment.as_ref().map(|p| StaffPaymentView {
                state: p.state,
                refunded: p.refund_id.is_some(),
            }),
        }
    }
}

#[derive(Serialize)]
pub struct BoardView<'a> {
    pub restaurant: RestaurantView<'a>,
    pub day: Date,
    pub now: Timestamp,
    /// Pass to the changes route to hear of what changes next.
    pub cursor: String,
    pub orders: Vec<StaffOrderView<'a>>,
    /// Tickets still unprinted two minutes after they were first sent
    /// (see docs/kitchen-delivery.md), oldest first.
    pub delivery_alerts: Vec<DeliveryAlert>,
}

#[derive(Serialize)]
pub struct ChangesView<'a> {
    pub now: Timestamp,
    pub cursor: String,
    /// Orders that changed since the cursor, as they are now.
    pub orders: Vec<StaffOrderView<'a>>,
    /// Every delivery alert open now (the whole list, not a change): the
    /// board shows exactly these.
    pub delivery_alerts: Vec<DeliveryAlert>,
}
