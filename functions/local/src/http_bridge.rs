//! Serves the API's Lambda handlers over plain HTTP: each axum request is
//! turned into the `lambda_http::Request` API Gateway would have delivered
//! (path parameters, query string, body, and for a valid staff token its
//! claims in the JWT authorizer's context), and the answer turned back.

use crate::staff::StaffAuth;
use crate::staff::tokens::{Verified, bearer};
use crate::staff::users::UserStore;
use axum::Extension;
use axum::body::{Body as AxumBody, to_bytes};
use axum::extract::{Path, Query, Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use lambda_http::RequestExt;
use std::collections::HashMap;
use tabletap_api::auth::{flatten_claims, with_jwt_claims};
use tabletap_api::error::ApiError;
use tabletap_api::{AppState, Route};

pub async fn serve_route(
    route: Route,
    State(state): State<AppState>,
    Extension(staff): Extension<StaffAuth>,
    Path(params): Path<HashMap<String, String>>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let limit = route.max_body_bytes();
    // API Gateway's JWT authorizer: a valid token's claims reach the
    // handler; an invalid one is answered 401 by the route's access check
    // (API Gateway answers it itself). The token is never logged.
    let claims = bearer(&parts.headers).and_then(|token| match staff.tokens.verify(token) {
        Ok(verified) => current_claims(&staff.users, verified),
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

/// A valid token's claims with the person's groups as the user store has
/// them now, not as they were when the token was issued: an owner's
/// change (another role, removed from the restaurant) applies to the very
/// next request, and the token of an account that is gone carries nothing.
/// (Cognito tokens in AWS keep their groups until they expire.) The store
/// rereads its file when it changed, so a `tabletap-local staff add` while
/// the server runs counts too.
fn current_claims(users: &UserStore, verified: Verified) -> Option<HashMap<String, String>> {
    // The owner commands' five-minute tokens stand for whoever can read the
    // data folder, not for a person in the staff file: kept as issued.
    if verified.claims.get("token_use").and_then(|t| t.as_str()) == Some("cli")
        && verified.username == crate::staff::tokens::COMMAND_LINE
    {
        return Some(flatten_claims(&verified.claims));
    }
    let subject = verified.claims.get("sub").and_then(|s| s.as_str());
    let Some(user) = users
        .find(&verified.username)
        .filter(|user| Some(user.subject.as_str()) == subject)
    else {
        tracing::info!("bearer token of an account that no longer exists refused");
        return None;
    };
    let mut claims = verified.claims;
    claims.insert(
        tabletap_core::staff::GROUPS_CLAIM.to_owned(),
        serde_json::json!(user.groups),
    );
    Some(flatten_claims(&claims))
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
