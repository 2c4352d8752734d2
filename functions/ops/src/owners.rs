//! Owners in the stack's Cognito user pool: the user (the email is the
//! username; Cognito emails a temporary password) in the group
//! `<restaurant>:owner`, which the staff routes read from the token's
//! `cognito:groups` claim. An owner can do everything staff can.

use crate::aws;
use anyhow::bail;
use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::types::{AttributeType, DeliveryMediumType};
use tabletap_core::ids::RestaurantId;

/// The group of a restaurant's owners: `<restaurant>:owner`.
pub fn owner_group(restaurant: &RestaurantId) -> String {
    format!("{restaurant}:owner")
}

#[derive(Debug, PartialEq, Eq)]
pub enum Invitation {
    /// New user: Cognito emailed the temporary password.
    Sent,
    /// The user already existed: only the group was added.
    AlreadyUser,
}

/// A plausible email address; Cognito checks the rest.
pub fn check_email(email: &str) -> anyhow::Result<()> {
    let plausible = email
        .split_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
        && !email.chars().any(char::is_whitespace);
    if !plausible {
        bail!(
            "{email:?} is not an email address: the owner signs in with it and gets the temporary password there"
        );
    }
    Ok(())
}

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

/// Creates the owner (or finds them) and puts them in the owner group,
/// creating the group when the restaurant has none yet. Safe to repeat.
pub async fn create_owner(
    client: &Client,
    pool: &str,
    restaurant: &RestaurantId,
    restaurant_name: &str,
    email: &str,
) -> anyhow::Result<Invitation> {
    let group = owner_group(restaurant);
    match client
        .create_group()
        .user_pool_id(pool)
        .group_name(&group)
        .description(format!("Owners of {restaurant_name} ({restaurant})"))
        .send()
        .await
    {
        Ok(_) => {}
        Err(error) if error.code() == Some("GroupExistsException") => {}
        Err(error) => return Err(aws::explain(&format!("create group {group}"), error)),
    }

    let attribute = |name: &str, value: &str| {
        AttributeType::builder()
            .name(name)
            .value(value)
            .build()
            .expect("name is set")
    };
    let invitation = match client
        .admin_create_user()
        .user_pool_id(pool)
        .username(email)
        .user_attributes(attribute("email", email))
        .user_attributes(attribute("email_verified", "true"))
        .desired_delivery_mediums(DeliveryMediumType::Email)
        .send()
        .await
    {
        Ok(_) => Invitation::Sent,
        Err(error) if error.code() == Some("UsernameExistsException") => Invitation::AlreadyUser,
        Err(error) => return Err(aws::explain(&format!("create user {email}"), error)),
    };

    client
        .admin_add_user_to_group()
        .user_pool_id(pool)
        .username(email)
        .group_name(&group)
        .send()
        .await
        .map_err(|error| aws::explain(&format!("add {email} to group {group}"), error))?;
    Ok(invitation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_groups_are_scoped_by_restaurant() {
        assert_eq!(
            owner_group(&RestaurantId::parse("demo").unwrap()),
            "demo:owner"
        );
    }

    #[test]
    fn only_plausible_emails_pass() {
        assert!(check_email("owner@trattoria.example").is_ok());
        for bad in ["owner", "owner@", "@x.com", "owner@localhost", "a b@x.com"] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
    }
}
