//! The owner's staff routes: the restaurant's people, inviting someone,
//! changing a role, removing someone. The caller was checked to be an owner
//! of the restaurant before these run (`routes::handle`).

use super::json_response;
use crate::auth::staff_claims;
use crate::error::ApiError;
use crate::request::{json_body, path_param};
use crate::state::AppState;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde::{Deserialize, Serialize};
use tabletap_app::AppError;
use tabletap_app::ports::{Invitation, StaffMember};
use tabletap_app::use_cases::owner::staff::{self, StaffChange};
use tabletap_core::ids::RestaurantId;
use tabletap_core::staff::StaffClaims;

fn restaurant_id(request: &Request) -> Result<RestaurantId, ApiError> {
    let text = path_param(request, "restaurant_id");
    RestaurantId::parse(&text).map_err(|_| AppError::RestaurantNotFound(text).into())
}

/// One person as the owner's page shows them.
#[derive(Serialize)]
struct MemberView<'a> {
    /// What `DELETE .../owner/staff/{username}` takes.
    username: &'a str,
    email: Option<&'a str>,
    role: &'static str,
    /// `invited`, `active`, `password_reset_required`, `disabled`, `unknown`.
    status: &'static str,
    /// Whether this is the signed-in caller.
    you: bool,
}

impl<'a> MemberView<'a> {
    fn new(member: &'a StaffMember, caller: Option<&StaffClaims>) -> Self {
        let you = caller.is_some_and(|caller| {
            caller.username.as_deref() == Some(member.username.as_str())
                || member.subject.as_deref() == Some(caller.subject.as_str())
        });
        Self {
            username: &member.username,
            email: member.email.as_deref(),
            role: member.role.as_str(),
            status: member.status.as_str(),
            you,
        }
    }
}

#[derive(Serialize)]
struct MembersView<'a> {
    members: Vec<MemberView<'a>>,
}

/// `GET .../owner/staff`: everyone with a role here, owners first.
pub async fn list_staff(state: &AppState, request: &Request) -> Result<Response<Body>, ApiError> {
    let restaurant_id = restaurant_id(request)?;
    let members = staff::list_staff(state.staff_directory.as_deref(), &restaurant_id).await?;
    let caller = staff_claims(request);
    let view = MembersView {
        members: members
            .iter()
            .map(|m| MemberView::new(m, caller.as_ref()))
            .collect(),
    };
    Ok(json_response(StatusCode::OK, &view))
}

#[derive(Deserialize)]
struct InviteBody {
    email: String,
    role: String,
}

#[derive(Serialize)]
struct StaffChangeView<'a> {
    /// `invited` (a new account), `added` (an existing account got the
    /// role, no email), `role_changed`, `unchanged`.
    result: &'static str,
    member: MemberView<'a>,
    /// Local mode only, once: the new account's temporary password, for the
    /// owner to hand over (in AWS Cognito emails it and it is never seen).
    #[serde(skip_serializing_if = "Option::is_none")]
    temporary_password: Option<&'a str>,
}

/// `POST .../owner/staff` with `{"email", "role"}`: invites the person
/// (201), or changes the role of the member with that address (200).
pub async fn invite_staff(state: &AppState, request: &Request) -> Result<Response<Body>, ApiError> {
    let restaurant_id = restaurant_id(request)?;
    let body: InviteBody = json_body(request)?;
    let change = staff::invite_or_change_role(
        &*state.store,
        state.staff_directory.as_deref(),
        &restaurant_id,
        &body.email,
        &body.role,
    )
    .await?;
    let caller = staff_claims(request);
    let member = MemberView::new(change.member(), caller.as_ref());
    let (status, result, temporary_password) = match &change {
        StaffChange::Invited(Invitation::NewAccount {
            temporary_password, ..
        }) => (
            StatusCode::CREATED,
            "invited",
            temporary_password.as_deref(),
        ),
        StaffChange::Invited(Invitation::ExistingAccount { .. }) => {
            (StatusCode::CREATED, "added", None)
        }
        StaffChange::RoleChanged { .. } => (StatusCode::OK, "role_changed", None),
        StaffChange::Unchanged(_) => (StatusCode::OK, "unchanged", None),
    };
    Ok(json_response(
        status,
        &StaffChangeView {
            result,
            member,
            temporary_password,
        },
    ))
}

#[derive(Serialize)]
struct RemovedView<'a> {
    removed: MemberView<'a>,
}

/// `DELETE .../owner/staff/{username}` (the username from the list, or the
/// member's email): takes their roles here; their account stays. The path
/// parameter arrives decoded (API Gateway's HTTP API and the local router
/// both decode it).
pub async fn remove_staff(state: &AppState, request: &Request) -> Result<Response<Body>, ApiError> {
    let restaurant_id = restaurant_id(request)?;
    let username = path_param(request, "username");
    let removed =
        staff::remove_staff(state.staff_directory.as_deref(), &restaurant_id, &username).await?;
    let caller = staff_claims(request);
    Ok(json_response(
        StatusCode::OK,
        &RemovedView {
            removed: MemberView::new(&removed, caller.as_ref()),
        },
    ))
}
