//! Bearer secrets: table QR tokens and order access tokens. 128 random bits
//! (supplied by the caller; the domain does no I/O), written as 22 characters
//! of unpadded base64url so they fit in a QR code and a URL.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

pub const TOKEN_BYTES: usize = 16;
const TOKEN_CHARS: usize = 22;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{kind} is malformed")]
pub struct BadToken {
    pub kind: &'static str,
}

fn parse_token(text: &str, kind: &'static str) -> Result<String, BadToken> {
    let valid = text.len() == TOKEN_CHARS
        && URL_SAFE_NO_PAD
            .decode(text)
            .is_ok_and(|bytes| bytes.len() == TOKEN_BYTES);
    if valid {
        Ok(text.to_owned())
    } else {
        Err(BadToken { kind })
    }
}

macro_rules! token_type {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn from_random_bytes(bytes: [u8; TOKEN_BYTES]) -> Self {
                Self(URL_SAFE_NO_PAD.encode(bytes))
            }

            pub fn parse(text: &str) -> Result<Self, BadToken> {
                parse_token(text, $kind).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = BadToken;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        /// Secrets never appear in logs in full.
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({}…)", stringify!($name), &self.0[..4])
            }
        }
    };
}

token_type!(
    /// The secret in a table's QR code link (`/t/<token>`). Knowing it lets a
    /// diner order for that table; rotating the table issues a new one.
    TableToken,
    "table token"
);
token_type!(
    /// Returned once when an order is placed; needed to read the order.
    /// Stored only as its SHA-256 digest.
    AccessToken,
    "order access token"
);

impl AccessToken {
    pub fn digest(&self) -> AccessTokenDigest {
        AccessTokenDigest(hex(&Sha256::digest(self.0.as_bytes())))
    }
}

/// SHA-256 of an access token, hex-encoded: what an order stores.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AccessTokenDigest(String);

impl AccessTokenDigest {
    /// Compares in constant time so response timing says nothing about the
    /// stored digest.
    pub fn matches(&self, token: &AccessToken) -> bool {
        let candidate = token.digest();
        let (a, b) = (self.0.as_bytes(), candidate.0.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_reject_garbage() {
        let token = TableToken::from_random_bytes([7; 16]);
        assert_eq!(token.as_str().len(), 22);
        assert_eq!(TableToken::parse(token.as_str()).unwrap(), token);
        for bad in [
            "",
            "short",
            "table-7",
            &"A".repeat(23),
            "!!!!!!!!!!!!!!!!!!!!!!",
        ] {
            assert!(TableToken::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn access_tokens_match_only_their_digest() {
        let token = AccessToken::from_random_bytes([1; 16]);
        let other = AccessToken::from_random_bytes([2; 16]);
        let digest = token.digest();
        assert!(digest.matches(&token));
        assert!(!digest.matches(&other));
    }

    #[test]
    fn debug_output_hides_the_secret() {
        let token = TableToken::from_random_bytes([9; 16]);
        let shown = format!("{token:?}");
        assert!(!shown.contains(token.as_str()));
    }
}
