//! The [`StaffDirectory`] port in local mode, on the local user store
//! (`<data-dir>/staff-users.json`), standing in for Cognito. Local mode has
//! no mail service, so an invitation is written to the outbox
//! (`<data-dir>/outbox/*.eml`, like receipts) and its temporary password is
//! also handed back to the owner's page, once, to pass on. Changes reach
//! the next request at once: the HTTP bridge reads a token's groups from
//! the store, not from the token.

use super::users::{StaffUser, UserStore};
use async_trait::async_trait;
use std::sync::Arc;
use tabletap_app::ports::{
    DirectoryError, Invitation, MemberStatus, NewMember, OutgoingEmail, ReceiptMailer,
    StaffDirectory, StaffMember,
};
use tabletap_core::ids::RestaurantId;
use tabletap_core::staff::{EmailAddress, Role};

pub struct LocalStaffDirectory {
    users: Arc<UserStore>,
    /// Where invitations go (the local outbox).
    mailer: Arc<dyn ReceiptMailer>,
    /// The staff pages' address, for the invitation.
    sign_in_url: String,
}

impl LocalStaffDirectory {
    pub fn new(users: Arc<UserStore>, mailer: Arc<dyn ReceiptMailer>, public_url: &str) -> Self {
        Self {
            users,
            mailer,
            sign_in_url: format!("{}/staff/", public_url.trim_end_matches('/')),
        }
    }
}

fn member(user: &StaffUser, restaurant: &RestaurantId) -> Option<StaffMember> {
    let role = if user.groups.contains(&Role::Owner.group(restaurant)) {
        Role::Owner
    } else if user.groups.contains(&Role::Staff.group(restaurant)) {
        Role::Staff
    } else {
        return None;
    };
    Some(StaffMember {
        username: user.username.clone(),
        subject: Some(user.subject.clone()),
        email: EmailAddress::parse(&user.username)
            .ok()
            .map(|e| e.to_string()),
        role,
        status: if user.invited {
            MemberStatus::Invited
        } else {
            MemberStatus::Active
        },
    })
}

fn failed(error: anyhow::Error) -> DirectoryError {
    DirectoryError::Failed(error.context("the local staff user file"))
}

/// Runs a user store call (argon2 hashing, file writes) off the runtime.
async fn blocking<T: Send + 'static>(
    call: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> Result<T, DirectoryError> {
    tokio::task::spawn_blocking(call)
        .await
        .map_err(|e| failed(e.into()))?
        .map_err(failed)
}

/// The invitation Cognito would have emailed.
pub fn invitation_email(new: &NewMember<'_>, password: &str, sign_in_url: &str) -> OutgoingEmail {
    let restaurant = new.restaurant_name;
    let role = match new.role {
        Role::Staff => "a member of staff",
        Role::Owner => "an owner",
    };
    let email = new.email.as_str();
    let text = format!(
        "Hello,\n\n\
         {restaurant} invited you to TableTap as {role}.\n\n\
         Sign in at {sign_in_url}\n\
         Username: {email}\n\
         Temporary password: {password}\n\n\
         This is TableTap's local mode, which has no password change: keep \
         this password to yourself. To set another one, the restaurant's \
         administrator runs\n  tabletap-local staff add --restaurant {id} --username {email} --password-stdin\n",
        id = new.restaurant_id,
    );
    let html = format!(
        "<p>Hello,</p><p>{restaurant} invited you to TableTap as {role}.</p>\
         <p>Sign in at <a href=\"{sign_in_url}\">{sign_in_url}</a><br>\
         Username: <code>{email}</code><br>\
         Temporary password: <code>{password}</code></p>\
         <p>This is TableTap's local mode, which has no password change: keep this \
         password to yourself.</p>",
        restaurant = html_escape(restaurant),
        sign_in_url = html_escape(sign_in_url),
    );
    OutgoingEmail {
        to: email.to_owned(),
        subject: format!("Your TableTap sign-in for {restaurant}"),
        html,
        text,
    }
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[async_trait]
impl StaffDirectory for LocalStaffDirectory {
    async fn list_members(
        &self,
        restaurant: &RestaurantId,
    ) -> Result<Vec<StaffMember>, DirectoryError> {
        let users = self.users.clone();
        let restaurant = restaurant.clone();
        blocking(move || {
            Ok(users
                .members(&restaurant)
                .iter()
                .filter_map(|u| member(u, &restaurant))
                .collect())
        })
        .await
    }

    async fn invite(&self, new: &NewMember<'_>) -> Result<Invitation, DirectoryError> {
        let users = self.users.clone();
        let (username, restaurant, role) =
            (new.email.to_string(), new.restaurant_id.clone(), new.role);
        let (user, password) = blocking(move || users.invite(&username, &restaurant, role)).await?;
        let member = member(&user, new.restaurant_id).ok_or_else(|| {
            failed(anyhow::anyhow!(
                "{} has no role after the invitation",
                user.username
            ))
        })?;
        let Some(password) = password else {
            return Ok(Invitation::ExistingAccount { member });
        };
        // The password is in the owner's answer too, so a failed write is
        // logged and the invitation stands.
        let email = invitation_email(new, &password, &self.sign_in_url);
        if let Err(error) = self.mailer.send(&email).await {
            tracing::warn!(error = %error, member = %member.username, "the invitation email was not written to the outbox");
        }
        Ok(Invitation::NewAccount {
            member,
            temporary_password: Some(password),
        })
    }

    async fn set_role(
        &self,
        restaurant: &RestaurantId,
        username: &str,
        role: Role,
    ) -> Result<(), DirectoryError> {
        let (users, restaurant, username) =
            (self.users.clone(), restaurant.clone(), username.to_owned());
        blocking(move || {
            users
                .set_roles(&username, &restaurant, Some(role))
                .map(|_| ())
        })
        .await
    }

    async fn remove(
        &self,
        restaurant: &RestaurantId,
        username: &str,
    ) -> Result<(), DirectoryError> {
        let (users, restaurant, username) =
            (self.users.clone(), restaurant.clone(), username.to_owned());
        blocking(move || users.set_roles(&username, &restaurant, None).map(|_| ())).await
    }
}
