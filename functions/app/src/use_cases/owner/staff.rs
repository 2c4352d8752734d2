//! Staff management: who may sign in for the restaurant, and as what.
//! The same rules in AWS (Cognito) and locally (the local user store),
//! through the [`StaffDirectory`] port:
//!
//! - an invitation names an email address and a role (staff or owner); a
//!   person without an account gets one with a temporary password, one who
//!   has an account (in another restaurant, say) only gets the role here;
//! - inviting someone who already has a role here changes their role;
//! - removing someone takes their roles here only;
//! - a restaurant always keeps an owner: its last owner can be neither
//!   removed nor made staff (409 `last_owner`), so nobody locks the
//!   restaurant out of its own back office. Two owners demoting each other
//!   at the same instant could still both succeed (the directory has no
//!   transactions); `tabletap-ops create-owner` puts an owner back.

use crate::error::AppError;
use crate::ports::{Invitation, NewMember, RestaurantStore, StaffDirectory, StaffMember};
use tabletap_core::ids::RestaurantId;
use tabletap_core::staff::{EmailAddress, Role};

/// What an invitation did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StaffChange {
    /// The person had no role here; now they have one.
    Invited(Invitation),
    /// They had another role here.
    RoleChanged { member: StaffMember, from: Role },
    /// They already had this role: nothing changed.
    Unchanged(StaffMember),
}

impl StaffChange {
    pub fn member(&self) -> &StaffMember {
        match self {
            StaffChange::Invited(invitation) => invitation.member(),
            StaffChange::RoleChanged { member, .. } | StaffChange::Unchanged(member) => member,
        }
    }
}

fn directory(directory: Option<&dyn StaffDirectory>) -> Result<&dyn StaffDirectory, AppError> {
    directory.ok_or(AppError::StaffDirectoryNotConfigured)
}

/// `staff` or `owner`.
pub fn parse_role(text: &str) -> Result<Role, AppError> {
    Role::parse(text.trim()).ok_or_else(|| AppError::InvalidInput {
        code: "invalid_role",
        message: format!("{text:?} is not a role: use staff or owner."),
    })
}

/// Everyone with a role in the restaurant: owners first, then by address.
pub async fn list_staff(
    directory: Option<&dyn StaffDirectory>,
    restaurant_id: &RestaurantId,
) -> Result<Vec<StaffMember>, AppError> {
    let mut members = self::directory(directory)?
        .list_members(restaurant_id)
        .await?;
    members.sort_by(|a, b| {
        let name = |m: &StaffMember| m.email.clone().unwrap_or_else(|| m.username.clone());
        b.role.cmp(&a.role).then_with(|| name(a).cmp(&name(b)))
    });
    Ok(members)
}

fn owners(members: &[StaffMember]) -> usize {
    members.iter().filter(|m| m.role == Role::Owner).count()
}

fn display_name(member: &StaffMember) -> &str {
    member.email.as_deref().unwrap_or(&member.username)
}

/// Invites `email` as `role`, or changes the role of the member it names:
/// their address, or their username from the list (so a local account
/// named otherwise, like the demo's `staff@demo`, can change role too).
/// Only an invitation needs a valid address.
pub async fn invite_or_change_role<S>(
    store: &S,
    directory: Option<&dyn StaffDirectory>,
    restaurant_id: &RestaurantId,
    email: &str,
    role: &str,
) -> Result<StaffChange, AppError>
where
    S: RestaurantStore + ?Sized,
{
    let role = parse_role(role)?;
    let directory = self::directory(directory)?;
    let members = directory.list_members(restaurant_id).await?;
    // A username exactly, an address in any case (is_named).
    if let Some(member) = members.iter().find(|m| m.is_named(email.trim())) {
        if member.role == role {
            return Ok(StaffChange::Unchanged(member.clone()));
        }
        if member.role == Role::Owner && owners(&members) == 1 {
            return Err(AppError::LastOwner(display_name(member).to_owned()));
        }
        directory
            .set_role(restaurant_id, &member.username, role)
            .await?;
        tracing::info!(restaurant = %restaurant_id, member = %member.username, from = member.role.as_str(), to = role.as_str(), "staff role changed");
        let from = member.role;
        let member = StaffMember {
            role,
            ..member.clone()
        };
        return Ok(StaffChange::RoleChanged { member, from });
    }
    let email = EmailAddress::parse(email)?;
    let restaurant = store
        .get_restaurant(restaurant_id)
        .await?
        .ok_or_else(|| AppError::RestaurantNotFound(restaurant_id.to_string()))?;
    let invitation = directory
        .invite(&NewMember {
            restaurant_id,
            restaurant_name: &restaurant.name,
            email: &email,
            role,
        })
        .await?;
    let new_account = matches!(invitation, Invitation::NewAccount { .. });
    tracing::info!(restaurant = %restaurant_id, member = %invitation.member().username, role = role.as_str(), new_account, "staff invited");
    Ok(StaffChange::Invited(invitation))
}

/// Takes the roles in the restaurant from the member named `name` (their
/// username, or their email address), and returns them as they were.
pub async fn remove_staff(
    directory: Option<&dyn StaffDirectory>,
    restaurant_id: &RestaurantId,
    name: &str,
) -> Result<StaffMember, AppError> {
    let directory = self::directory(directory)?;
    let members = directory.list_members(restaurant_id).await?;
    let member = members
        .iter()
        .find(|m| m.is_named(name))
        .ok_or_else(|| AppError::StaffMemberNotFound(name.to_owned()))?;
    if member.role == Role::Owner && owners(&members) == 1 {
        return Err(AppError::LastOwner(display_name(member).to_owned()));
    }
    directory.remove(restaurant_id, &member.username).await?;
    tracing::info!(restaurant = %restaurant_id, member = %member.username, role = member.role.as_str(), "staff removed");
    Ok(member.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::{DirectoryError, MemberStatus, StoreError};
    use async_trait::async_trait;
    use std::collections::BTreeMap;
    use std::sync::Mutex;
    use tabletap_core::restaurant::Restaurant;

    /// A directory in memory: account name -> groups, and the calls made.
    #[derive(Default)]
    struct FakeDirectory {
        accounts: Mutex<BTreeMap<String, Vec<String>>>,
        calls: Mutex<Vec<String>>,
    }

    impl FakeDirectory {
        fn with(accounts: &[(&str, &[&str])]) -> Self {
            let directory = Self::default();
            for (name, groups) in accounts {
                directory.accounts.lock().unwrap().insert(
                    (*name).to_owned(),
                    groups.iter().map(|g| (*g).to_owned()).collect(),
                );
            }
            directory
        }

        fn groups(&self, name: &str) -> Vec<String> {
            self.accounts.lock().unwrap()[name].clone()
        }

        fn calls(&self) -> Vec<String> {
            self.calls.lock().unwrap().clone()
        }
    }

    fn member(name: &str, role: Role) -> StaffMember {
        StaffMember {
            username: name.to_owned(),
            subject: None,
            email: Some(name.to_owned()),
            role,
            status: MemberStatus::Active,
        }
    }

    #[async_trait]
    impl StaffDirectory for FakeDirectory {
        async fn list_members(
            &self,
            restaurant: &RestaurantId,
        ) -> Result<Vec<StaffMember>, DirectoryError> {
            let owner = Role::Owner.group(restaurant);
            let staff = Role::Staff.group(restaurant);
            Ok(self
                .accounts
                .lock()
                .unwrap()
                .iter()
                .filter_map(|(name, groups)| {
                    if groups.contains(&owner) {
                        Some(member(name, Role::Owner))
                    } else if groups.contains(&staff) {
                        Some(member(name, Role::Staff))
                    } else {
                        None
                    }
                })
                .collect())
        }

        async fn invite(&self, new: &NewMember<'_>) -> Result<Invitation, DirectoryError> {
            self.calls.lock().unwrap().push(format!(
                "invite {} {} to {}",
                new.email,
                new.role.as_str(),
                new.restaurant_name
            ));
            let mut accounts = self.accounts.lock().unwrap();
            let existed = accounts.contains_key(new.email.as_str());
            accounts
                .entry(new.email.to_string())
                .or_default()
                .push(new.role.group(new.restaurant_id));
            let member = member(new.email.as_str(), new.role);
            Ok(if existed {
                Invitation::ExistingAccount { member }
            } else {
                Invitation::NewAccount {
                    member,
                    temporary_password: Some("temporary-pw".into()),
                }
            })
        }

        async fn set_role(
            &self,
            restaurant: &RestaurantId,
            username: &str,
            role: Role,
        ) -> Result<(), DirectoryError> {
            self.calls
                .lock()
                .unwrap()
                .push(format!("set_role {username} {}", role.as_str()));
            let mut accounts = self.accounts.lock().unwrap();
            let groups = accounts.get_mut(username).unwrap();
            groups.retain(|g| {
                g != &Role::Staff.group(restaurant) && g != &Role::Owner.group(restaurant)
            });
            groups.push(role.group(restaurant));
            Ok(())
        }

        async fn remove(
            &self,
            restaurant: &RestaurantId,
            username: &str,
        ) -> Result<(), DirectoryError> {
            self.calls
                .lock()
                .unwrap()
                .push(format!("remove {username}"));
            let mut accounts = self.accounts.lock().unwrap();
            let groups = accounts.get_mut(username).unwrap();
            groups.retain(|g| !g.starts_with(&format!("{restaurant}:")));
            Ok(())
        }
    }

    struct OneRestaurant(Restaurant);

    #[async_trait]
    impl RestaurantStore for OneRestaurant {
        async fn put_restaurant(&self, _: &Restaurant) -> Result<(), StoreError> {
            unreachable!("staff management writes no restaurant")
        }
        async fn get_restaurant(
            &self,
            id: &RestaurantId,
        ) -> Result<Option<Restaurant>, StoreError> {
            Ok((id == &self.0.id).then(|| self.0.clone()))
        }
    }

    fn store() -> OneRestaurant {
        OneRestaurant(tabletap_core::fixtures::berlin())
    }

    fn demo() -> RestaurantId {
        RestaurantId::parse("demo").unwrap()
    }

    async fn invite(
        directory: &FakeDirectory,
        email: &str,
        role: &str,
    ) -> Result<StaffChange, AppError> {
        invite_or_change_role(&store(), Some(directory), &demo(), email, role).await
    }

    #[tokio::test]
    async fn a_new_person_is_invited_and_an_existing_account_only_gets_the_role() {
        let directory = FakeDirectory::with(&[
            ("owner@demo.example", &["demo:owner"]),
            ("cook@other.example", &["other:staff"]),
        ]);
        let change = invite(&directory, " New.Cook@Demo.Example ", "staff")
            .await
            .unwrap();
        assert_eq!(
            change,
            StaffChange::Invited(Invitation::NewAccount {
                member: member("new.cook@demo.example", Role::Staff),
                temporary_password: Some("temporary-pw".into()),
            })
        );
        let change = invite(&directory, "cook@other.example", "owner")
            .await
            .unwrap();
        assert!(matches!(
            change,
            StaffChange::Invited(Invitation::ExistingAccount { .. })
        ));
        assert_eq!(
            directory.groups("cook@other.example"),
            ["other:staff", "demo:owner"],
            "the other restaurant's role is untouched"
        );
        assert_eq!(
            directory.calls(),
            [
                "invite new.cook@demo.example staff to Trattoria Demo",
                "invite cook@other.example owner to Trattoria Demo"
            ]
        );
    }

    #[tokio::test]
    async fn inviting_a_member_again_changes_their_role_or_nothing() {
        let directory = FakeDirectory::with(&[
            ("owner@demo.example", &["demo:owner"]),
            ("cook@demo.example", &["demo:staff"]),
        ]);
        assert_eq!(
            invite(&directory, "cook@demo.example", "staff")
                .await
                .unwrap(),
            StaffChange::Unchanged(member("cook@demo.example", Role::Staff))
        );
        assert!(
            directory.calls().is_empty(),
            "nothing asked of the directory"
        );
        assert_eq!(
            invite(&directory, "COOK@demo.example", "owner")
                .await
                .unwrap(),
            StaffChange::RoleChanged {
                member: member("cook@demo.example", Role::Owner),
                from: Role::Staff
            }
        );
        // Two owners now: either may step down.
        assert!(matches!(
            invite(&directory, "owner@demo.example", "staff")
                .await
                .unwrap(),
            StaffChange::RoleChanged {
                from: Role::Owner,
                ..
            }
        ));
        assert_eq!(directory.groups("owner@demo.example"), ["demo:staff"]);
    }

    #[tokio::test]
    async fn a_member_named_otherwise_changes_role_by_their_username() {
        let directory = FakeDirectory::with(&[
            ("owner@demo.example", &["demo:owner"]),
            ("staff@demo", &["demo:staff"]),
        ]);
        let change = invite(&directory, "staff@demo", "owner").await.unwrap();
        assert!(
            matches!(&change, StaffChange::RoleChanged { from: Role::Staff, member } if member.role == Role::Owner),
            "{change:?}"
        );
        assert_eq!(directory.groups("staff@demo"), ["demo:owner"]);
        // Not a member and not an address: nothing to invite.
        assert!(matches!(
            invite(&directory, "anna@demo", "staff").await,
            Err(AppError::InvalidEmail(_))
        ));
    }

    #[tokio::test]
    async fn the_last_owner_can_be_neither_demoted_nor_removed() {
        let directory = FakeDirectory::with(&[
            ("owner@demo.example", &["demo:owner"]),
            ("cook@demo.example", &["demo:staff"]),
            ("boss@other.example", &["other:owner"]),
        ]);
        let demoted = invite(&directory, "owner@demo.example", "staff").await;
        assert!(
            matches!(&demoted, Err(AppError::LastOwner(name)) if name == "owner@demo.example"),
            "{demoted:?}"
        );
        let removed = remove_staff(Some(&directory), &demo(), "owner@demo.example").await;
        assert!(
            matches!(removed, Err(AppError::LastOwner(_))),
            "{removed:?}"
        );
        assert!(directory.calls().is_empty());
        assert_eq!(directory.groups("owner@demo.example"), ["demo:owner"]);
        // Staff may be removed; the account stays.
        let removed = remove_staff(Some(&directory), &demo(), "cook@demo.example")
            .await
            .unwrap();
        assert_eq!(removed.role, Role::Staff);
        assert!(directory.groups("cook@demo.example").is_empty());
    }

    #[tokio::test]
    async fn bad_input_and_strangers_are_refused_with_their_codes() {
        let directory = FakeDirectory::with(&[
            ("owner@demo.example", &["demo:owner"]),
            ("boss@other.example", &["other:owner"]),
        ]);
        assert!(matches!(
            invite(&directory, "not an address", "staff").await,
            Err(AppError::InvalidEmail(_))
        ));
        assert!(matches!(
            invite(&directory, "cook@demo.example", "chef").await,
            Err(AppError::InvalidInput {
                code: "invalid_role",
                ..
            })
        ));
        // Someone of another restaurant is no member here.
        assert!(matches!(
            remove_staff(Some(&directory), &demo(), "boss@other.example").await,
            Err(AppError::StaffMemberNotFound(name)) if name == "boss@other.example"
        ));
        assert!(directory.calls().is_empty());
        // A restaurant that does not exist gets no invitations.
        let nowhere = RestaurantId::parse("nowhere").unwrap();
        assert!(matches!(
            invite_or_change_role(
                &store(),
                Some(&directory),
                &nowhere,
                "cook@x.example",
                "staff"
            )
            .await,
            Err(AppError::RestaurantNotFound(_))
        ));
        // No directory in this process.
        assert!(matches!(
            list_staff(None, &demo()).await,
            Err(AppError::StaffDirectoryNotConfigured)
        ));
    }

    #[tokio::test]
    async fn the_list_shows_owners_first_then_by_address() {
        let directory = FakeDirectory::with(&[
            ("zoe@demo.example", &["demo:owner"]),
            ("bea@demo.example", &["demo:staff"]),
            ("al@demo.example", &["demo:staff", "demo:owner"]),
            ("cy@other.example", &["other:staff"]),
        ]);
        let names: Vec<(String, Role)> = list_staff(Some(&directory), &demo())
            .await
            .unwrap()
            .into_iter()
            .map(|m| (m.username, m.role))
            .collect();
        assert_eq!(
            names,
            [
                ("al@demo.example".to_owned(), Role::Owner),
                ("zoe@demo.example".to_owned(), Role::Owner),
                ("bea@demo.example".to_owned(), Role::Staff),
            ]
        );
    }
}
