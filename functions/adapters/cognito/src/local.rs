//! Testing against moto server, the local stand-in for Cognito (the
//! `local` feature; never in a Lambda).

use anyhow::Context;
use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::UsernameAttributeType;

pub use tabletap_aws_local::moto_endpoint;

/// A Cognito client for the moto server at `endpoint`: static dummy
/// credentials, no environment or profile lookup.
pub fn local_client(endpoint: &str) -> Client {
    Client::new(&tabletap_aws_local::sdk_config(endpoint))
}

/// A new user pool shaped like the stack's `StaffUserPool`: people sign in
/// with their email, and Cognito names each account with a generated id.
/// Returns its id.
pub async fn create_staff_pool(client: &Client, name: &str) -> anyhow::Result<String> {
    let pool = client
        .create_user_pool()
        .pool_name(name)
        .username_attributes(UsernameAttributeType::Email)
        .send()
        .await
        .context("create a user pool on moto")?;
    pool.user_pool
        .and_then(|p| p.id)
        .context("moto returned no user pool id")
}
