//! The owner's staff routes as API Gateway delivers them
//! (`events/api/{list,invite,remove}-staff.json`: an owner's claims, groups
//! flattened to "[demo:owner]") through the Lambda composition: the
//! restaurant in DynamoDB Local, the people in a moto Cognito pool shaped
//! like the stack's.
//!
//! Needs DynamoDB Local (fails without) and moto (skips without, fails
//! when `CI` is set):
//!   export TABLETAP_MOTO_ENDPOINT=$(scripts/lib/moto.sh start)

use lambda_http::http::StatusCode;
use serde_json::Value;
use std::sync::Arc;
use tabletap_api::cors::Cors;
use tabletap_api::{AppState, Route};
use tabletap_app::ports::{NewMember, RestaurantStore, StaffDirectory};
use tabletap_core::fixtures::berlin;
use tabletap_core::staff::{EmailAddress, Role};
use tabletap_staff_cognito::CognitoStaffDirectory;
use tabletap_staff_cognito::local::{create_staff_pool, local_client, moto_endpoint};
use tabletap_store_dynamodb::local::fresh_test_store;

fn event(name: &str) -> lambda_http::Request {
    let path = format!("{}/../../events/api/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    lambda_http::request::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

async fn send(state: &AppState, route: Route, name: &str) -> (StatusCode, Value) {
    let response = tabletap_api::handle(route, state, event(name)).await;
    let status = response.status();
    let body = serde_json::from_slice(response.body().as_ref()).expect("JSON body");
    (status, body)
}

fn emails(list: &Value) -> Vec<(String, String, String)> {
    list["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let field = |name: &str| m[name].as_str().unwrap().to_owned();
            (field("email"), field("role"), field("status"))
        })
        .collect()
}

#[tokio::test]
async fn an_owner_invites_lists_and_removes_through_the_lambda_handlers() {
    let Some(moto) =
        moto_endpoint("an_owner_invites_lists_and_removes_through_the_lambda_handlers")
    else {
        return;
    };
    let store = fresh_test_store("tabletap-owner-staff").await;
    store.put_restaurant(&berlin()).await.unwrap();
    let cognito = local_client(&moto);
    let pool_name = format!("owner-staff-{}", std::process::id());
    let pool = create_staff_pool(&cognito, &pool_name).await.unwrap();
    let directory = Arc::new(CognitoStaffDirectory::new(cognito, &pool));
    // The restaurant's owner (the events' caller).
    let owner = EmailAddress::parse("anna@example.com").unwrap();
    directory
        .invite(&NewMember {
            restaurant_id: &berlin().id,
            restaurant_name: &berlin().name,
            email: &owner,
            role: Role::Owner,
        })
        .await
        .unwrap();
    let mut state = AppState {
        cors: Cors::from_list("https://order.example.com"),
        staff_directory: Some(directory),
        ..AppState::new(Arc::new(store))
    };

    let (status, invited) = send(&state, Route::InviteStaff, "invite-staff.json").await;
    assert_eq!(status, StatusCode::CREATED, "{invited}");
    assert_eq!(invited["result"], "invited");
    assert_eq!(invited["member"]["status"], "invited");
    assert!(
        invited.get("temporary_password").is_none(),
        "in AWS Cognito emails the password; the API never sees it: {invited}"
    );
    let (status, again) = send(&state, Route::InviteStaff, "invite-staff.json").await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["result"], "unchanged");

    let (status, list) = send(&state, Route::ListStaff, "list-staff.json").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let expected = |rows: &[(&str, &str, &str)]| -> Vec<(String, String, String)> {
        rows.iter()
            .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
            .collect()
    };
    assert_eq!(
        emails(&list),
        expected(&[
            ("anna@example.com", "owner", "invited"),
            ("cook@trattoria.example", "staff", "invited"),
        ])
    );

    let (status, removed) = send(&state, Route::RemoveStaff, "remove-staff.json").await;
    assert_eq!(status, StatusCode::OK, "{removed}");
    assert_eq!(removed["removed"]["email"], "cook@trattoria.example");
    let (_, list) = send(&state, Route::ListStaff, "list-staff.json").await;
    assert_eq!(
        emails(&list),
        expected(&[("anna@example.com", "owner", "invited")])
    );
    let (status, gone) = send(&state, Route::RemoveStaff, "remove-staff.json").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(gone["code"], "staff_member_not_found");

    // A function built without the directory says so.
    state.staff_directory = None;
    let (status, error) = send(&state, Route::ListStaff, "list-staff.json").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(error["code"], "staff_directory_not_configured");
}
