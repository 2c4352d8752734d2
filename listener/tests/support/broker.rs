//! One Mosquitto per test: its own port, directory and persistence, mutual
//! TLS required, an ACL like the IoT policy (the kitchen may read its
//! restaurant's kitchen topics and write its ack topic; the cloud may do all).

use super::certs::Pki;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Broker {
    pub port: u16,
    child: Child,
    pub log: PathBuf,
}

/// Mosquitto's binary, or a failure that says how to install it.
fn mosquitto_binary() -> PathBuf {
    for candidate in [
        "/usr/sbin/mosquitto",
        "/usr/bin/mosquitto",
        "/usr/local/sbin/mosquitto",
    ] {
        if Path::new(candidate).exists() {
            return candidate.into();
        }
    }
    if let Ok(path) = which("mosquitto") {
        return path;
    }
    panic!(
        "mosquitto is not installed, and the listener's end-to-end tests need a real broker: \
         run scripts/lib/install-mosquitto.sh (or `apt-get install mosquitto`)"
    );
}

fn which(name: &str) -> Result<PathBuf, ()> {
    let path = std::env::var_os("PATH").ok_or(())?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.exists())
        .ok_or(())
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

impl Broker {
    pub fn start(dir: &Path, pki: &Pki) -> Self {
        let port = free_port();
        let data = dir.join("mosquitto-data");
        std::fs::create_dir_all(&data).expect("broker data dir");
        let acl = dir.join("acl");
        std::fs::write(
            &acl,
            "user kitchen-r1\ntopic read tabletap/r1/kitchen/#\ntopic write tabletap/r1/acks\n\n\
             user cloud\ntopic readwrite tabletap/#\n",
        )
        .expect("acl");
        let config = dir.join("mosquitto.conf");
        let log = dir.join("mosquitto.log");
        std::fs::write(
            &config,
            format!(
                "per_listener_settings false\n\
                 user root\n\
                 persistence true\n\
                 persistence_location {data}/\n\
                 allow_anonymous false\n\
                 log_dest file {log}\n\
                 log_type error\nlog_type warning\nlog_type notice\nlog_type information\n\
                 listener {port} 127.0.0.1\n\
                 cafile {ca}\n\
                 certfile {cert}\n\
                 keyfile {key}\n\
                 require_certificate true\n\
                 use_identity_as_username true\n\
                 acl_file {acl}\n",
                data = data.display(),
                log = log.display(),
                ca = pki.ca.display(),
                cert = pki.server.cert.display(),
                key = pki.server.key.display(),
                acl = acl.display(),
            ),
        )
        .expect("mosquitto.conf");
        let child = Command::new(mosquitto_binary())
            .arg("-c")
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start mosquitto");
        let broker = Self { port, child, log };
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "mosquitto did not listen on {port}; log:\n{}",
                broker.log_text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        broker
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
