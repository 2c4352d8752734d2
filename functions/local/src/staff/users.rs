//! Local staff accounts: username, argon2id password hash (PHC string) and
//! groups (`<restaurant>:staff`, `<restaurant>:owner`), in one JSON file in
//! the data folder, written atomically and readable by its owner only.

use anyhow::{Context, bail};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::RwLock;
use tabletap_core::ids::RestaurantId;
use tabletap_core::staff::Role;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct StaffUser {
    pub username: String,
    /// Stable id, the token's `sub`.
    pub subject: String,
    pub password_hash: String,
    pub groups: Vec<String>,
    /// Invited by an owner with a temporary password and not signed in
    /// yet (Cognito's FORCE_CHANGE_PASSWORD; local mode has no password
    /// change, so the first sign-in ends it).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub invited: bool,
}

#[derive(Default, Serialize, Deserialize)]
struct UsersFile {
    users: Vec<StaffUser>,
}

pub struct UserStore {
    path: PathBuf,
    /// The users and the file's modification time they were read at.
    users: RwLock<(Vec<StaffUser>, Option<std::time::SystemTime>)>,
}

/// Shortest password accepted (Cognito's pool in the template asks 10 too).
pub const MIN_PASSWORD_CHARS: usize = 10;

fn hash_password(password: &str) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt)
        .map_err(|e| anyhow::anyhow!("the operating system's random generator failed: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))?
        .to_string())
}

/// A random password people can type: 16 characters of base32-like text.
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system's random generator failed");
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

fn read_file(path: &Path) -> anyhow::Result<(Vec<StaffUser>, Option<std::time::SystemTime>)> {
    let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let users = match std::fs::read_to_string(path) {
        Ok(text) => {
            serde_json::from_str::<UsersFile>(&text)
                .with_context(|| format!("{} is not a staff user file", path.display()))?
                .users
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    Ok((users, modified))
}

fn check_username(username: &str) -> anyhow::Result<()> {
    // Every address EmailAddress accepts (the owner pages' invitations).
    let ok = (1..=tabletap_core::staff::MAX_EMAIL_CHARS).contains(&username.len())
        && username
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"@._-+%'".contains(&b));
    if !ok {
        bail!("username {username:?}: use 1 to 128 letters, digits or @ . _ - + % '");
    }
    Ok(())
}

impl UserStore {
    pub fn open(data_dir: &Path) -> anyhow::Result<Self> {
        let path = data_dir.join("staff-users.json");
        let loaded = read_file(&path)?;
        Ok(Self {
            path,
            users: RwLock::new(loaded),
        })
    }

    /// Rereads the file if another process (`tabletap-local staff add`)
    /// changed it since it was read.
    fn refresh(&self) {
        let modified = std::fs::metadata(&self.path)
            .and_then(|m| m.modified())
            .ok();
        let stale = self.users.read().unwrap_or_else(|e| e.into_inner()).1 != modified;
        if stale {
            match read_file(&self.path) {
                Ok(loaded) => *self.users.write().unwrap_or_else(|e| e.into_inner()) = loaded,
                Err(error) => {
                    tracing::warn!(error = %format!("{error:#}"), "staff user file unreadable; keeping the users read before")
                }
            }
        }
    }

    fn save(&self, users: &[StaffUser]) -> anyhow::Result<()> {
        let text = serde_json::to_string_pretty(&UsersFile {
            users: users.to_vec(),
        })?;
        let tmp = self.path.with_extension("json.tmp");
        crate::payments::write_private(&tmp, &text)
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        std::fs::rename(&tmp, &self.path)
            .with_context(|| format!("cannot replace {}", self.path.display()))
    }

    /// Changes the users under the lock and writes them back when `edit`
    /// says it changed something: one read-modify-write of the file.
    fn edit<T>(
        &self,
        edit: impl FnOnce(&mut Vec<StaffUser>) -> anyhow::Result<(T, bool)>,
    ) -> anyhow::Result<T> {
        self.refresh();
        let mut guard = self.users.write().unwrap_or_else(|e| e.into_inner());
        let mut users = guard.0.clone();
        let (result, changed) = edit(&mut users)?;
        if changed {
            self.save(&users)?;
            guard.0 = users;
            guard.1 = std::fs::metadata(&self.path)
                .and_then(|m| m.modified())
                .ok();
        }
        Ok(result)
    }

    /// Adds a person with a role in a restaurant, or gives an existing one
    /// the role and, when `password` is given, a new password.
    pub fn add(
        &self,
        username: &str,
        password: Option<&str>,
        restaurant: &RestaurantId,
        role: Role,
    ) -> anyhow::Result<StaffUser> {
        check_username(username)?;
        if let Some(password) = password
            && password.chars().count() < MIN_PASSWORD_CHARS
        {
            bail!("the password must have at least {MIN_PASSWORD_CHARS} characters");
        }
        let group = role.group(restaurant);
        self.edit(|users| {
            let user = match users.iter_mut().find(|u| u.username == username) {
                Some(user) => {
                    if let Some(password) = password {
                        user.password_hash = hash_password(password)?;
                        // A password an administrator set is no invitation.
                        user.invited = false;
                    }
                    if !user.groups.contains(&group) {
                        user.groups.push(group);
                    }
                    user.clone()
                }
                None => {
                    let Some(password) = password else {
                        bail!("{username} is new: give a password");
                    };
                    let user = StaffUser {
                        username: username.to_owned(),
                        subject: format!("local-{}", random_password()),
                        password_hash: hash_password(password)?,
                        groups: vec![group],
                        invited: false,
                    };
                    users.push(user.clone());
                    user
                }
            };
            Ok((user, true))
        })
    }

    /// Gives `username` the role in the restaurant, creating the account
    /// with a random temporary password if there is none. Returns the user
    /// and, for a new account only, its password (shown to the owner once).
    pub fn invite(
        &self,
        username: &str,
        restaurant: &RestaurantId,
        role: Role,
    ) -> anyhow::Result<(StaffUser, Option<String>)> {
        check_username(username)?;
        let group = role.group(restaurant);
        self.edit(|users| {
            if let Some(user) = users.iter_mut().find(|u| u.username == username) {
                if !user.groups.contains(&group) {
                    user.groups.push(group);
                }
                return Ok(((user.clone(), None), true));
            }
            let password = random_password();
            let user = StaffUser {
                username: username.to_owned(),
                subject: format!("local-{}", random_password()),
                password_hash: hash_password(&password)?,
                groups: vec![group],
                invited: true,
            };
            users.push(user.clone());
            Ok(((user, Some(password)), true))
        })
    }

    /// Everyone with a role in the restaurant.
    pub fn members(&self, restaurant: &RestaurantId) -> Vec<StaffUser> {
        self.refresh();
        let prefix = format!("{restaurant}:");
        let users = self.users.read().unwrap_or_else(|e| e.into_inner());
        users
            .0
            .iter()
            .filter(|u| {
                u.groups.iter().any(|g| {
                    g.strip_prefix(&prefix)
                        .is_some_and(|role| Role::parse(role).is_some())
                })
            })
            .cloned()
            .collect()
    }

    /// Replaces the user's roles in the restaurant with `role` (the other
    /// restaurants' groups stay); `None` takes them all. `false` when there
    /// is no such user.
    pub fn set_roles(
        &self,
        username: &str,
        restaurant: &RestaurantId,
        role: Option<Role>,
    ) -> anyhow::Result<bool> {
        let here = [Role::Staff.group(restaurant), Role::Owner.group(restaurant)];
        self.edit(|users| {
            let Some(user) = users.iter_mut().find(|u| u.username == username) else {
                return Ok((false, false));
            };
            user.groups.retain(|g| !here.contains(g));
            if let Some(role) = role {
                user.groups.push(role.group(restaurant));
            }
            Ok((true, true))
        })
    }

    pub fn find(&self, username: &str) -> Option<StaffUser> {
        self.refresh();
        let users = self.users.read().unwrap_or_else(|e| e.into_inner());
        users.0.iter().find(|u| u.username == username).cloned()
    }

    /// The user, if the password matches. Slow on purpose (argon2id): call
    /// it off the async runtime.
    pub fn check(&self, username: &str, password: &str) -> Option<StaffUser> {
        let user = self.find(username)?;
        let hash = PasswordHash::new(&user.password_hash).ok()?;
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .ok()?;
        if user.invited {
            // The first sign-in: from now on the owner's list says active.
            let signed_in = self.edit(|users| {
                let found = users.iter_mut().find(|u| u.subject == user.subject);
                let changed = found
                    .map(|u| std::mem::take(&mut u.invited))
                    .unwrap_or(false);
                Ok(((), changed))
            });
            if let Err(error) = signed_in {
                tracing::warn!(error = %format!("{error:#}"), "cannot record the first sign-in; the owner's list still says invited");
            }
        }
        Some(StaffUser {
            invited: false,
            ..user
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hashed_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let store = UserStore::open(dir.path()).unwrap();
        let demo = RestaurantId::parse("demo").unwrap();
        store
            .add("anna", Some("correct horse"), &demo, Role::Staff)
            .unwrap();
        let text = std::fs::read_to_string(dir.path().join("staff-users.json")).unwrap();
        assert!(!text.contains("correct horse"), "no plain password on disk");
        assert!(text.contains("$argon2id$"));
        assert!(store.check("anna", "correct horse").is_some());
        assert!(store.check("anna", "wrong horse!").is_none());
        assert!(store.check("bob", "correct horse").is_none());
        // A role more, same person; read back after a restart.
        store.add("anna", None, &demo, Role::Owner).unwrap();
        let again = UserStore::open(dir.path()).unwrap();
        assert_eq!(
            again.find("anna").unwrap().groups,
            vec!["demo:staff", "demo:owner"]
        );
        assert!(store.add("eve", Some("short"), &demo, Role::Staff).is_err());
        assert!(
            store
                .add("bad name", Some("long enough pw"), &demo, Role::Staff)
                .is_err()
        );
    }

    #[test]
    fn invitations_roles_and_removal_touch_one_restaurant_only() {
        let dir = tempfile::tempdir().unwrap();
        let store = UserStore::open(dir.path()).unwrap();
        let demo = RestaurantId::parse("demo").unwrap();
        let other = RestaurantId::parse("other").unwrap();
        let (anna, password) = store
            .invite("anna@example.com", &demo, Role::Staff)
            .unwrap();
        let password = password.expect("a new account gets a temporary password");
        assert!(password.chars().count() >= MIN_PASSWORD_CHARS);
        assert!(anna.invited);
        // Someone who has an account only gets the role: no new password.
        let (again, none) = store
            .invite("anna@example.com", &other, Role::Owner)
            .unwrap();
        assert_eq!(none, None);
        assert_eq!(again.groups, ["demo:staff", "other:owner"]);
        assert_eq!(store.members(&demo).len(), 1);
        assert!(
            store
                .members(&RestaurantId::parse("dem").unwrap())
                .is_empty(),
            "a prefix of the id is another restaurant"
        );

        assert!(
            store
                .set_roles("anna@example.com", &demo, Some(Role::Owner))
                .unwrap()
        );
        assert_eq!(
            store.find("anna@example.com").unwrap().groups,
            ["other:owner", "demo:owner"]
        );
        assert!(store.set_roles("anna@example.com", &demo, None).unwrap());
        assert!(store.members(&demo).is_empty());
        assert_eq!(store.members(&other).len(), 1, "still works elsewhere");
        assert!(!store.set_roles("nobody@example.com", &demo, None).unwrap());

        // The first sign-in ends the invitation, on disk too.
        assert!(store.check("anna@example.com", &password).is_some());
        let reread = UserStore::open(dir.path()).unwrap();
        assert!(!reread.find("anna@example.com").unwrap().invited);
    }
}
