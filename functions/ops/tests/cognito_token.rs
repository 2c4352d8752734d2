//! Cognito-shaped tokens end to end, on moto's cognito-idp: a real RS256 ID
//! token with `cognito:groups`, verified against the pool's JWKS (what the
//! HTTP API's JWT authorizer does in AWS), then handed to the staff
//! handlers in the flattened form API Gateway uses (`"[demo:owner
//! demo:staff]"`), on a DynamoDB Local table.
//!
//! Needs moto and DynamoDB Local; fails (never skips) without:
//!   export TABLETAP_MOTO_ENDPOINT=$(scripts/lib/moto.sh start)
//!   export TABLETAP_DYNAMODB_ENDPOINT=$(scripts/lib/dynamodb-local.sh start)

use aws_sdk_cognitoidentityprovider::config::{Credentials, Region};
use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ExplicitAuthFlowsType};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use lambda_http::RequestExt;
use lambda_http::http::StatusCode;
use std::collections::HashMap;
use std::sync::Arc;
use tabletap_api::auth::{flatten_claims, with_jwt_claims};
use tabletap_api::{AppState, Route};
use tabletap_app::ports::RestaurantStore;
use tabletap_core::fixtures::berlin;
use tabletap_store_dynamodb::local::fresh_test_store;

fn moto() -> String {
    std::env::var("TABLETAP_MOTO_ENDPOINT").unwrap_or_else(|_| {
        panic!(
            "TABLETAP_MOTO_ENDPOINT is not set: this test needs moto's cognito-idp; start it with \
             export TABLETAP_MOTO_ENDPOINT=$(scripts/lib/moto.sh start)"
        )
    })
}

struct Issued {
    token: String,
    pool: String,
    client: String,
}

/// A pool, a public app client allowing USER_PASSWORD_AUTH (as in the
/// template), a user in `demo:owner` and `demo:staff`, and their ID token.
async fn sign_in_on_moto(endpoint: &str) -> Issued {
    let config = aws_sdk_cognitoidentityprovider::Config::builder()
        .behavior_version_latest()
        .endpoint_url(endpoint)
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "test"))
        .build();
    let cognito = aws_sdk_cognitoidentityprovider::Client::from_conf(config);
    let pool = cognito
        .create_user_pool()
        .pool_name(format!("staff-token-{}", std::process::id()))
        .send()
        .await
        .unwrap_or_else(|e| panic!("cannot create a user pool on moto at {endpoint}: {e:?}"))
        .user_pool
        .and_then(|p| p.id)
        .expect("pool id");
    let client = cognito
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("staff-board")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .expect("app client")
        .user_pool_client
        .and_then(|c| c.client_id)
        .expect("client id");
    let username = "anna@example.com";
    let password = "Correct-Horse-42";
    cognito
        .admin_create_user()
        .user_pool_id(&pool)
        .username(username)
        .send()
        .await
        .expect("create user");
    cognito
        .admin_set_user_password()
        .user_pool_id(&pool)
        .username(username)
        .password(password)
        .permanent(true)
        .send()
        .await
        .expect("set password");
    for group in ["demo:owner", "demo:staff"] {
        cognito
            .create_group()
            .user_pool_id(&pool)
            .group_name(group)
            .send()
            .await
            .expect("create group");
        cognito
            .admin_add_user_to_group()
            .user_pool_id(&pool)
            .username(username)
            .group_name(group)
            .send()
            .await
            .expect("add to group");
    }
    let auth = cognito
        .initiate_auth()
        .client_id(&client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", username)
        .auth_parameters("PASSWORD", password)
        .send()
        .await
        .expect("USER_PASSWORD_AUTH");
    let token = auth
        .authentication_result
        .and_then(|r| r.id_token)
        .expect("an ID token");
    Issued {
        token,
        pool,
        client,
    }
}

#[tokio::test]
async fn a_cognito_token_is_verified_with_its_jwks_and_its_flattened_groups_reach_the_handler() {
    let endpoint = moto();
    let issued = sign_in_on_moto(&endpoint).await;

    // The JWT authorizer's check: signature by a key of the pool's JWKS,
    // issuer, audience (the app client), expiry.
    let jwks: JwkSet = reqwest::get(format!("{endpoint}/{}/.well-known/jwks.json", issued.pool))
        .await
        .expect("JWKS")
        .json()
        .await
        .expect("a JWK set");
    let header = jsonwebtoken::decode_header(&issued.token).expect("a JWT");
    assert_eq!(header.alg, Algorithm::RS256);
    let jwk = jwks
        .find(header.kid.as_deref().expect("a key id"))
        .expect("the token's key is in the pool's JWKS");
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[&issued.client]);
    validation.set_issuer(&[format!(
        "https://cognito-idp.us-east-1.amazonaws.com/{}",
        issued.pool
    )]);
    let verified = jsonwebtoken::decode::<serde_json::Map<String, serde_json::Value>>(
        &issued.token,
        &DecodingKey::from_jwk(jwk).expect("an RSA key"),
        &validation,
    )
    .expect("the ID token verifies against the JWKS");
    let claims = verified.claims;
    let mut groups: Vec<&str> = claims["cognito:groups"]
        .as_array()
        .expect("groups are a JSON array in the token")
        .iter()
        .filter_map(|g| g.as_str())
        .collect();
    groups.sort_unstable();
    assert_eq!(groups, ["demo:owner", "demo:staff"]);
    // A token with a flipped signature byte does not verify.
    let mut forged = issued.token.clone();
    let last = forged.pop().unwrap();
    forged.push(if last == 'A' { 'B' } else { 'A' });
    assert!(
        jsonwebtoken::decode::<serde_json::Value>(
            &forged,
            &DecodingKey::from_jwk(jwk).unwrap(),
            &validation
        )
        .is_err()
    );

    // What API Gateway hands the function: every claim a string, the
    // groups flattened.
    let flat = flatten_claims(&claims);
    let rendered = &flat["cognito:groups"];
    assert!(
        rendered == "[demo:owner demo:staff]" || rendered == "[demo:staff demo:owner]",
        "{rendered}"
    );
    assert!(
        !flat.contains_key("token"),
        "the token itself is never a claim"
    );

    let store = Arc::new(fresh_test_store("tabletap-cognito").await);
    store.put_restaurant(&berlin()).await.unwrap();
    let state = AppState::new(store);
    let request = |route: Route, restaurant: &str, claims: Option<HashMap<String, String>>| {
        let path = route.path().replace("{restaurant_id}", restaurant);
        let request = lambda_http::http::Request::builder()
            .method(route.method())
            .uri(format!("https://api.example.com{path}"))
            .body(lambda_http::Body::Empty)
            .unwrap()
            .with_path_parameters(HashMap::from([(
                "restaurant_id".to_owned(),
                restaurant.to_owned(),
            )]));
        match claims {
            Some(claims) => with_jwt_claims(request, claims),
            None => request,
        }
    };
    let board = tabletap_api::handle(
        Route::ListBoardOrders,
        &state,
        request(Route::ListBoardOrders, "demo", Some(flat.clone())),
    )
    .await;
    assert_eq!(board.status(), StatusCode::OK);
    let body: serde_json::Value = serde_json::from_slice(board.body().as_ref()).unwrap();
    assert_eq!(body["restaurant"]["id"], "demo");
    assert_eq!(body["orders"], serde_json::json!([]));
    let sales = tabletap_api::handle(
        Route::GetSales,
        &state,
        request(Route::GetSales, "demo", Some(flat.clone())),
    )
    .await;
    assert_eq!(sales.status(), StatusCode::OK, "owners see the figures");
    let elsewhere = tabletap_api::handle(
        Route::ListBoardOrders,
        &state,
        request(Route::ListBoardOrders, "other", Some(flat.clone())),
    )
    .await;
    assert_eq!(elsewhere.status(), StatusCode::FORBIDDEN);
    let anonymous = tabletap_api::handle(
        Route::ListBoardOrders,
        &state,
        request(Route::ListBoardOrders, "demo", None),
    )
    .await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}
