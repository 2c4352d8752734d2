//! Who may do what on the staff side: roles per restaurant, read from the
//! groups of a signed-in person's token, and the access level each route
//! asks for.
//!
//! Groups are named `<restaurant>:owner` and `<restaurant>:staff` (Cognito
//! groups in AWS, the local user store's roles locally), so a token of one
//! restaurant never carries a role in another. API Gateway hands a token's
//! array claims to the function flattened into one string,
//! `"[demo:owner demo:staff]"`; [`parse_groups`] reads that form, a JSON
//! array, and a single group.

use crate::ids::RestaurantId;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The claim that lists a person's groups (Cognito's name for it, used by
/// local tokens too).
pub const GROUPS_CLAIM: &str = "cognito:groups";

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the floor and the kitchen: the board, bumps, cancels, reprints, 86.
    Staff,
    /// Everything staff may do, plus the restaurant's figures.
    Owner,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Staff => "staff",
            Role::Owner => "owner",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "staff" => Some(Role::Staff),
            "owner" => Some(Role::Owner),
            _ => None,
        }
    }

    /// The group name that gives this role in `restaurant`.
    pub fn group(self, restaurant: &RestaurantId) -> String {
        format!("{restaurant}:{}", self.as_str())
    }
}

/// What a route asks of its caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AccessLevel {
    /// Diners, takeout customers, Stripe: no sign-in.
    Public,
    /// A staff member or owner of the restaurant in the path.
    Staff,
    /// An owner of the restaurant in the path.
    Owner,
}

/// Why a signed-in caller was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AccessDenied {
    #[error("You are signed in, but not for this restaurant.")]
    OtherRestaurant,
    #[error("This needs an owner of the restaurant; you are signed in as staff.")]
    OwnerOnly,
}

/// A signed-in person as their verified token describes them.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct StaffClaims {
    /// The token's `sub`: stable per person.
    pub subject: String,
    /// Their sign-in name, for the board's header and the log (never the token).
    pub username: Option<String>,
    pub roles: BTreeMap<RestaurantId, BTreeSet<Role>>,
}

impl StaffClaims {
    /// Roles from group names; groups that name no restaurant role (other
    /// Cognito groups of the pool) are ignored.
    pub fn from_groups<'a>(
        subject: impl Into<String>,
        username: Option<String>,
        groups: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        let mut roles: BTreeMap<RestaurantId, BTreeSet<Role>> = BTreeMap::new();
        for group in groups {
            let Some((restaurant, role)) = group.rsplit_once(':') else {
                continue;
            };
            let (Ok(restaurant), Some(role)) = (RestaurantId::parse(restaurant), Role::parse(role))
            else {
                continue;
            };
            roles.entry(restaurant).or_default().insert(role);
        }
        Self {
            subject: subject.into(),
            username,
            roles,
        }
    }

    pub fn roles_in(&self, restaurant: &RestaurantId) -> impl Iterator<Item = Role> + '_ {
        self.roles.get(restaurant).into_iter().flatten().copied()
    }

    /// Whether this person may use a route of `level` for `restaurant`.
    /// An owner may do everything staff may.
    pub fn authorize(
        &self,
        restaurant: &RestaurantId,
        level: AccessLevel,
    ) -> Result<(), AccessDenied> {
        let roles = self.roles.get(restaurant);
        match level {
            AccessLevel::Public => Ok(()),
            _ if roles.is_none_or(BTreeSet::is_empty) => Err(AccessDenied::OtherRestaurant),
            AccessLevel::Staff => Ok(()),
            AccessLevel::Owner if roles.is_some_and(|r| r.contains(&Role::Owner)) => Ok(()),
            AccessLevel::Owner => Err(AccessDenied::OwnerOnly),
        }
    }
}

/// The group names in a groups claim, in whichever form it arrives: a JSON
/// array (a decoded token), API Gateway's flattened `"[a b]"`, or one bare
/// group name.
pub fn parse_groups(claim: &serde_json::Value) -> Vec<String> {
    match claim {
        serde_json::Value::Array(values) => values
            .iter()
            .filter_map(|v| v.as_str())
            .map(str::to_owned)
            .collect(),
        serde_json::Value::String(text) => parse_flattened_groups(text),
        _ => Vec::new(),
    }
}

/// `"[demo:owner demo:staff]"` (API Gateway's rendering of an array claim),
/// `"demo:staff"` (one group), or a JSON array in a string.
pub fn parse_flattened_groups(text: &str) -> Vec<String> {
    let text = text.trim();
    if text.starts_with('[')
        && let Ok(serde_json::Value::Array(values)) = serde_json::from_str(text)
    {
        return parse_groups(&serde_json::Value::Array(values));
    }
    text.trim_start_matches('[')
        .trim_end_matches(']')
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|g| !g.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The address a member of staff signs in with and gets their invitation
/// at. Parsed once at the boundary, so an invitation can only name a
/// plausible address; trimmed and lower-cased, because the directories
/// (Cognito, the local user store) compare names exactly and people type
/// capitals. Only the characters real addresses use (no quoted local
/// parts, no IP-literal domains): an owner typing a colleague's address
/// never needs more, and a refused one is answered with what to fix.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct EmailAddress(String);

/// Longest address accepted: Cognito's limit for a username.
pub const MAX_EMAIL_CHARS: usize = 128;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "{0:?} is not an email address: the person signs in with it and gets their temporary password there (like anna@example.com)."
)]
pub struct InvalidEmail(pub String);

impl EmailAddress {
    pub fn parse(text: &str) -> Result<Self, InvalidEmail> {
        let address = text.trim().to_ascii_lowercase();
        let invalid = || InvalidEmail(text.to_owned());
        if address.len() > MAX_EMAIL_CHARS {
            return Err(invalid());
        }
        let (local, domain) = address.split_once('@').ok_or_else(invalid)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._%+-'".contains(&b));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|label| {
                (1..=63).contains(&label.len())
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            })
            && labels
                .last()
                .is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()));
        if local_ok && domain_ok {
            Ok(Self(address))
        } else {
            Err(invalid())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn r(id: &str) -> RestaurantId {
        RestaurantId::parse(id).unwrap()
    }

    #[test]
    fn groups_arrive_in_three_forms() {
        let want = vec!["demo:owner".to_owned(), "demo:staff".to_owned()];
        assert_eq!(parse_groups(&json!(["demo:owner", "demo:staff"])), want);
        assert_eq!(parse_groups(&json!("[demo:owner demo:staff]")), want);
        assert_eq!(
            parse_groups(&json!("[\"demo:owner\",\"demo:staff\"]")),
            want
        );
        assert_eq!(parse_groups(&json!("demo:staff")), vec!["demo:staff"]);
        assert_eq!(parse_groups(&json!("[]")), Vec::<String>::new());
        assert_eq!(parse_groups(&json!(42)), Vec::<String>::new());
    }

    #[test]
    fn roles_are_per_restaurant() {
        let claims = StaffClaims::from_groups(
            "u1",
            None,
            [
                "demo:staff",
                "other:owner",
                "admins",
                "bad id:owner",
                "x:chef",
            ],
        );
        assert_eq!(claims.roles.len(), 2);
        assert_eq!(claims.authorize(&r("demo"), AccessLevel::Staff), Ok(()));
        assert_eq!(
            claims.authorize(&r("demo"), AccessLevel::Owner),
            Err(AccessDenied::OwnerOnly)
        );
        assert_eq!(claims.authorize(&r("other"), AccessLevel::Owner), Ok(()));
        assert_eq!(claims.authorize(&r("other"), AccessLevel::Staff), Ok(()));
        assert_eq!(
            claims.authorize(&r("third"), AccessLevel::Staff),
            Err(AccessDenied::OtherRestaurant)
        );
        assert_eq!(
            claims.authorize(&r("third"), AccessLevel::Public),
            Ok(()),
            "public routes ask nothing"
        );
    }

    #[test]
    fn a_restaurant_named_like_a_prefix_is_another_restaurant() {
        let claims = StaffClaims::from_groups("u1", None, ["demo:owner"]);
        assert_eq!(
            claims.authorize(&r("demo2"), AccessLevel::Staff),
            Err(AccessDenied::OtherRestaurant)
        );
        assert_eq!(Role::Owner.group(&r("demo")), "demo:owner");
    }

    #[test]
    fn email_addresses_are_trimmed_lower_cased_and_plausible() {
        assert_eq!(
            EmailAddress::parse("  Anna.Cook+kitchen@Trattoria.Example ")
                .unwrap()
                .as_str(),
            "anna.cook+kitchen@trattoria.example"
        );
        assert!(EmailAddress::parse("o'neil@pub.co.uk").is_ok());
        for bad in [
            "",
            "owner",
            "owner@",
            "@x.com",
            "owner@localhost",
            "a b@x.com",
            "a@b@x.com",
            ".anna@x.com",
            "an..na@x.com",
            "anna@-x.com",
            "anna@x.c0m",
            "anna@x..com",
            "an\nna@x.com",
            "<anna@x.com>",
        ] {
            assert_eq!(
                EmailAddress::parse(bad),
                Err(InvalidEmail(bad.to_owned())),
                "{bad:?}"
            );
        }
        let long = format!("{}@example.com", "a".repeat(MAX_EMAIL_CHARS));
        assert!(EmailAddress::parse(&long).is_err());
    }
}
