//! The Cognito staff directory against moto's cognito-idp, on pools shaped
//! like the stack's (email as the sign-in name, generated usernames).
//!
//! Needs moto; skips with a message without it, fails when `CI` is set:
//!   export TABLETAP_MOTO_ENDPOINT=$(scripts/lib/moto.sh start)
//!   cargo nextest run -p tabletap-staff-cognito

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::UserStatusType;
use std::sync::atomic::{AtomicU32, Ordering};
use tabletap_app::ports::{
    DirectoryError, Invitation, MemberStatus, NewMember, StaffDirectory, StaffMember,
};
use tabletap_core::ids::RestaurantId;
use tabletap_core::staff::{EmailAddress, Role};
use tabletap_staff_cognito::CognitoStaffDirectory;
use tabletap_staff_cognito::local::{create_staff_pool, local_client, moto_endpoint};

fn unique(prefix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        "{prefix}-{}-{nanos}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// A fresh pool of its own for one test.
struct Pool {
    endpoint: String,
    client: Client,
    directory: CognitoStaffDirectory,
}

impl Pool {
    async fn new(test: &str) -> Option<Self> {
        let endpoint = moto_endpoint(test)?;
        let client = local_client(&endpoint);
        let id = create_staff_pool(&client, &unique("staff"))
            .await
            .unwrap_or_else(|e| panic!("moto at {endpoint}: {e:#}"));
        Some(Pool {
            directory: CognitoStaffDirectory::new(client.clone(), &id),
            client,
            endpoint,
        })
    }

    fn id(&self) -> &str {
        self.directory.user_pool_id()
    }

    async fn invite(&self, restaurant: &str, email: &str, role: Role) -> Invitation {
        let email = EmailAddress::parse(email).unwrap();
        self.directory
            .invite(&NewMember {
                restaurant_id: &r(restaurant),
                restaurant_name: "Trattoria",
                email: &email,
                role,
            })
            .await
            .unwrap()
    }

    /// The user's groups, as Cognito has them.
    async fn groups(&self, email: &str) -> Vec<String> {
        let mut groups: Vec<String> = self
            .client
            .admin_list_groups_for_user()
            .user_pool_id(self.id())
            .username(email)
            .send()
            .await
            .unwrap()
            .groups()
            .iter()
            .filter_map(|g| g.group_name().map(str::to_owned))
            .collect();
        groups.sort();
        groups
    }

    async fn status(&self, email: &str) -> UserStatusType {
        self.client
            .admin_get_user()
            .user_pool_id(self.id())
            .username(email)
            .send()
            .await
            .unwrap()
            .user_status()
            .cloned()
            .expect("a status")
    }

    async fn members(&self, restaurant: &str) -> Vec<StaffMember> {
        self.directory.list_members(&r(restaurant)).await.unwrap()
    }

    /// How many AdminCreateUser requests (each an invitation email) named
    /// this address, as moto's recorder saw them.
    async fn create_user_requests(&self, email: &str) -> usize {
        tabletap_aws_local::recorder::recorded_requests(&self.endpoint)
            .await
            .unwrap()
            .iter()
            .filter(|request| {
                let body =
                    String::from_utf8_lossy(&request.body_bytes().unwrap_or_default()).into_owned();
                body.contains("DesiredDeliveryMediums")
                    && body.contains(&format!("\"Username\":\"{email}\""))
            })
            .count()
    }
}

fn r(id: &str) -> RestaurantId {
    RestaurantId::parse(id).unwrap()
}

#[tokio::test]
async fn a_new_person_gets_an_account_with_a_temporary_password_in_the_group() {
    let Some(pool) =
        Pool::new("a_new_person_gets_an_account_with_a_temporary_password_in_the_group").await
    else {
        return;
    };
    tabletap_aws_local::recorder::start_recording(&pool.endpoint)
        .await
        .unwrap();
    let email = format!("{}@trattoria.example", unique("cook"));

    let invitation = pool.invite("demo", &email, Role::Staff).await;

    let Invitation::NewAccount {
        member,
        temporary_password,
    } = &invitation
    else {
        panic!("a new account: {invitation:?}");
    };
    assert_eq!(
        *temporary_password, None,
        "Cognito emails the password; nobody else sees it"
    );
    assert_eq!(member.email.as_deref(), Some(email.as_str()));
    assert_ne!(
        member.username, email,
        "a pool that signs in by email names accounts with a generated id"
    );
    assert_eq!(member.role, Role::Staff);
    assert_eq!(member.status, MemberStatus::Invited);
    assert_eq!(
        pool.status(&email).await,
        UserStatusType::ForceChangePassword
    );
    assert_eq!(pool.groups(&email).await, ["demo:staff"]);
    assert_eq!(pool.create_user_requests(&email).await, 1);
    assert_eq!(pool.members("demo").await, std::slice::from_ref(member));

    // Once they chose their own password they are active.
    pool.client
        .admin_set_user_password()
        .user_pool_id(pool.id())
        .username(&email)
        // moto's default policy: upper and lower case, a digit, a symbol.
        .password("Their-Own-Password-1")
        .permanent(true)
        .send()
        .await
        .unwrap();
    assert_eq!(pool.members("demo").await[0].status, MemberStatus::Active);
}

#[tokio::test]
async fn someone_of_another_restaurant_only_gets_the_group_and_no_second_email() {
    let Some(pool) =
        Pool::new("someone_of_another_restaurant_only_gets_the_group_and_no_second_email").await
    else {
        return;
    };
    tabletap_aws_local::recorder::start_recording(&pool.endpoint)
        .await
        .unwrap();
    let email = format!("{}@elsewhere.example", unique("waiter"));
    let first = pool.invite("other", &email, Role::Staff).await;
    assert!(matches!(first, Invitation::NewAccount { .. }), "{first:?}");

    let second = pool.invite("demo", &email, Role::Owner).await;

    let Invitation::ExistingAccount { member } = &second else {
        panic!("an existing account: {second:?}");
    };
    assert_eq!(member.username, first.member().username, "the same account");
    assert_eq!(member.role, Role::Owner);
    assert_eq!(pool.groups(&email).await, ["demo:owner", "other:staff"]);
    assert_eq!(
        pool.create_user_requests(&email).await,
        1,
        "one AdminCreateUser, so one invitation email"
    );
    assert_eq!(
        pool.status(&email).await,
        UserStatusType::ForceChangePassword
    );
}

#[tokio::test]
async fn a_role_change_moves_between_the_groups_and_creates_a_missing_one() {
    let Some(pool) =
        Pool::new("a_role_change_moves_between_the_groups_and_creates_a_missing_one").await
    else {
        return;
    };
    let email = format!("{}@trattoria.example", unique("sous"));
    let username = pool
        .invite("demo", &email, Role::Staff)
        .await
        .member()
        .username
        .clone();

    // demo:owner does not exist yet: created on the way.
    pool.directory
        .set_role(&r("demo"), &username, Role::Owner)
        .await
        .unwrap();
    assert_eq!(pool.groups(&email).await, ["demo:owner"]);
    assert_eq!(pool.members("demo").await[0].role, Role::Owner);

    pool.directory
        .set_role(&r("demo"), &username, Role::Staff)
        .await
        .unwrap();
    assert_eq!(pool.groups(&email).await, ["demo:staff"]);
    assert_eq!(pool.members("demo").await[0].role, Role::Staff);
}

#[tokio::test]
async fn removing_takes_only_this_restaurants_groups_and_keeps_the_account() {
    let Some(pool) =
        Pool::new("removing_takes_only_this_restaurants_groups_and_keeps_the_account").await
    else {
        return;
    };
    let email = format!("{}@trattoria.example", unique("runner"));
    pool.invite("other", &email, Role::Staff).await;
    let username = pool
        .invite("demo", &email, Role::Owner)
        .await
        .member()
        .username
        .clone();
    // Someone in both of demo's groups (set up by hand) loses both.
    pool.client
        .create_group()
        .user_pool_id(pool.id())
        .group_name("demo:staff")
        .send()
        .await
        .unwrap();
    pool.client
        .admin_add_user_to_group()
        .user_pool_id(pool.id())
        .username(&username)
        .group_name("demo:staff")
        .send()
        .await
        .unwrap();

    pool.directory.remove(&r("demo"), &username).await.unwrap();

    assert_eq!(pool.groups(&email).await, ["other:staff"]);
    assert!(pool.members("demo").await.is_empty());
    assert_eq!(
        pool.members("other").await.len(),
        1,
        "still works elsewhere"
    );
    // Removing again, or from a restaurant whose groups do not exist, is harmless.
    pool.directory.remove(&r("demo"), &username).await.unwrap();
    pool.directory
        .remove(&r("nowhere"), &username)
        .await
        .unwrap();
}

#[tokio::test]
async fn the_list_holds_only_this_restaurants_members_across_pages() {
    let Some(pool) = Pool::new("the_list_holds_only_this_restaurants_members_across_pages").await
    else {
        return;
    };
    assert!(
        pool.members("demo").await.is_empty(),
        "a restaurant nobody was invited to has no groups and no members"
    );
    // More than one page of ListUsersInGroup (60).
    let mut cooks = Vec::new();
    for n in 0..61 {
        let email = format!("cook{n}@trattoria.example");
        pool.invite("demo", &email, Role::Staff).await;
        cooks.push(email);
    }
    pool.invite("demo", "boss@trattoria.example", Role::Owner)
        .await;
    pool.invite("other", "stranger@other.example", Role::Owner)
        .await;
    // A restaurant whose id starts like this one's is another restaurant.
    pool.invite("demo2", "neighbour@demo2.example", Role::Staff)
        .await;

    let members = pool.members("demo").await;

    let mut emails: Vec<&str> = members.iter().filter_map(|m| m.email.as_deref()).collect();
    emails.sort_unstable();
    let mut expected: Vec<&str> = cooks.iter().map(String::as_str).collect();
    expected.push("boss@trattoria.example");
    expected.sort_unstable();
    assert_eq!(emails, expected);
    let owners: Vec<&str> = members
        .iter()
        .filter(|m| m.role == Role::Owner)
        .filter_map(|m| m.email.as_deref())
        .collect();
    assert_eq!(owners, ["boss@trattoria.example"]);
    assert!(members.iter().all(|m| m.subject.is_some()));
}

#[tokio::test]
async fn a_wrong_pool_or_an_unreachable_cognito_is_an_error_that_says_so() {
    let Some(pool) =
        Pool::new("a_wrong_pool_or_an_unreachable_cognito_is_an_error_that_says_so").await
    else {
        return;
    };
    let wrong = CognitoStaffDirectory::new(pool.client.clone(), "us-east-1_doesnotexist");
    let email = EmailAddress::parse("cook@trattoria.example").unwrap();
    let invited = wrong
        .invite(&NewMember {
            restaurant_id: &r("demo"),
            restaurant_name: "Trattoria",
            email: &email,
            role: Role::Staff,
        })
        .await;
    match invited {
        Err(DirectoryError::Failed(error)) => {
            let text = format!("{error:#}");
            assert!(text.contains("us-east-1_doesnotexist"), "{text}");
        }
        other => panic!("a failure naming the pool: {other:?}"),
    }

    let unreachable = CognitoStaffDirectory::new(local_client("http://127.0.0.1:9"), pool.id());
    let listed = unreachable.list_members(&r("demo")).await;
    assert!(
        matches!(listed, Err(DirectoryError::Unavailable(_))),
        "{listed:?}"
    );
}
