//! The real `tabletap-listener` binary as a child process, with its log
//! captured so tests can wait for what it says.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The binary next to the test executable: tests live in
/// target/<profile>/deps/, binaries in target/<profile>/.
/// `TABLETAP_LISTENER_BIN` picks another one (e.g. a release build, to
/// measure it).
pub fn binary() -> PathBuf {
    if let Some(path) = std::env::var_os("TABLETAP_LISTENER_BIN") {
        let path = PathBuf::from(path);
        assert!(
            path.exists(),
            "TABLETAP_LISTENER_BIN={} does not exist",
            path.display()
        );
        return path;
    }
    let exe = std::env::current_exe().expect("test executable path");
    let beside = exe
        .parent()
        .and_then(Path::parent)
        .map(|dir| dir.join("tabletap-listener"));
    if let Some(path) = beside.filter(|p| p.exists()) {
        return path;
    }
    let from_cargo = PathBuf::from(env!("CARGO_BIN_EXE_tabletap-listener"));
    assert!(
        from_cargo.exists(),
        "tabletap-listener binary not found next to {} nor at {}; build it first: cargo build -p tabletap-listener",
        exe.display(),
        from_cargo.display()
    );
    from_cargo
}

/// Runs a one-shot subcommand (doctor, render, ...) to completion.
pub fn run_command(config: &Path, args: &[&str]) -> Output {
    Command::new(binary())
        .arg("--config")
        .arg(config)
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run tabletap-listener")
}

pub struct ListenerProcess {
    child: Child,
    log: Arc<Mutex<String>>,
}

impl ListenerProcess {
    pub fn start(config: &Path) -> Self {
        let mut child = Command::new(binary())
            .arg("--config")
            .arg(config)
            .arg("run")
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start tabletap-listener");
        let log = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().expect("listener stderr");
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut log = sink.lock().unwrap_or_else(|p| p.into_inner());
                log.push_str(&line);
                log.push('\n');
            }
        });
        Self { child, log }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Waits until the log contains `needle` at least `occurrences` times.
    pub async fn wait_for_log(&self, needle: &str, occurrences: usize, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            let log = self.log();
            if log.matches(needle).count() >= occurrences {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "listener never logged {needle:?} ({occurrences}x); log:\n{log}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// SIGTERM, as systemd stops it; returns how it exited.
    pub async fn terminate(&mut self) -> ExitStatus {
        let status = Command::new("kill")
            .arg("-TERM")
            .arg(self.pid().to_string())
            .status()
            .expect("kill -TERM");
        assert!(status.success(), "kill -TERM failed");
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "listener did not stop within 10 s of SIGTERM; log:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// SIGKILL: no chance to finish anything.
    pub fn kill_hard(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ListenerProcess {
    /// Set `SHOW_LISTENER_LOG=1` (with `--nocapture`) to see each run's log.
    fn drop(&mut self) {
        self.kill_hard();
        if std::env::var_os("SHOW_LISTENER_LOG").is_some() {
            eprintln!("----- listener {} log -----\n{}", self.pid(), self.log());
        }
    }
}
