//! Reading requests defensively: bounded bodies, JSON only, and shape errors
//! that point at the offending field.

use crate::error::ApiError;
use lambda_http::http::header;
use lambda_http::{Request, RequestExt};
use serde::de::DeserializeOwned;
use std::borrow::Cow;
use tabletap_app::AppError;
use tabletap_core::ids::RestaurantId;

/// Largest body any route accepts. A full cart of 50 lines with notes is
/// well under 32 KiB.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

pub fn json_body<T: DeserializeOwned>(request: &Request) -> Result<T, ApiError> {
    let body: &[u8] = request.body().as_ref();
    if body.len() > MAX_BODY_BYTES {
        return Err(ApiError::BodyTooLarge {
            limit: MAX_BODY_BYTES,
        });
    }
    let is_json = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        return Err(ApiError::UnsupportedMediaType);
    }
    // serde reads a struct from a JSON array too; a request body is an object.
    if body.trim_ascii_start().first().is_some_and(|b| *b != b'{')
        && serde_json::from_slice::<serde_json::Value>(body).is_ok()
    {
        return Err(ApiError::InvalidBody("expected a JSON object".into()));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let at = if path == "." {
                    String::new()
                } else {
                    format!("at {path}: ")
                };
                ApiError::InvalidBody(format!("{at}{inner}"))
            }
            _ => ApiError::MalformedJson(inner.to_string()),
        }
    })?;
    deserializer
        .end()
        .map_err(|e| ApiError::MalformedJson(e.to_string()))?;
    Ok(value)
}

/// The `{restaurant_id}` of the path; a malformed one is no restaurant.
pub fn restaurant_id(request: &Request) -> Result<RestaurantId, ApiError> {
    let text = path_param(request, "restaurant_id");
    RestaurantId::parse(&text).map_err(|_| AppError::RestaurantNotFound(text).into())
}

/// A query string parameter (the first, if repeated).
pub fn query(request: &Request, name: &str) -> Option<String> {
    request
        .query_string_parameters_ref()
        .and_then(|q| q.first(name))
        .map(str::to_owned)
}

/// A `YYYY-MM-DD` query parameter; empty counts as absent, anything else
/// is refused with `code`.
pub fn date_query(
    request: &Request,
    name: &str,
    code: &'static str,
) -> Result<Option<tabletap_core::Date>, ApiError> {
    query(request, name)
        .filter(|d| !d.is_empty())
        .map(|d| {
            d.parse().map_err(|_| {
                ApiError::from(AppError::InvalidInput {
                    code,
                    message: format!("{name} {d:?} is not a date like 2026-11-21."),
                })
            })
        })
        .transpose()
}

/// Largest restaurant file an owner can save: a menu of several hundred
/// items with options is around 200 KiB of JSON.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;

/// A body that is a whole text file (a restaurant file), up to `limit`.
pub fn text_body(request: &Request, limit: usize) -> Result<&str, ApiError> {
    let body: &[u8] = request.body().as_ref();
    if body.len() > limit {
        return Err(ApiError::BodyTooLarge { limit });
    }
    std::str::from_utf8(body)
        .map_err(|e| ApiError::InvalidBody(format!("the file is not UTF-8 text: {e}")))
}

/// The media type of the body, lowercase, without parameters.
pub fn content_type(request: &Request) -> Option<String> {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
}

/// A path parameter the route template guarantees.
pub fn path_param(request: &Request, name: &str) -> String {
    request
        .path_parameters()
        .first(name)
        .unwrap_or_default()
        .to_owned()
}

/// A header's value. Bytes that are not text are kept (replaced, not
/// dropped), so a malformed header is refused by its validation rather than
/// silently treated as absent.
pub fn header_text<'a>(request: &'a Request, name: &str) -> Option<Cow<'a, str>> {
    request
        .headers()
        .get(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()))
}
