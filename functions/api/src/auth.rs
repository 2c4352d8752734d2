//! Who is calling: the staff claims of a request, read from where API
//! Gateway's JWT authorizer puts them (`requestContext.authorizer.jwt.claims`,
//! every value a string, arrays flattened to `"[a b]"`). In AWS the
//! authorizer has verified the token before the function runs; locally the
//! server verifies it and fills in the same context. Nothing here sees the
//! token itself, so nothing here can log it.

use crate::error::ApiError;
use crate::request::path_param;
use crate::routes::Route;
use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};
use tabletap_core::ids::RestaurantId;
use tabletap_core::staff::{AccessLevel, GROUPS_CLAIM, StaffClaims, parse_flattened_groups};

/// The verified claims of the request, if it carries any.
pub fn staff_claims(request: &Request) -> Option<StaffClaims> {
    let Some(RequestContext::ApiGatewayV2(context)) = request.request_context_ref() else {
        return None;
    };
    let claims = &context.authorizer.as_ref()?.jwt.as_ref()?.claims;
    let subject = claims.get("sub").filter(|s| !s.is_empty())?;
    let groups = claims
        .get(GROUPS_CLAIM)
        .map(|g| parse_flattened_groups(g))
        .unwrap_or_default();
    let username = ["cognito:username", "username", "email"]
        .iter()
        .find_map(|name| claims.get(*name))
        .cloned();
    Some(StaffClaims::from_groups(
        subject.clone(),
        username,
        groups.iter().map(String::as_str),
    ))
}

/// The one access check, run before any handler: a public route passes;
/// any other needs claims (401 without) with the route's role in the
/// restaurant of its path (403 otherwise).
pub fn authorize(route: Route, request: &Request) -> Result<Option<StaffClaims>, ApiError> {
    let level = route.access();
    if level == AccessLevel::Public {
        return Ok(None);
    }
    let claims = staff_claims(request).ok_or(ApiError::SignInRequired)?;
    // A path that names no valid restaurant can belong to nobody's roles.
    let restaurant = RestaurantId::parse(path_param(request, "restaurant_id"))
        .map_err(|_| ApiError::Forbidden(tabletap_core::staff::AccessDenied::OtherRestaurant))?;
    claims
        .authorize(&restaurant, level)
        .map_err(ApiError::Forbidden)?;
    Ok(Some(claims))
}
