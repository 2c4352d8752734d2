//! Cross-origin rules for the diner site. In AWS the HTTP API answers
//! preflights from its own CORS settings (the template sets the same
//! origins); locally these headers do the job.

use lambda_http::http::{HeaderMap, HeaderValue, header};

#[derive(Clone, Debug, Default)]
pub struct Cors {
    allowed_origins: Vec<String>,
}

pub const ALLOWED_HEADERS: &str =
    "content-type, idempotency-key, x-order-token, authorization, if-match";
pub const ALLOWED_METHODS: &str = "GET, POST, PUT, DELETE, OPTIONS";

impl Cors {
    /// `origins` is a comma-separated list such as
    /// "https://order.example.com,http://localhost:8080"; `*` allows any.
    pub fn from_list(origins: &str) -> Self {
        Self {
            allowed_origins: origins
                .split(',')
                .map(|o| o.trim().trim_end_matches('/').to_owned())
                .filter(|o| !o.is_empty())
                .collect(),
        }
    }

    fn allows(&self, origin: &str) -> bool {
        self.allowed_origins.iter().any(|o| o == "*" || o == origin)
    }

    /// Adds the headers that let the given request origin read the response.
    pub fn apply(&self, request_origin: Option<&HeaderValue>, headers: &mut HeaderMap) {
        headers.append(header::VARY, HeaderValue::from_static("Origin"));
        let Some(origin) = request_origin else { return };
        if origin.to_str().is_ok_and(|o| self.allows(o)) {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
            headers.insert(
                header::ACCESS_CONTROL_EXPOSE_HEADERS,
                HeaderValue::from_static("idempotent-replayed"),
            );
        }
    }

    /// Headers for a preflight (`OPTIONS`) answer.
    pub fn apply_preflight(&self, request_origin: Option<&HeaderValue>, headers: &mut HeaderMap) {
        self.apply(request_origin, headers);
        if headers.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN) {
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static(ALLOWED_METHODS),
            );
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static(ALLOWED_HEADERS),
            );
            headers.insert(
                header::ACCESS_CONTROL_MAX_AGE,
                HeaderValue::from_static("600"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_listed_origins_are_allowed() {
        let cors = Cors::from_list("https://order.example.com, http://localhost:8080/");
        let mut headers = HeaderMap::new();
        cors.apply(
            Some(&HeaderValue::from_static("http://localhost:8080")),
            &mut headers,
        );
        assert_eq!(
            headers[header::ACCESS_CONTROL_ALLOW_ORIGIN],
            "http://localhost:8080"
        );
        let mut headers = HeaderMap::new();
        cors.apply(
            Some(&HeaderValue::from_static("https://evil.example")),
            &mut headers,
        );
        assert!(!headers.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));
        assert_eq!(headers[header::VARY], "Origin");
    }
}
