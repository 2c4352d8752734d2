//! The owner routes: the restaurant file (settings, menu, tables), table
//! links, code rotation and the printable QR codes. The caller is an owner
//! of the restaurant (checked in `routes::handle`).

use super::{attachment, json_response};
use crate::error::ApiError;
use crate::request::{MAX_FILE_BYTES, content_type, path_param, query, restaurant_id, text_body};
use crate::state::AppState;
use lambda_http::http::{HeaderValue, StatusCode, header};
use lambda_http::{Body, Request, Response};
use serde::Serialize;
use tabletap_app::AppError;
use tabletap_app::use_cases::import_restaurant::{FileFormat, ImportReport};
use tabletap_app::use_cases::owner::restaurant::{
    RestaurantDocument, get_restaurant_document, save_restaurant_document,
};
use tabletap_app::use_cases::owner::tables::{get_table, list_tables};
use tabletap_app::use_cases::rotate_table_token::rotate_table_token;
use tabletap_core::table::{Table, table_link};
use tabletap_qrsheet::{Paper, Sheet, SheetError};

fn site_url(state: &AppState) -> Result<&str, ApiError> {
    state
        .site_url
        .as_deref()
        .ok_or_else(|| AppError::SiteUrlNotConfigured.into())
}

/// `"<version>"`, as an ETag is written.
fn etag(document: &RestaurantDocument) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{}\"", document.version)).expect("hex digits")
}

fn with_etag(mut response: Response<Body>, document: &RestaurantDocument) -> Response<Body> {
    response.headers_mut().insert(header::ETAG, etag(document));
    response
}

/// `GET .../owner/restaurant`: the restaurant file as JSON, its version in
/// the ETag. `?format=yaml` or `?format=json` downloads it as a file, in
/// the format `tabletap-local import` and `tabletap-ops` read.
pub async fn get_restaurant_file(
    state: &AppState,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let id = restaurant_id(request)?;
    let document = get_restaurant_document(state.store.as_ref(), &id).await?;
    let response = match query(request, "format").as_deref() {
        None | Some("") => json_response(StatusCode::OK, &document.file),
        Some("json") => attachment(
            "application/json",
            &format!("{id}.json"),
            Body::Text(document.render(FileFormat::Json)?),
        ),
        Some("yaml") => attachment(
            "application/yaml; charset=utf-8",
            &format!("{id}.yaml"),
            Body::Text(document.render(FileFormat::Yaml)?),
        ),
        Some(other) => {
            return Err(AppError::InvalidInput {
                code: "invalid_format",
                message: format!("format {other:?} is not one of yaml, json."),
            }
            .into());
        }
    };
    Ok(with_etag(response, &document))
}

#[derive(Serialize)]
struct SavedView<'a> {
    categories: usize,
    items: usize,
    tables_created: usize,
    tables_kept: usize,
    tables_removed: usize,
    version: &'a str,
    /// The report in words, for the page to show.
    message: String,
}

/// `PUT .../owner/restaurant`: saves a whole restaurant file (JSON, or
/// YAML with a YAML media type). With `If-Match`, only if nothing changed
/// since that version (412 `edited_elsewhere` otherwise). A refused file
/// names its line and changes nothing.
pub async fn save_restaurant_file(
    state: &AppState,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let id = restaurant_id(request)?;
    let format = match content_type(request).as_deref() {
        Some("application/json") => FileFormat::Json,
        Some("application/yaml" | "application/x-yaml" | "text/yaml" | "text/x-yaml") => {
            FileFormat::Yaml
        }
        _ => return Err(ApiError::UnsupportedMediaType),
    };
    let text = text_body(request, MAX_FILE_BYTES)?;
    let if_match = request
        .headers()
        .get(header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.trim()
                .trim_start_matches("W/")
                .trim_matches('"')
                .to_owned()
        })
        .filter(|v| !v.is_empty() && v != "*");
    let (report, document): (ImportReport, _) =
        save_restaurant_document(state.store.as_ref(), &id, format, text, if_match.as_deref())
            .await?;
    let view = SavedView {
        categories: report.categories,
        items: report.items,
        tables_created: report.tables_created,
        tables_kept: report.tables_kept,
        tables_removed: report.tables_removed,
        version: &document.version,
        message: format!("Saved: {report}."),
    };
    Ok(with_etag(json_response(StatusCode::OK, &view), &document))
}

#[derive(Serialize)]
struct TableView {
    id: String,
    label: String,
    /// What the table's QR code holds.
    link: String,
}

impl TableView {
    fn of(table: &Table, site_url: &str) -> Self {
        Self {
            id: table.id.to_string(),
            label: table.label.clone(),
            link: table_link(site_url, &table.token),
        }
    }
}

#[derive(Serialize)]
struct TablesView {
    site_url: String,
    tables: Vec<TableView>,
}

/// `GET .../owner/tables`: every table with its current ordering link, in
/// the order people count them.
pub async fn list_owner_tables(
    state: &AppState,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let id = restaurant_id(request)?;
    let site = site_url(state)?;
    let (_, tables) = list_tables(state.store.as_ref(), &id).await?;
    let view = TablesView {
        site_url: site.to_owned(),
        tables: tables.iter().map(|t| TableView::of(t, site)).collect(),
    };
    Ok(json_response(StatusCode::OK, &view))
}

/// `POST .../owner/tables/{table_id}/rotate`: a new QR code for the table.
/// The old link answers 410 `table_revoked` from now on.
pub async fn rotate_table_code(
    state: &AppState,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let id = restaurant_id(request)?;
    let site = site_url(state)?;
    let (_, table) = get_table(state.store.as_ref(), &id, &path_param(request, "table_id")).await?;
    let rotated = rotate_table_token(state.store.as_ref(), &id, &table.id).await?;
    Ok(json_response(
        StatusCode::OK,
        &TableView::of(&rotated, site),
    ))
}

fn sheet_error(error: SheetError) -> ApiError {
    match error {
        SheetError::NoTables => AppError::InvalidInput {
            code: "no_tables",
            message: "This restaurant has no tables yet: add tables first, then print their codes."
                .into(),
        }
        .into(),
        other => AppError::Unexpected(other.into()).into(),
    }
}

/// `GET .../owner/qr-sheet?paper=a4|letter`: the printable PDF, one code
/// per table with the restaurant's name and the table's label, six to a
/// page with cut lines.
pub async fn get_qr_sheet(state: &AppState, request: &Request) -> Result<Response<Body>, ApiError> {
    let id = restaurant_id(request)?;
    let site = site_url(state)?;
    let paper = match query(request, "paper").as_deref() {
        None | Some("" | "a4") => Paper::A4,
        Some("letter") => Paper::Letter,
        Some(other) => {
            return Err(AppError::InvalidInput {
                code: "invalid_paper",
                message: format!("paper {other:?} is not one of a4, letter."),
            }
            .into());
        }
    };
    let (restaurant, tables) = list_tables(state.store.as_ref(), &id).await?;
    let pdf = Sheet::for_restaurant(&restaurant, &tables, site)
        .render_pdf(paper)
        .map_err(sheet_error)?;
    Ok(attachment(
        "application/pdf",
        &format!("{id}-tables.pdf"),
        Body::Binary(pdf),
    ))
}

/// `GET .../owner/tables/{table_id}/qr.png`: one table's code as a PNG
/// (for a menu card, a window, a post).
pub async fn get_table_qr_code(
    state: &AppState,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let id = restaurant_id(request)?;
    let site = site_url(state)?;
    let (restaurant, table) =
        get_table(state.store.as_ref(), &id, &path_param(request, "table_id")).await?;
    let pngs = Sheet::for_restaurant(&restaurant, std::slice::from_ref(&table), site)
        .render_pngs()
        .map_err(sheet_error)?;
    let (name, png) = pngs
        .into_iter()
        .next()
        .ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("no PNG for one table")))?;
    let mut response = attachment("image/png", &name, Body::Binary(png));
    // Shown in the page as an image, saved under its name from the link.
    response.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("inline; filename=\"{name}\"")).expect("ascii name"),
    );
    Ok(response)
}

/// `POST .../owner/photos` with the photo as the body (`Content-Type:
/// image/jpeg`, `image/png` or `image/webp`): 201 with the address to use
/// as an item's `image_url`.
pub async fn upload_photo(state: &AppState, request: &Request) -> Result<Response<Body>, ApiError> {
    let id = restaurant_id(request)?;
    let photos = state
        .photos
        .as_deref()
        .ok_or(AppError::PhotosNotConfigured)?;
    let media = content_type(request);
    let uploaded = tabletap_app::use_cases::owner::photos::upload_photo(
        photos,
        &id,
        media.as_deref(),
        request.body().as_ref(),
    )
    .await?;
    Ok(json_response(StatusCode::CREATED, &uploaded))
}
