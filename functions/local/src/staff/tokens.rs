//! Local staff tokens: HS256 JWTs with the claims of a Cognito ID token
//! (`sub`, `cognito:username`, `cognito:groups`, `iss`, `aud`,
//! `token_use`, `iat`, `exp`), signed with a key kept in the data folder
//! (readable by its owner only) and valid for an hour.

use super::users::StaffUser;
use anyhow::Context;
use axum::http::HeaderMap;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::Duration;

pub const ISSUER: &str = "tabletap-local";
pub const AUDIENCE: &str = "tabletap-local-staff";
/// Like Cognito's ID tokens in the template: an hour; the board renews.
pub const LIFETIME: Duration = Duration::from_secs(3600);
/// Subject and username of the owner commands' tokens.
pub const COMMAND_LINE: &str = "tabletap-local command line";

#[derive(Serialize, Deserialize)]
struct Claims {
    sub: String,
    #[serde(rename = "cognito:username")]
    username: String,
    #[serde(rename = "cognito:groups")]
    groups: Vec<String>,
    iss: String,
    aud: String,
    token_use: String,
    iat: i64,
    exp: i64,
}

/// What a valid token says, as the bridge needs it.
pub struct Verified {
    pub username: String,
    /// Every claim as the token carries it (arrays stay arrays).
    pub claims: serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize)]
pub struct SignedIn {
    pub token: String,
    pub expires_at: jiff::Timestamp,
    pub roles: Vec<String>,
}

pub struct TokenIssuer {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl TokenIssuer {
    /// Loads the signing key from the data folder, creating it once.
    pub fn open(data_dir: &Path) -> anyhow::Result<Self> {
        let path = data_dir.join("staff-signing.key");
        let key = match std::fs::read_to_string(&path) {
            Ok(text) => text.trim().to_owned(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = crate::payments::random_hex(64);
                std::fs::create_dir_all(data_dir)?;
                crate::payments::write_private(&path, &key)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                key
            }
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        anyhow::ensure!(
            key.len() >= 32,
            "{} is too short to be a signing key",
            path.display()
        );
        Ok(Self {
            encoding: EncodingKey::from_secret(key.as_bytes()),
            decoding: DecodingKey::from_secret(key.as_bytes()),
        })
    }

    pub fn issue(&self, user: &StaffUser) -> SignedIn {
        let now = jiff::Timestamp::now();
        let expires_at = now + LIFETIME;
        let claims = Claims {
            sub: user.subject.clone(),
            username: user.username.clone(),
            groups: user.groups.clone(),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            token_use: "id".into(),
            iat: now.as_second(),
            exp: expires_at.as_second(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing does not fail");
        SignedIn {
            token,
            expires_at,
            roles: user.groups.clone(),
        }
    }

    /// A five-minute owner token of `restaurant` for the owner commands on
    /// a running server (remote.rs). Marked `token_use: "cli"`: it stands
    /// for whoever can read the data folder, not for a person in the
    /// staff file.
    pub fn issue_for_command_line(&self, restaurant: &tabletap_core::ids::RestaurantId) -> String {
        let now = jiff::Timestamp::now();
        let claims = Claims {
            sub: COMMAND_LINE.into(),
            username: COMMAND_LINE.into(),
            groups: vec![format!("{restaurant}:owner")],
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            token_use: "cli".into(),
            iat: now.as_second(),
            exp: (now + Duration::from_secs(300)).as_second(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing does not fail")
    }

    /// Checks signature, issuer, audience and expiry (no leeway).
    pub fn verify(&self, token: &str) -> Result<Verified, jsonwebtoken::errors::Error> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        let data = jsonwebtoken::decode::<serde_json::Map<String, serde_json::Value>>(
            token,
            &self.decoding,
            &validation,
        )?;
        let username = data
            .claims
            .get("cognito:username")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned();
        Ok(Verified {
            username,
            claims: data.claims,
        })
    }
}

/// The token of an `Authorization: Bearer ...` header.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user() -> StaffUser {
        StaffUser {
            username: "anna".into(),
            subject: "local-1".into(),
            password_hash: String::new(),
            groups: vec!["demo:staff".into()],
            invited: false,
        }
    }

    #[test]
    fn tokens_verify_with_their_key_only() {
        let dir = tempfile::tempdir().unwrap();
        let issuer = TokenIssuer::open(dir.path()).unwrap();
        let signed = issuer.issue(&user());
        let verified = issuer.verify(&signed.token).unwrap();
        assert_eq!(verified.username, "anna");
        assert_eq!(
            verified.claims["cognito:groups"],
            serde_json::json!(["demo:staff"])
        );
        // The same key after a restart; another folder's key refuses it.
        assert!(
            TokenIssuer::open(dir.path())
                .unwrap()
                .verify(&signed.token)
                .is_ok()
        );
        let other = tempfile::tempdir().unwrap();
        assert!(
            TokenIssuer::open(other.path())
                .unwrap()
                .verify(&signed.token)
                .is_err()
        );
        // A tampered payload fails the signature.
        let mut parts: Vec<String> = signed.token.split('.').map(str::to_owned).collect();
        parts[1].insert(3, 'x');
        assert!(issuer.verify(&parts.join(".")).is_err());
    }

    #[test]
    fn expired_tokens_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let issuer = TokenIssuer::open(dir.path()).unwrap();
        let key = std::fs::read_to_string(dir.path().join("staff-signing.key")).unwrap();
        let now = jiff::Timestamp::now().as_second();
        let claims = Claims {
            sub: "s".into(),
            username: "anna".into(),
            groups: vec![],
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            token_use: "id".into(),
            iat: now - 7200,
            exp: now - 1,
        };
        let token = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(key.trim().as_bytes()),
        )
        .unwrap();
        assert!(issuer.verify(&token).is_err());
    }
}
