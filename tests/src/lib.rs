//! Test harness: starts the real `tabletap-local` binary on a free port with
//! its own data folder, and talks to it over HTTP like the site does.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// Where cargo put the workspace's binaries: next to this test's `deps/`.
pub fn binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target profile folder");
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} is missing: build the workspace's binaries first (`cargo build --workspace --bins`, which scripts/test.sh does)",
        path.display()
    );
    path
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("repo root")
        .to_owned()
}

pub struct TableLink {
    pub label: String,
    pub token: String,
}

/// A running local server. Killed when dropped.
pub struct LocalServer {
    child: Option<Child>,
    data_dir: tempfile::TempDir,
    pub base_url: String,
    pub tables: Vec<TableLink>,
    pub http: reqwest::Client,
    /// The embedded MQTT broker's port (kept across restarts, as the
    /// listener's configuration names it).
    pub mqtt_port: u16,
    /// More `tabletap-local` arguments, e.g. the Stripe settings.
    extra_args: Vec<String>,
}

/// A response's body as JSON (the test fails if it is not JSON).
pub async fn json_of(response: reqwest::Response) -> serde_json::Value {
    response.json().await.expect("JSON body")
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

impl LocalServer {
    pub async fn start() -> Self {
        Self::start_with(&[]).await
    }

    /// Starts the server with more command-line arguments.
    pub async fn start_with(extra_args: &[&str]) -> Self {
        let data_dir = tempfile::tempdir().expect("temp data dir");
        let mut server = Self {
            child: None,
            data_dir,
            base_url: String::new(),
            tables: Vec::new(),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .expect("http client"),
            mqtt_port: free_port(),
            extra_args: extra_args.iter().map(|a| (*a).to_owned()).collect(),
        };
        server.spawn().await;
        server
    }

    async fn spawn(&mut self) {
        let mut child = Command::new(binary("tabletap-local"))
            .args(["--addr", "127.0.0.1:0", "--data-dir"])
            .arg(self.data_dir.path())
            .arg("--site-dir")
            .arg(repo_root().join("site"))
            .arg("--mqtt-addr")
            .arg(format!("127.0.0.1:{}", self.mqtt_port))
            .args(&self.extra_args)
            .env("TABLETAP_LOG", "warn")
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("start tabletap-local");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let mut tables = Vec::new();
        let mut base_url = None;
        let read = async {
            while let Some(line) = lines.next_line().await.expect("read server output") {
                if let Some(url) = line.strip_prefix("TableTap is listening on ") {
                    base_url = Some(url.trim().to_owned());
                    break;
                }
                if let Some((label, url)) = line.trim().split_once(" http")
                    && url.contains("/t/")
                {
                    let token = url.rsplit("/t/").next().unwrap_or_default().to_owned();
                    tables.push(TableLink {
                        label: label.trim().to_owned(),
                        token,
                    });
                }
            }
        };
        tokio::time::timeout(Duration::from_secs(20), read)
            .await
            .expect("server did not start within 20 s");
        // Keep draining output so the server never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        self.base_url = base_url.expect("server printed its address");
        if !tables.is_empty() {
            self.tables = tables;
        }
        self.child = Some(child);
    }

    /// Stops the server the way an operator would (SIGTERM) and waits.
    pub async fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            if let Some(pid) = child.id() {
                let _ = std::process::Command::new("kill")
                    .args(["-TERM", &pid.to_string()])
                    .status();
            }
            let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
                .await
                .expect("server stops within 10 s after SIGTERM")
                .expect("wait for server");
            assert!(status.success(), "server exited with {status}");
        }
    }

    pub async fn restart(&mut self) {
        self.stop().await;
        self.spawn().await;
    }

    pub fn data_dir(&self) -> &Path {
        self.data_dir.path()
    }

    /// Runs a `tabletap-local` subcommand on this server's data (server stopped).
    pub fn admin(&self, args: &[&str]) -> String {
        let output = std::process::Command::new(binary("tabletap-local"))
            .arg("--data-dir")
            .arg(self.data_dir.path())
            .args(args)
            .output()
            .expect("run tabletap-local");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Adds a person to the local user store (the server rereads it) and
    /// returns the password it generated.
    pub fn add_person(&self, restaurant: &str, username: &str, role: &str) -> String {
        let out = self.admin(&[
            "staff",
            "add",
            "--restaurant",
            restaurant,
            "--username",
            username,
            "--role",
            role,
        ]);
        out.lines()
            .find_map(|l| l.strip_prefix("password: "))
            .expect("a generated password")
            .trim()
            .to_owned()
    }

    /// Signs in over HTTP, as the staff pages do; returns the bearer token.
    pub async fn sign_in(&self, username: &str, password: &str) -> String {
        let response = self
            .http
            .post(self.api("/staff/sign-in"))
            .json(&serde_json::json!({"username": username, "password": password}))
            .send()
            .await
            .expect("sign-in request");
        assert_eq!(response.status(), 200, "sign in as {username}");
        let body: serde_json::Value = response.json().await.expect("sign-in answer");
        body["token"].as_str().expect("a token").to_owned()
    }

    pub fn table(&self, label: &str) -> &TableLink {
        self.tables
            .iter()
            .find(|t| t.label == label)
            .unwrap_or_else(|| panic!("no table {label}"))
    }

    pub fn api(&self, path: &str) -> String {
        format!("{}/api{}", self.base_url, path)
    }

    /// `GET` of `url` without a token, as the site does, and its JSON.
    pub async fn get_json(&self, url: &str) -> serde_json::Value {
        json_of(self.http.get(url).send().await.expect("GET request")).await
    }

    /// Turns the demo restaurant's order limits off (re-imports the demo
    /// file with `order_limits` at 0; tables keep their links), for
    /// benchmarks that place many orders from one table.
    pub async fn lift_order_limits(&mut self) {
        let demo = std::fs::read_to_string(repo_root().join("functions/local/demo/trattoria.yaml"))
            .expect("read the demo restaurant file");
        let unlimited = demo
            .replacen("per_table: { orders: 10,", "per_table: { orders: 0,", 1)
            .replacen(
                "per_restaurant: { orders: 60,",
                "per_restaurant: { orders: 0,",
                1,
            );
        assert_eq!(
            unlimited.matches("{ orders: 0,").count(),
            2,
            "the demo file sets both order limits"
        );
        let file = self.data_dir().join("demo-unlimited.yaml");
        std::fs::write(&file, unlimited).expect("write the unlimited demo file");
        self.stop().await;
        self.admin(&["import", file.to_str().expect("utf-8 path")]);
        self.spawn().await;
    }

    /// How many orders of `restaurant` the data folder holds for the
    /// business days around today (read with the server stopped).
    pub async fn stored_orders(&self, restaurant: &str) -> usize {
        use tabletap_app::ports::OrderStore;
        let store =
            tabletap_store_embedded::EmbeddedStore::open(&self.data_dir().join("tabletap.redb"))
                .expect("open data file");
        let restaurant =
            tabletap_core::ids::RestaurantId::parse(restaurant).expect("restaurant id");
        let mut total = 0;
        // Around midnight the business day may differ from UTC's date: count
        // yesterday, today and tomorrow.
        let today = tabletap_core::Timestamp::now()
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date();
        for day in [today.yesterday().unwrap(), today, today.tomorrow().unwrap()] {
            total += store
                .list_orders_for_day(&restaurant, day)
                .await
                .expect("list orders")
                .len();
        }
        total
    }
}

/// An MQTT client with the kitchen listener's certificate, subscribed to a
/// restaurant's kitchen topics on the server's embedded broker; returns once
/// the subscription is in place.
pub async fn kitchen_subscriber(
    server: &LocalServer,
    restaurant: &str,
) -> (rumqttc::AsyncClient, rumqttc::EventLoop) {
    use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS, TlsConfiguration, Transport};
    let _ = rustls::crypto::ring::default_provider().install_default();
    let certs = server.data_dir().join("kitchen/certs");
    let read = |name: &str| std::fs::read(certs.join(name)).expect("kitchen certificate");
    let mut options = MqttOptions::new("e2e-kitchen-watch", "localhost", server.mqtt_port);
    options.set_transport(Transport::tls_with_config(TlsConfiguration::Simple {
        ca: read("ca.crt"),
        alpn: None,
        client_auth: Some((read("kitchen-listener.crt"), read("kitchen-listener.key"))),
    }));
    let (client, mut events) = AsyncClient::new(options, 16);
    client
        .subscribe(format!("tabletap/{restaurant}/kitchen/+"), QoS::AtLeastOnce)
        .await
        .expect("subscribe");
    let subscribed = async {
        loop {
            if let Event::Incoming(Packet::SubAck(_)) =
                events.poll().await.expect("MQTT connection")
            {
                break;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), subscribed)
        .await
        .expect("subscribed within 10 s");
    (client, events)
}
