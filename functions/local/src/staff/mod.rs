//! Staff sign-in in local mode, standing in for Cognito: a user store with
//! argon2id password hashes (`users.rs`), short-lived signed tokens shaped
//! like Cognito ID tokens (`tokens.rs`), and the sign-in routes. The HTTP
//! bridge verifies a request's bearer token and hands the handlers its
//! claims exactly where and how API Gateway's JWT authorizer would.

pub mod directory;
pub mod tokens;
pub mod users;

use crate::http_bridge::into_axum;
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::sync::Arc;
use tabletap_api::error::ApiError;
use tabletap_app::AppError;
use tokens::TokenIssuer;
use users::UserStore;

/// What the sign-in routes share.
#[derive(Clone)]
pub struct StaffAuth {
    pub users: Arc<UserStore>,
    pub tokens: Arc<TokenIssuer>,
}

#[derive(Deserialize)]
pub struct SignIn {
    username: String,
    password: String,
}

fn refused(code: &'static str, message: &str) -> Response {
    let body = serde_json::json!({ "code": code, "message": message });
    (axum::http::StatusCode::UNAUTHORIZED, Json(body)).into_response()
}

/// `POST /api/staff/sign-in` with `{"username", "password"}`: a token.
pub async fn sign_in(
    State(auth): State<StaffAuth>,
    body: Result<Json<SignIn>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(body)) = body else {
        return into_axum(
            ApiError::App(AppError::InvalidInput {
                code: "invalid_body",
                message: "Send {\"username\": ..., \"password\": ...} as JSON.".into(),
            })
            .into_response(),
        );
    };
    let users = auth.users.clone();
    let checked = tokio::task::spawn_blocking(move || users.check(&body.username, &body.password))
        .await
        .ok()
        .flatten();
    match checked {
        Some(user) => {
            tracing::info!(username = %user.username, "staff signed in");
            Json(auth.tokens.issue(&user)).into_response()
        }
        None => refused(
            "wrong_credentials",
            "That username and password do not match. Ask the owner to reset your password.",
        ),
    }
}

/// `POST /api/staff/refresh` with a valid token: a fresh one (the board
/// renews its token before it expires, as Cognito's refresh token would).
pub async fn refresh(State(auth): State<StaffAuth>, headers: HeaderMap) -> Response {
    let claims = tokens::bearer(&headers).and_then(|t| auth.tokens.verify(t).ok());
    // The same account, not a new one that took its name.
    let user = claims.and_then(|c| {
        let subject = c.claims.get("sub").and_then(|s| s.as_str());
        auth.users
            .find(&c.username)
            .filter(|u| Some(u.subject.as_str()) == subject)
    });
    match user {
        Some(user) => Json(auth.tokens.issue(&user)).into_response(),
        None => refused("sign_in_required", "Sign in again."),
    }
}

/// The demo restaurant's staff login: `staff@<demo>`, with a password made
/// once and kept in the data folder, so the printed login keeps working
/// across restarts.
pub fn demo_login(
    users: &UserStore,
    data_dir: &std::path::Path,
    demo: &tabletap_core::ids::RestaurantId,
) -> anyhow::Result<(String, String)> {
    let path = data_dir.join("demo-staff-password");
    let password = match std::fs::read_to_string(&path) {
        Ok(text) if text.trim().len() >= users::MIN_PASSWORD_CHARS => text.trim().to_owned(),
        _ => {
            let password = users::random_password();
            crate::payments::write_private(&path, &password)?;
            password
        }
    };
    let username = format!("staff@{demo}");
    let known = users.check(&username, &password).is_some();
    if !known {
        users.add(
            &username,
            Some(&password),
            demo,
            tabletap_core::staff::Role::Staff,
        )?;
    }
    Ok((username, password))
}
