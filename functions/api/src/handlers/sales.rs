//! The owner's sales report. The caller was checked to be an owner of the
//! restaurant before this runs (`routes::handle`).

use super::staff::invalid;
use super::{attachment, json_response};
use crate::error::ApiError;
use crate::request::{date_query, query, restaurant_id};
use crate::sales_csv::{self, Grouping};
use crate::state::AppState;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use tabletap_app::use_cases::sales_report::sales_report;

/// `GET .../owner/sales?from=2026-11-01&to=2026-11-07`: sold orders by
/// day, hour and item, with what was excluded; `&format=csv&group=item`
/// answers one grouping as a CSV download instead.
pub async fn get_sales(state: &AppState, request: &Request) -> Result<Response<Body>, ApiError> {
    let restaurant_id = restaurant_id(request)?;
    let from = date_query(request, "from", "invalid_date")?;
    let to = date_query(request, "to", "invalid_date")?;
    let csv = match query(request, "format").as_deref() {
        None | Some("" | "json") => false,
        Some("csv") => true,
        Some(other) => {
            return Err(invalid(
                "invalid_format",
                format!("format {other:?} is not json or csv."),
            ));
        }
    };
    let grouping = match query(request, "group").filter(|g| !g.is_empty()) {
        None => Grouping::Day,
        Some(text) => Grouping::parse(&text).ok_or_else(|| {
            invalid(
                "invalid_group",
                format!("group {text:?} is not day, hour or item."),
            )
        })?,
    };
    let report = sales_report(&*state.store, &*state.clock, &restaurant_id, from, to).await?;
    if !csv {
        return Ok(json_response(StatusCode::OK, &report));
    }
    let name = sales_csv::file_name(&report, restaurant_id.as_str(), grouping);
    Ok(attachment(
        "text/csv; charset=utf-8",
        &name,
        Body::Text(sales_csv::render(&report, grouping)),
    ))
}
