//! The real `tabletap-ops` binary against the real stand-ins: DynamoDB
//! Local for the stack's table, moto for its Cognito user pool and its
//! CloudFormation outputs. What it seeds is then served by the Lambda
//! handlers (API Gateway events replayed on the same table), and the QR
//! sheet it writes is read back with pdftoppm and zbarimg.

#[path = "../../qrsheet/tests/support/mod.rs"]
mod support;

use aws_sdk_cognitoidentityprovider::config::{Credentials, Region};
use lambda_http::http::StatusCode;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};
use tabletap_api::cors::Cors;
use tabletap_api::{AppState, Route};
use tabletap_app::ports::TableStore;
use tabletap_app::use_cases::rotate_table_token::rotate_table_token;
use tabletap_core::ids::{RestaurantId, TableId};
use tabletap_qrsheet::Paper;
use tabletap_store_dynamodb::DynamoDbStore;
use tabletap_store_dynamodb::local::fresh_test_store;

const MOTO_VAR: &str = "TABLETAP_MOTO_ENDPOINT";
const SITE: &str = "https://order.example.com";

fn repo_file(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

fn unique(prefix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        "{prefix}-{}-{nanos}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

fn moto_endpoint() -> String {
    std::env::var(MOTO_VAR).unwrap_or_else(|_| {
        panic!(
            "{MOTO_VAR} is not set: this test needs moto (Cognito, CloudFormation); start it with \
             export {MOTO_VAR}=$(scripts/lib/moto.sh start)"
        )
    })
}

fn dynamodb_endpoint() -> String {
    std::env::var(tabletap_store_dynamodb::local::ENDPOINT_VAR).expect("set by fresh_test_store")
}

/// The deployment the binary works on: a DynamoDB Local table and moto's
/// Cognito and CloudFormation, reached through the AWS SDK's own
/// per-service endpoint variables.
struct Stand {
    store: DynamoDbStore,
    pool: String,
    cognito: aws_sdk_cognitoidentityprovider::Client,
    moto: String,
}

impl Stand {
    async fn new() -> Self {
        let store = fresh_test_store("tabletap-ops").await;
        let moto = moto_endpoint();
        let config = aws_sdk_cognitoidentityprovider::Config::builder()
            .behavior_version_latest()
            .endpoint_url(&moto)
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("test", "test", None, None, "test"))
            .build();
        let cognito = aws_sdk_cognitoidentityprovider::Client::from_conf(config);
        let pool = cognito
            .create_user_pool()
            .pool_name(unique("tabletap-staff"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("cannot create a user pool on moto at {moto}: {e:?}"))
            .user_pool()
            .and_then(|p| p.id())
            .expect("pool id")
            .to_owned();
        Stand {
            store,
            pool,
            cognito,
            moto,
        }
    }

    /// The binary with this stand's endpoints and dummy credentials, and
    /// nothing from the developer's own AWS setup (no profile, no instance
    /// metadata lookups).
    fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tabletap-ops"));
        for var in [
            "AWS_PROFILE",
            "AWS_ENDPOINT_URL",
            "AWS_SESSION_TOKEN",
            "TABLETAP_STACK",
            "TABLETAP_TABLE_NAME",
            "TABLETAP_USER_POOL_ID",
        ] {
            command.env_remove(var);
        }
        // DynamoDB Local keeps one database per access key and region:
        // the same as fresh_test_store's client ("local", us-east-1).
        command
            .env("AWS_ACCESS_KEY_ID", "local")
            .env("AWS_SECRET_ACCESS_KEY", "local")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_CONFIG_FILE", "/nonexistent/aws-config")
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                "/nonexistent/aws-credentials",
            )
            .env("AWS_ENDPOINT_URL_DYNAMODB", dynamodb_endpoint())
            .env("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", &self.moto)
            .env("AWS_ENDPOINT_URL_CLOUDFORMATION", &self.moto);
        command
    }

    /// `tabletap-ops --table T --user-pool-id P <args>`, which must succeed.
    fn ops(&self, args: &[&str]) -> String {
        let mut command = self.command();
        command
            .args(["--table", self.store.table_name()])
            .args(["--user-pool-id", &self.pool])
            .args(args);
        succeeded(&command.output().expect("run tabletap-ops"), args)
    }

    fn lambda_state(&self) -> AppState {
        AppState {
            cors: Cors::from_list(SITE),
            site_url: Some(SITE.to_owned()),
            ..AppState::new(Arc::new(self.store.clone()))
        }
    }

    async fn owner_groups(&self, email: &str) -> Vec<String> {
        self.cognito
            .admin_list_groups_for_user()
            .user_pool_id(&self.pool)
            .username(email)
            .send()
            .await
            .expect("list the user's groups")
            .groups()
            .iter()
            .filter_map(|g| g.group_name().map(str::to_owned))
            .collect()
    }
}

fn succeeded(output: &Output, args: &[&str]) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "tabletap-ops {args:?} failed:\nstdout: {stdout}\nstderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

fn failed(output: Output) -> String {
    assert!(
        !output.status.success(),
        "expected a failure, got: {}",
        String::from_utf8_lossy(&output.stdout)
    );
    String::from_utf8(output.stderr).unwrap()
}

/// `  Table 1      https://.../t/<token>` lines: the links in print order.
fn printed_links(stdout: &str) -> Vec<(String, String)> {
    stdout
        .lines()
        .filter(|l| l.contains("/t/"))
        .map(|l| {
            let (label, link) = l.trim().rsplit_once(' ').expect("label and link");
            (label.trim().to_owned(), link.to_owned())
        })
        .collect()
}

/// Replays an API Gateway event from events/api/ with its sample table
/// token, restaurant and body replaced by this test's.
async fn replay(
    state: &AppState,
    route: Route,
    event_file: &str,
    replace: &[(&str, &str)],
    body: Option<&Value>,
) -> (StatusCode, Value) {
    let mut text = std::fs::read_to_string(repo_file(&format!("events/api/{event_file}")))
        .unwrap_or_else(|e| panic!("{event_file}: {e}"));
    for (from, to) in replace {
        text = text.replace(from, to);
    }
    let mut event: Value = serde_json::from_str(&text).unwrap();
    if let Some(body) = body {
        event["body"] = Value::String(body.to_string());
    }
    let request = lambda_http::request::from_str(&event.to_string()).unwrap();
    let response = tabletap_api::handle(route, state, request).await;
    let status = response.status();
    let body = serde_json::from_slice(response.body().as_ref()).unwrap_or(Value::Null);
    (status, body)
}

/// The sample events' table token (16 bytes of 7).
const EVENT_TOKEN: &str = "BwcHBwcHBwcHBwcHBwcHBw";

fn token_of(link: &str) -> &str {
    link.rsplit_once("/t/").expect("a table link").1
}

fn find_item<'a>(menu: &'a Value, id: &str) -> &'a Value {
    menu["categories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["items"].as_array().unwrap())
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no item {id} in the served menu"))
}

fn option_delta(item: &Value, option: &str) -> i64 {
    item["option_groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["options"].as_array().unwrap())
        .find(|o| o["id"] == option)
        .and_then(|o| o["price_delta"].as_i64())
        .unwrap_or_else(|| panic!("no option {option}"))
}

#[tokio::test]
async fn ops_seeds_a_restaurant_and_its_owner_then_the_lambdas_take_an_order() {
    let stand = Stand::new().await;
    let file = repo_file("functions/local/demo/trattoria.yaml");

    let out = stand.ops(&["create-restaurant", "--file", file.to_str().unwrap()]);
    assert!(out.contains("Imported demo"), "{out}");
    assert!(out.contains("10 new"), "the demo has ten tables: {out}");

    let email = format!("{}@trattoria.example", unique("owner"));
    let out = stand.ops(&["create-owner", "--restaurant", "demo", "--email", &email]);
    assert!(out.contains("Created owner"), "{out}");
    assert_eq!(stand.owner_groups(&email).await, ["demo:owner"]);
    let user = stand
        .cognito
        .admin_get_user()
        .user_pool_id(&stand.pool)
        .username(&email)
        .send()
        .await
        .expect("the owner exists in the pool");
    assert!(
        user.user_attributes()
            .iter()
            .any(|a| a.name() == "email" && a.value() == Some(email.as_str())),
        "{user:?}"
    );
    assert_eq!(
        user.user_status().map(|s| s.as_str()),
        Some("FORCE_CHANGE_PASSWORD"),
        "signs in with the emailed temporary password"
    );
    // Repeating it is harmless: same user, same single group.
    let out = stand.ops(&["create-owner", "--restaurant", "demo", "--email", &email]);
    assert!(out.contains("is already an owner of demo"), "{out}");
    assert_eq!(stand.owner_groups(&email).await, ["demo:owner"]);
    // A member of staff made owner moves from demo:staff to demo:owner
    // (the owner pages' own use case), without a new account or email.
    let cook = format!("{}@trattoria.example", unique("cook"));
    stand
        .cognito
        .admin_create_user()
        .user_pool_id(&stand.pool)
        .username(&cook)
        .send()
        .await
        .unwrap();
    stand
        .cognito
        .create_group()
        .user_pool_id(&stand.pool)
        .group_name("demo:staff")
        .send()
        .await
        .unwrap();
    stand
        .cognito
        .admin_add_user_to_group()
        .user_pool_id(&stand.pool)
        .username(&cook)
        .group_name("demo:staff")
        .send()
        .await
        .unwrap();
    let out = stand.ops(&["create-owner", "--restaurant", "demo", "--email", &cook]);
    assert!(out.contains("was staff of demo; now an owner"), "{out}");
    assert_eq!(stand.owner_groups(&cook).await, ["demo:owner"]);

    // The links printed are the stored tables' current tokens.
    let links = printed_links(&stand.ops(&["tables", "--restaurant", "demo", "--site-url", SITE]));
    let restaurant = RestaurantId::parse("demo").unwrap();
    let stored = stand.store.list_tables(&restaurant).await.unwrap();
    assert_eq!(links.len(), stored.len());
    for table in &stored {
        let expected = format!("{SITE}/t/{}", table.token.as_str());
        assert!(
            links
                .iter()
                .any(|(label, link)| *label == table.label && *link == expected),
            "{} {expected} missing from {links:?}",
            table.label
        );
    }
    assert_eq!(links[0].0, "Table 1");
    assert_eq!(links[9].0, "Terrace 2", "tables in the order people count");

    // The Lambda handlers on the same table: a diner scans Table 3's code.
    let state = stand.lambda_state();
    let (_, link) = links.iter().find(|(label, _)| label == "Table 3").unwrap();
    let token = token_of(link);
    let (status, table) = replay(
        &state,
        Route::GetTable,
        "get-table.json",
        &[(EVENT_TOKEN, token)],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{table}");
    assert_eq!(table["table"]["label"], "Table 3");
    assert_eq!(table["restaurant"]["id"], "demo");
    assert_eq!(table["restaurant"]["name"], "Trattoria Demo");

    let (status, menu) = replay(&state, Route::GetMenu, "get-menu.json", &[], None).await;
    assert_eq!(status, StatusCode::OK, "{menu}");
    let margherita = find_item(&menu, "margherita");
    let tiramisu = find_item(&menu, "tiramisu");
    assert_eq!(margherita["name"], "Margherita");

    let cart = serde_json::json!({
        "lines": [
            {"item_id": "margherita", "quantity": 2, "options": ["large", "olives"], "note": "well done"},
            {"item_id": "tiramisu", "quantity": 1}
        ],
        "note": "Window seat"
    });
    let (status, placed) = replay(
        &state,
        Route::PlaceDineInOrder,
        "place-dine-in-order.json",
        &[(EVENT_TOKEN, token)],
        Some(&cart),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{placed}");
    // Summed here from the menu the diner was served (tax-inclusive menu).
    let expected = 2
        * (margherita["price"].as_i64().unwrap()
            + option_delta(margherita, "large")
            + option_delta(margherita, "olives"))
        + tiramisu["price"].as_i64().unwrap();
    assert_eq!(placed["totals"]["total"], expected, "{placed}");
    assert_eq!(placed["number"], "A-001");
    assert_eq!(placed["status"], "ACCEPTED");
    assert_eq!(placed["channel"]["table_label"], "Table 3", "{placed}");
}

#[tokio::test]
async fn with_only_the_stack_name_every_command_finds_table_pool_and_site() {
    let stand = Stand::new().await;
    let stack = unique("tabletap-ops-stack");
    let site = "https://d111111abcdef8.cloudfront.net";
    create_stack(&stand, &stack, Some(&stand.pool), site).await;
    let ops = |args: &[&str]| {
        let mut command = stand.command();
        command.args(["--stack", &stack]).args(args);
        succeeded(&command.output().unwrap(), args)
    };

    let file = repo_file("functions/local/demo/trattoria.yaml");
    ops(&["create-restaurant", "--file", file.to_str().unwrap()]);
    let email = format!("{}@trattoria.example", unique("owner"));
    ops(&["create-owner", "--restaurant", "demo", "--email", &email]);
    assert_eq!(stand.owner_groups(&email).await, ["demo:owner"]);

    // The QR sheet with the stack's SiteUrl: every code on the PDF and
    // every PNG decodes to its table's current link.
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("sheet.pdf");
    let pngs = dir.path().join("png");
    let out = ops(&[
        "qr-sheet",
        "--restaurant",
        "demo",
        "--out",
        pdf.to_str().unwrap(),
        "--png-dir",
        pngs.to_str().unwrap(),
    ]);
    assert!(
        out.contains("10 tables of Trattoria Demo on 2 A4 pages"),
        "{out}"
    );
    let restaurant = RestaurantId::parse("demo").unwrap();
    let current = |tables: &[tabletap_core::table::Table]| -> BTreeSet<String> {
        tables
            .iter()
            .map(|t| format!("{site}/t/{}", t.token.as_str()))
            .collect()
    };
    let tables = stand.store.list_tables(&restaurant).await.unwrap();
    assert_eq!(
        support::decode_sheet(&pdf, Paper::A4, tables.len(), dir.path()),
        current(&tables)
    );
    for table in &tables {
        let png = pngs.join(format!("table-{}.png", table.id.as_str()));
        assert_eq!(
            support::decode_qr_codes(&png),
            [format!("{site}/t/{}", table.token.as_str())],
            "{}",
            png.display()
        );
    }

    // A code is rotated (while everything runs): the new sheet has the new
    // link, and the old link answers 410 at once.
    let terrace = TableId::parse("terrace-1").unwrap();
    let old = stand
        .store
        .get_table(&restaurant, &terrace)
        .await
        .unwrap()
        .unwrap();
    let rotated = rotate_table_token(&stand.store, &restaurant, &terrace)
        .await
        .unwrap();
    let again = dir.path().join("again");
    std::fs::create_dir(&again).unwrap();
    let pdf = again.join("sheet.pdf");
    ops(&[
        "qr-sheet",
        "--restaurant",
        "demo",
        "--out",
        pdf.to_str().unwrap(),
        "--paper",
        "letter",
    ]);
    let decoded = support::decode_sheet(&pdf, Paper::Letter, 10, &again);
    let tables = stand.store.list_tables(&restaurant).await.unwrap();
    assert_eq!(decoded, current(&tables));
    assert!(decoded.contains(&format!("{site}/t/{}", rotated.token.as_str())));
    assert!(!decoded.contains(&format!("{site}/t/{}", old.token.as_str())));
    let (status, body) = replay(
        &stand.lambda_state(),
        Route::GetTable,
        "get-table.json",
        &[(EVENT_TOKEN, old.token.as_str())],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::GONE, "{body}");
    assert_eq!(body["code"], "table_revoked");
}

/// A stack in moto's CloudFormation whose outputs are those of a deployed
/// TableTap stack (infra/template.yaml's names).
async fn create_stack(stand: &Stand, name: &str, pool: Option<&str>, site: &str) {
    let mut outputs = serde_json::json!({
        "TableName": {"Value": stand.store.table_name()},
        "SiteUrl": {"Value": site},
    });
    if let Some(pool) = pool {
        outputs["StaffUserPoolId"] = serde_json::json!({"Value": pool});
    }
    let template = serde_json::json!({
        "Resources": {"Marker": {"Type": "AWS::SNS::Topic"}},
        "Outputs": outputs,
    });
    let config = aws_sdk_cloudformation::Config::builder()
        .behavior_version_latest()
        .endpoint_url(&stand.moto)
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "test"))
        .build();
    aws_sdk_cloudformation::Client::from_conf(config)
        .create_stack()
        .stack_name(name)
        .template_body(template.to_string())
        .send()
        .await
        .expect("create the stack in moto");
}

#[tokio::test]
async fn mistakes_get_an_answer_that_says_what_to_do() {
    let stand = Stand::new().await;
    let run = |args: &[&str]| failed(stand.command().args(args).output().unwrap());

    let error = run(&[
        "--stack",
        "no-such-stack",
        "tables",
        "--restaurant",
        "demo",
        "--site-url",
        SITE,
    ]);
    assert!(
        error.contains("there is no CloudFormation stack \"no-such-stack\" in region us-east-1"),
        "{error}"
    );

    let error = run(&[
        "--table",
        "no-such-table",
        "tables",
        "--restaurant",
        "demo",
        "--site-url",
        SITE,
    ]);
    assert!(
        error.contains("there is no DynamoDB table \"no-such-table\""),
        "{error}"
    );

    let error = run(&["tables", "--restaurant", "demo", "--site-url", SITE]);
    assert!(error.contains("Pass --stack NAME"), "{error}");

    let table = stand.store.table_name().to_owned();
    let error = run(&[
        "--table",
        &table,
        "create-owner",
        "--restaurant",
        "demo",
        "--email",
        "o@x.example",
    ]);
    assert!(error.contains("there is no restaurant \"demo\""), "{error}");
    assert!(error.contains("create-restaurant"), "{error}");

    let file = repo_file("functions/local/demo/trattoria.yaml");
    stand.ops(&["create-restaurant", "--file", file.to_str().unwrap()]);
    let error = run(&[
        "--table",
        &table,
        "--user-pool-id",
        "us-east-1_doesnotexist",
        "create-owner",
        "--restaurant",
        "demo",
        "--email",
        "o@x.example",
    ]);
    assert!(
        error.contains("there is no Cognito user pool \"us-east-1_doesnotexist\""),
        "{error}"
    );

    let error = run(&[
        "--table",
        &table,
        "create-owner",
        "--restaurant",
        "demo",
        "--email",
        "not-an-email",
    ]);
    assert!(error.contains("is not an email address"), "{error}");

    let error = run(&["--table", &table, "tables", "--restaurant", "demo"]);
    assert!(error.contains("Pass --site-url"), "{error}");

    // A stack deployed before the staff sign-in has no user pool output.
    let stack = unique("tabletap-ops-old-stack");
    create_stack(&stand, &stack, None, SITE).await;
    let error = run(&[
        "--stack",
        &stack,
        "create-owner",
        "--restaurant",
        "demo",
        "--email",
        "o@x.example",
    ]);
    assert!(error.contains("has no output StaffUserPoolId"), "{error}");

    let bad = tempfile::NamedTempFile::with_suffix(".yaml").unwrap();
    std::fs::write(bad.path(), "restaurant: {id: demo}\n").unwrap();
    let error = run(&[
        "--table",
        &table,
        "create-restaurant",
        "--file",
        bad.path().to_str().unwrap(),
    ]);
    assert!(error.contains("missing field"), "{error}");

    // Nothing listening where the requests go.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let error = run(&[
        "--endpoint-url",
        &format!("http://{closed}"),
        "--table",
        &table,
        "tables",
        "--restaurant",
        "demo",
        "--site-url",
        SITE,
    ]);
    assert!(
        error.contains("cannot reach AWS to read DynamoDB table"),
        "{error}"
    );
    assert!(error.contains("Connection refused"), "{error}");

    // No credentials anywhere: said before any request is made.
    let mut command = stand.command();
    command
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .args([
            "--table",
            &table,
            "tables",
            "--restaurant",
            "demo",
            "--site-url",
            SITE,
        ]);
    let error = failed(command.output().unwrap());
    assert!(error.contains("no AWS credentials"), "{error}");
    assert!(error.contains("aws sso login"), "{error}");
}
