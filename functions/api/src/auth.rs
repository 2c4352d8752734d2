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

/// A verified token's claims as API Gateway's JWT authorizer hands them to
/// the function: every value a string, arrays flattened to `"[a b]"`,
/// numbers and booleans in their JSON text.
pub fn flatten_claims(
    claims: &serde_json::Map<String, serde_json::Value>,
) -> std::collections::HashMap<String, String> {
    use serde_json::Value;
    claims
        .iter()
        .filter_map(|(name, value)| {
            let text = match value {
                Value::Null => return None,
                Value::String(s) => s.clone(),
                Value::Array(items) => {
                    let items: Vec<String> = items
                        .iter()
                        .map(|v| match v {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        })
                        .collect();
                    format!("[{}]", items.join(" "))
                }
                other => other.to_string(),
            };
            Some((name.clone(), text))
        })
        .collect()
}

/// The request with an API Gateway v2 request context carrying `claims`
/// under `authorizer.jwt.claims`, built from the JSON shape API Gateway
/// sends. The local server calls this only for tokens it has verified.
pub fn with_jwt_claims(
    request: Request,
    claims: std::collections::HashMap<String, String>,
) -> Request {
    let method = request.method().as_str().to_owned();
    let path = request.uri().path().to_owned();
    let context = serde_json::json!({
        "routeKey": format!("{method} {path}"),
        "stage": "$default",
        "http": { "method": method, "path": path, "protocol": "HTTP/1.1" },
        "authorizer": { "jwt": { "claims": claims, "scopes": null } },
    });
    match serde_json::from_value::<
        lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpRequestContext,
    >(context)
    {
        Ok(context) => request.with_request_context(RequestContext::ApiGatewayV2(context)),
        Err(error) => {
            tracing::error!(%error, "cannot build the request context; the request stays unauthenticated");
            request
        }
    }
}
