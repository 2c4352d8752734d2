//! The Cognito staff directory of the staff-management functions
//! (list-staff, invite-staff, remove-staff): the stack's user pool, from
//! `TABLETAP_USER_POOL_ID`. No other function links the Cognito client.

use aws_config::SdkConfig;
use tabletap_staff_cognito::CognitoStaffDirectory;

pub fn cognito(aws: &SdkConfig) -> Result<CognitoStaffDirectory, String> {
    let pool = crate::required_env(
        "TABLETAP_USER_POOL_ID",
        "the id of the Cognito user pool staff sign in to (the stack's StaffUserPool)",
    )?;
    Ok(CognitoStaffDirectory::new(
        aws_sdk_cognitoidentityprovider::Client::new(aws),
        pool,
    ))
}
