//! Owners in the stack's Cognito user pool: `create-owner` runs the owner
//! pages' own use case (`invite_or_change_role` with the role owner) on
//! the Cognito staff directory (`tabletap-staff-cognito`), so there is one
//! copy of the invitation logic. This module only checks the pool up front
//! and says what happened.

use crate::aws;
use anyhow::bail;
use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use tabletap_app::ports::Invitation;
use tabletap_app::use_cases::owner::staff::StaffChange;
use tabletap_core::ids::RestaurantId;
use tabletap_core::staff::{EmailAddress, Role};

/// Fails early, with advice, when the pool does not exist in this region.
pub async fn check_pool(client: &Client, pool: &str, region: &str) -> anyhow::Result<()> {
    match client.describe_user_pool().user_pool_id(pool).send().await {
        Ok(_) => Ok(()),
        Err(error) if error.code() == Some("ResourceNotFoundException") => bail!(
            "there is no Cognito user pool {pool:?} in region {region}: check --user-pool-id, \
             or --stack and --region (the stack's output StaffUserPoolId names it)"
        ),
        Err(error) => Err(aws::explain(&format!("read user pool {pool}"), error)),
    }
}

/// What `create-owner` did, for the operator.
pub fn describe(
    change: &StaffChange,
    email: &EmailAddress,
    restaurant: &RestaurantId,
    pool: &str,
) -> String {
    let group = Role::Owner.group(restaurant);
    match change {
        StaffChange::Invited(Invitation::NewAccount { .. }) => format!(
            "Created owner {email} in group {group} of user pool {pool}. Cognito emailed them a \
             temporary password; they choose their own at first sign-in."
        ),
        StaffChange::Invited(Invitation::ExistingAccount { .. }) => format!(
            "{email} already had an account in user pool {pool}; added to group {group} (no new \
             email was sent)."
        ),
        StaffChange::RoleChanged { .. } => format!(
            "{email} was staff of {restaurant}; now an owner (group {group}). They see the owner \
             pages after their next sign-in."
        ),
        StaffChange::Unchanged(_) => format!(
            "{email} is already an owner of {restaurant} (group {group}); nothing changed and no \
             email was sent."
        ),
    }
}
