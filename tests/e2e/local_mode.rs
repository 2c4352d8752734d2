//! Local mode run for real, as a restaurant would on its kitchen PC:
//! `serve --addr` works as `--help` says, everything written to the data
//! folder is readable by its owner only, and test payments exist only with
//! the demo or `--dev-test-payments`.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;
use tabletap_e2e::{LocalServer, binary, free_port, repo_root};
use tokio::io::{AsyncBufReadExt, BufReader};

/// Every file and folder under `dir` whose mode lets group or others in.
fn not_private(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(path) = pending.pop() {
        let meta = std::fs::symlink_metadata(&path).unwrap();
        if meta.permissions().mode() & 0o077 != 0 {
            found.push(format!(
                "{} {:o}",
                path.display(),
                meta.permissions().mode() & 0o777
            ));
        }
        if meta.is_dir() {
            pending.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        }
    }
    found
}

#[tokio::test]
async fn the_serve_subcommand_takes_the_serve_options() {
    let data = tempfile::tempdir().unwrap();
    let mut child = tokio::process::Command::new(binary("tabletap-local"))
        .arg("serve")
        .args(["--addr", "127.0.0.1:0", "--data-dir"])
        .arg(data.path())
        .arg("--site-dir")
        .arg(repo_root().join("site"))
        .args(["--mqtt-addr", &format!("127.0.0.1:{}", free_port())])
        .env("TABLETAP_LOG", "warn")
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(url) = line.strip_prefix("TableTap is listening on ") {
                return url.trim().to_owned();
            }
        }
        panic!("the server exited without listening");
    })
    .await
    .expect("listening within 20 s");
    assert!(
        !url.ends_with(":8080"),
        "the --addr given after `serve` was used: {url}"
    );
    let answer = reqwest::get(format!("{url}/config.json")).await.unwrap();
    assert_eq!(answer.status(), 200);
    child.kill().await.unwrap();
}

#[tokio::test]
async fn the_data_folder_is_private_to_its_owner() {
    let mut server = LocalServer::start().await;
    // A dine-in order, so the store, the broker's keys, the listener's
    // configuration and the outbox folder all exist.
    let token = server.table("Table 1").token.clone();
    let placed = server
        .http
        .post(server.api(&format!("/tables/{token}/orders")))
        .json(&serde_json::json!({"lines": [{"item_id": "margherita", "quantity": 1, "options": ["large"]}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(placed.status(), 201);
    server.stop().await;
    let data = server.data_dir();
    for expected in [
        "tabletap.redb",
        "kitchen/listener.toml",
        "outbox",
        "payments/webhook-secret",
    ] {
        assert!(data.join(expected).exists(), "{expected} was written");
    }
    assert_eq!(
        not_private(data),
        Vec::<String>::new(),
        "readable by others"
    );
}

#[tokio::test]
async fn test_payments_need_the_demo_or_the_development_flag() {
    // A restaurant's own server: the demo file imported as its restaurant,
    // started without the demo and without Stripe.
    let mut server = LocalServer::start_with(&["--no-demo"]).await;
    server.stop().await;
    let file = repo_root().join("functions/local/demo/trattoria.yaml");
    server.admin(&["import", file.to_str().unwrap()]);
    server.restart().await;

    let config = server
        .get_json(&format!("{}/config.json", server.base_url))
        .await;
    assert_eq!(config["paymentProvider"], serde_json::Value::Null);
    let test_payment = server
        .http
        .post(server.api("/restaurants/demo/orders/01kb3m8q2n0000000000000007/test-payment"))
        .header("X-Order-Token", "AAAAAAAAAAAAAAAAAAAAAA")
        .send()
        .await
        .unwrap();
    assert_eq!(test_payment.status(), 404, "no test-payment route");
    let takeout = server
        .http
        .post(server.api("/restaurants/demo/takeout-orders"))
        .json(&serde_json::json!({
            "customer": {"name": "Giulia", "email": "giulia@example.com", "phone": "+49 30 1234567"},
            "pickup_at": "2030-01-01T12:00:00Z",
            "lines": [{"item_id": "margherita", "quantity": 1, "options": ["large"]}]
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(takeout.status(), 503);
    let body: serde_json::Value = takeout.json().await.unwrap();
    assert_eq!(body["code"], "payments_unavailable");
    server.stop().await;

    // The development flag turns them on without the demo.
    let mut dev = LocalServer::start_with(&["--no-demo", "--dev-test-payments"]).await;
    let config = dev.get_json(&format!("{}/config.json", dev.base_url)).await;
    assert_eq!(config["paymentProvider"], "test");
    dev.stop().await;
}
