//! Serves the API's Lambda handlers over plain HTTP: each axum request is
//! turned into the `lambda_http::Request` API Gateway would have delivered
//! (path parameters, query string, body, and for a valid staff token its
//! claims in the JWT authorizer's context), and the answer turned back.

use crate::staff::tokens::{TokenIssuer, bearer};
use axum::Extension;
use axum::body::{Body as AxumBody, to_bytes};
use axum::extract::{Path, Query, Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use lambda_http::RequestExt;
use std::collections::HashMap;
use std::sync::Arc;
use tabletap_api::auth::{flatten_claims, with_jwt_claims};
use tabletap_api::error::ApiError;
use tabletap_api::{AppState, Route};

pub async fn serve_route(
    route: Route,
    State(state): State<AppState>,
    Extension(tokens): Extension<Arc<TokenIssuer>>,
    Path(params): Path<HashMap<String, String>>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let limit = route.max_body_bytes();
    // API Gateway's JWT authorizer: a valid token's claims reach the
    // handler; an invalid one is answered 401 by the route's access check
    // (API Gateway answers it itself). The token is never logged.
    let claims = bearer(&parts.headers).and_then(|token| match tokens.verify(token) {
        Ok(verified) => Some(flatten_claims(&verified.claims)),
        Err(error) => {
            tracing::info!(reason = ?error.kind(), "bearer token refused");
            None
        }
    });
    // The unread rest of the body makes the connection unusable, so say it
    // will close; otherwise a client reuses it and its next request fails.
    let too_large = || {
        let mut response = into_axum(ApiError::BodyTooLarge { limit }.into_response());
        response.headers_mut().insert(
            header::CONNECTION,
            header::HeaderValue::from_static("close"),
        );
        response
    };
    // Refuse early by Content-Length, then bound the read itself.
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return too_large();
    }
    let Ok(bytes) = to_bytes(body, limit).await else {
        return too_large();
    };
    // Percent-decoded like API Gateway's queryStringParameters.
    let query = Query::<HashMap<String, String>>::try_from_uri(&parts.uri)
        .map(|Query(query)| query)
        .unwrap_or_default();
    let body = if bytes.is_empty() {
        lambda_http::Body::Empty
    } else {
        lambda_http::Body::Binary(bytes.to_vec())
    };
    let mut lambda_request = lambda_http::Request::from_parts(parts, body)
        .with_path_parameters(params)
        .with_query_string_parameters(query);
    if let Some(claims) = claims {
        lambda_request = with_jwt_claims(lambda_request, claims);
    }
    into_axum(tabletap_api::handle(route, &state, lambda_request).await)
}

/// JSON 404 for addresses under /api that match no route.
pub async fn api_not_found() -> Response {
    into_axum(ApiError::RouteNotFound.into_response())
}

/// JSON 405 for a route's address with a method it does not serve.
pub async fn api_method_not_allowed() -> Response {
    into_axum(ApiError::MethodNotAllowed.into_response())
}

pub async fn preflight(State(state): State<AppState>, request: Request) -> Response {
    let mut response = axum::http::StatusCode::NO_CONTENT.into_response();
    state.cors.apply_preflight(
        request.headers().get(header::ORIGIN),
        response.headers_mut(),
    );
    response
}

pub fn into_axum(response: lambda_http::Response<lambda_http::Body>) -> Response {
    let (parts, body) = response.into_parts();
    let body = match body {
        lambda_http::Body::Empty => AxumBody::empty(),
        lambda_http::Body::Text(text) => AxumBody::from(text),
        lambda_http::Body::Binary(bytes) => AxumBody::from(bytes),
        _ => AxumBody::empty(),
    };
    Response::from_parts(parts, body)
}
