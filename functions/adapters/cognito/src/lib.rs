//! The [`StaffDirectory`] port in AWS: the stack's Cognito user pool
//! (`StaffUserPool`). A restaurant's people are the members of its groups
//! `<restaurant>:staff` and `<restaurant>:owner`, which the staff routes
//! read from the ID token's `cognito:groups` claim. An account belongs to
//! the pool, not to a restaurant: one person may work in several, so every
//! call here changes only this restaurant's groups.
//!
//! Inviting someone new is Cognito's `AdminCreateUser` with the email as
//! the username: Cognito emails them a temporary password, which they
//! replace at first sign-in (status `FORCE_CHANGE_PASSWORD` until then).
//! Someone who already has an account is only added to the group (no
//! second email). A group is created the first time it is needed.
//!
//! The calls each operation makes, for the functions' IAM policies:
//!
//! | operation | cognito-idp actions |
//! | --- | --- |
//! | [`list_members`](StaffDirectory::list_members) | `ListUsersInGroup` |
//! | [`invite`](StaffDirectory::invite) | `AdminGetUser`, `AdminCreateUser` (new person), `AdminAddUserToGroup`, `CreateGroup` (first of the restaurant's role) |
//! | [`set_role`](StaffDirectory::set_role) | `AdminAddUserToGroup`, `CreateGroup` (first of the role), `AdminRemoveUserFromGroup` |
//! | [`remove`](StaffDirectory::remove) | `AdminRemoveUserFromGroup` |
//!
//! A removed person's ID token stays valid until it expires (60 minutes in
//! the template): API Gateway's JWT authorizer checks signature and expiry,
//! not the pool. `AdminUserGlobalSignOut` would not shorten that (it
//! revokes refresh tokens, and a refreshed token already carries the new
//! groups) and would sign the person out of every other restaurant too, so
//! it is not called.

#[cfg(feature = "local")]
pub mod local;

use anyhow::anyhow;
use async_trait::async_trait;
use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, DeliveryMediumType, UserStatusType, UserType,
};
use std::collections::BTreeMap;
use tabletap_app::ports::{
    DirectoryError, Invitation, MemberStatus, NewMember, StaffDirectory, StaffMember,
};
use tabletap_core::ids::RestaurantId;
use tabletap_core::staff::Role;

/// The largest page `ListUsersInGroup` returns.
const PAGE: i32 = 60;

/// A restaurant's staff and owners in one user pool.
#[derive(Clone, Debug)]
pub struct CognitoStaffDirectory {
    client: Client,
    user_pool_id: String,
}

impl CognitoStaffDirectory {
    pub fn new(client: Client, user_pool_id: impl Into<String>) -> Self {
        Self {
            client,
            user_pool_id: user_pool_id.into(),
        }
    }

    pub fn user_pool_id(&self) -> &str {
        &self.user_pool_id
    }

    /// Every user in `group`; none when the group does not exist yet.
    async fn users_in_group(&self, group: &str) -> Result<Vec<UserType>, DirectoryError> {
        let mut users = Vec::new();
        let mut next = None;
        loop {
            let page = self
                .client
                .list_users_in_group()
                .user_pool_id(&self.user_pool_id)
                .group_name(group)
                .limit(PAGE)
                .set_next_token(next)
                .send()
                .await;
            let page = match page {
                Ok(page) => page,
                // Nobody ever had this role here.
                Err(error) if users.is_empty() && is_missing_group(&error) => return Ok(users),
                Err(error) => return Err(self.error(&format!("list group {group}"), error)),
            };
            users.extend(page.users.unwrap_or_default());
            next = page.next_token.filter(|t| !t.is_empty());
            if next.is_none() {
                return Ok(users);
            }
        }
    }

    /// Adds the user to `group`, creating the group when it is missing.
    async fn add_to_group(&self, username: &str, group: &str) -> Result<(), DirectoryError> {
        for attempt in 0..2 {
            let added = self
                .client
                .admin_add_user_to_group()
                .user_pool_id(&self.user_pool_id)
                .username(username)
                .group_name(group)
                .send()
                .await;
            match added {
                Ok(_) => return Ok(()),
                Err(error) if attempt == 0 && code(&error) == Some("ResourceNotFoundException") => {
                    self.create_group(group).await?;
                }
                Err(error) => {
                    return Err(self.error(&format!("add {username} to group {group}"), error));
                }
            }
        }
        unreachable!("the second attempt returns")
    }

    async fn create_group(&self, group: &str) -> Result<(), DirectoryError> {
        let (restaurant, role) = group.rsplit_once(':').unwrap_or((group, ""));
        let created = self
            .client
            .create_group()
            .user_pool_id(&self.user_pool_id)
            .group_name(group)
            .description(format!(
                "TableTap: the {role} role of restaurant {restaurant}"
            ))
            .send()
            .await;
        match created {
            Ok(_) => Ok(()),
            // Created by a concurrent call meanwhile.
            Err(error) if code(&error) == Some("GroupExistsException") => Ok(()),
            Err(error) => Err(self.error(&format!("create group {group}"), error)),
        }
    }

    /// Takes the user out of `group`; a group that does not exist has
    /// nobody to take out.
    async fn remove_from_group(&self, username: &str, group: &str) -> Result<(), DirectoryError> {
        let removed = self
            .client
            .admin_remove_user_from_group()
            .user_pool_id(&self.user_pool_id)
            .username(username)
            .group_name(group)
            .send()
            .await;
        match removed {
            Ok(_) => Ok(()),
            Err(error) if is_missing_group(&error) => Ok(()),
            Err(error) => Err(self.error(&format!("remove {username} from group {group}"), error)),
        }
    }

    /// The account with this username or email, if there is one.
    async fn find_user(
        &self,
        name: &str,
        role: Role,
    ) -> Result<Option<StaffMember>, DirectoryError> {
        let found = self
            .client
            .admin_get_user()
            .user_pool_id(&self.user_pool_id)
            .username(name)
            .send()
            .await;
        match found {
            Ok(user) => Ok(Some(member(
                user.username(),
                user.user_attributes(),
                user.user_status(),
                user.enabled(),
                role,
            ))),
            Err(error) if code(&error) == Some("UserNotFoundException") => Ok(None),
            Err(error) => Err(self.error(&format!("look up {name}"), error)),
        }
    }

    /// Creates the account; Cognito emails the temporary password. `None`
    /// when it exists after all (created by a concurrent invitation).
    async fn create_user(
        &self,
        new: &NewMember<'_>,
    ) -> Result<Option<StaffMember>, DirectoryError> {
        let email = new.email.as_str();
        let attribute = |name: &str, value: &str| {
            AttributeType::builder()
                .name(name)
                .value(value)
                .build()
                .expect("name is set")
        };
        let created = self
            .client
            .admin_create_user()
            .user_pool_id(&self.user_pool_id)
            .username(email)
            .user_attributes(attribute("email", email))
            // The owner vouches for the address; Cognito sends the
            // invitation there and password resets too.
            .user_attributes(attribute("email_verified", "true"))
            .desired_delivery_mediums(DeliveryMediumType::Email)
            .send()
            .await;
        match created {
            Ok(output) => {
                let user = output.user.ok_or_else(|| {
                    DirectoryError::Failed(anyhow!("Cognito created {email} but returned no user"))
                })?;
                Ok(Some(member(
                    user.username().unwrap_or(email),
                    user.attributes(),
                    user.user_status(),
                    user.enabled(),
                    new.role,
                )))
            }
            Err(error) if code(&error) == Some("UsernameExistsException") => Ok(None),
            Err(error) => Err(self.error(&format!("create the account of {email}"), error)),
        }
    }

    /// What to tell the caller about a failed request: retry (throttled,
    /// unreachable), the owner's input (refused), or the deployment.
    fn error<E, R>(&self, what: &str, error: SdkError<E, R>) -> DirectoryError
    where
        E: std::error::Error + ProvideErrorMetadata + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        let pool = &self.user_pool_id;
        match &error {
            SdkError::TimeoutError(_)
            | SdkError::DispatchFailure(_)
            | SdkError::ResponseError(_) => DirectoryError::Unavailable(anyhow!(
                "cannot reach Cognito to {what} in user pool {pool}: {}",
                DisplayErrorContext(&error)
            )),
            SdkError::ServiceError(service) => {
                let code = service.err().code().unwrap_or("unknown error");
                let message = service.err().message().unwrap_or("");
                match code {
                    "TooManyRequestsException" | "InternalErrorException" => {
                        DirectoryError::Unavailable(anyhow!(
                            "Cognito is busy ({code}: {message}) and did not {what} in user pool {pool}"
                        ))
                    }
                    "InvalidParameterException" => DirectoryError::Refused(format!(
                        "The sign-in service refused this: {message}"
                    )),
                    _ => {
                        let hint = match code {
                            "AccessDeniedException" | "NotAuthorizedException" => {
                                ": the caller lacks the permission (the function's IAM policy, or your AWS identity; docs/owner-staff.md lists the actions)"
                            }
                            "ResourceNotFoundException" => ": check the user pool id",
                            _ => "",
                        };
                        DirectoryError::Failed(anyhow!(
                            "Cognito refused to {what} in user pool {pool}: {code}: {message}{hint}"
                        ))
                    }
                }
            }
            _ => DirectoryError::Failed(anyhow!(
                "cannot {what} in user pool {pool}: {}",
                DisplayErrorContext(&error)
            )),
        }
    }
}

fn code<E: ProvideErrorMetadata, R>(error: &SdkError<E, R>) -> Option<&str> {
    match error {
        SdkError::ServiceError(service) => service.err().code(),
        _ => None,
    }
}

/// A group that does not exist (yet). Cognito answers a missing pool with
/// the same code, but says "User pool ... does not exist": that stays an
/// error, so a wrong pool id never reads as an empty restaurant.
fn is_missing_group<E: ProvideErrorMetadata, R>(error: &SdkError<E, R>) -> bool {
    code(error) == Some("ResourceNotFoundException")
        && !error
            .message()
            .unwrap_or_default()
            .to_ascii_lowercase()
            .contains("pool")
}

fn attribute<'a>(attributes: &'a [AttributeType], name: &str) -> Option<&'a str> {
    attributes
        .iter()
        .find(|a| a.name() == name)
        .and_then(|a| a.value())
}

/// Cognito's account states, as the owner's page says them.
fn status(status: Option<&UserStatusType>, enabled: bool) -> MemberStatus {
    if !enabled {
        return MemberStatus::Disabled;
    }
    match status {
        Some(UserStatusType::Confirmed | UserStatusType::ExternalProvider) => MemberStatus::Active,
        Some(UserStatusType::ForceChangePassword | UserStatusType::Unconfirmed) => {
            MemberStatus::Invited
        }
        Some(UserStatusType::ResetRequired | UserStatusType::Compromised) => {
            MemberStatus::PasswordResetRequired
        }
        Some(UserStatusType::Archived) => MemberStatus::Disabled,
        _ => MemberStatus::Unknown,
    }
}

fn member(
    username: &str,
    attributes: &[AttributeType],
    user_status: Option<&UserStatusType>,
    enabled: bool,
    role: Role,
) -> StaffMember {
    StaffMember {
        username: username.to_owned(),
        subject: attribute(attributes, "sub").map(str::to_owned),
        email: attribute(attributes, "email").map(str::to_owned),
        role,
        status: status(user_status, enabled),
    }
}

#[async_trait]
impl StaffDirectory for CognitoStaffDirectory {
    async fn list_members(
        &self,
        restaurant: &RestaurantId,
    ) -> Result<Vec<StaffMember>, DirectoryError> {
        let mut members: BTreeMap<String, StaffMember> = BTreeMap::new();
        // Staff first, so someone in both groups ends up an owner.
        for role in [Role::Staff, Role::Owner] {
            for user in self.users_in_group(&role.group(restaurant)).await? {
                let Some(username) = user.username() else {
                    continue;
                };
                members.insert(
                    username.to_owned(),
                    member(
                        username,
                        user.attributes(),
                        user.user_status(),
                        user.enabled(),
                        role,
                    ),
                );
            }
        }
        Ok(members.into_values().collect())
    }

    async fn invite(&self, new: &NewMember<'_>) -> Result<Invitation, DirectoryError> {
        let email = new.email.as_str();
        // Looked up first, so that someone with an account gets no
        // AdminCreateUser at all (and so no second email).
        let invitation = match self.find_user(email, new.role).await? {
            Some(member) => Invitation::ExistingAccount { member },
            None => match self.create_user(new).await? {
                Some(member) => Invitation::NewAccount {
                    member,
                    temporary_password: None,
                },
                None => Invitation::ExistingAccount {
                    member: self.find_user(email, new.role).await?.ok_or_else(|| {
                        DirectoryError::Failed(anyhow!(
                            "Cognito says {email} exists but cannot find it in user pool {}",
                            self.user_pool_id
                        ))
                    })?,
                },
            },
        };
        self.add_to_group(
            &invitation.member().username,
            &new.role.group(new.restaurant_id),
        )
        .await?;
        Ok(invitation)
    }

    async fn set_role(
        &self,
        restaurant: &RestaurantId,
        username: &str,
        role: Role,
    ) -> Result<(), DirectoryError> {
        let other = match role {
            Role::Staff => Role::Owner,
            Role::Owner => Role::Staff,
        };
        self.add_to_group(username, &role.group(restaurant)).await?;
        self.remove_from_group(username, &other.group(restaurant))
            .await
    }

    async fn remove(
        &self,
        restaurant: &RestaurantId,
        username: &str,
    ) -> Result<(), DirectoryError> {
        for role in [Role::Staff, Role::Owner] {
            self.remove_from_group(username, &role.group(restaurant))
                .await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cognito_states_read_as_the_owner_says_them() {
        assert_eq!(
            status(Some(&UserStatusType::ForceChangePassword), true),
            MemberStatus::Invited
        );
        assert_eq!(
            status(Some(&UserStatusType::Confirmed), true),
            MemberStatus::Active
        );
        assert_eq!(
            status(Some(&UserStatusType::ResetRequired), true),
            MemberStatus::PasswordResetRequired
        );
        assert_eq!(
            status(Some(&UserStatusType::Confirmed), false),
            MemberStatus::Disabled
        );
        assert_eq!(
            status(Some(&UserStatusType::from("SOMETHING_NEW")), true),
            MemberStatus::Unknown
        );
    }
}
