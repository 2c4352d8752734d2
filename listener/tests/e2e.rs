//! End to end: the real `tabletap-listener` binary against a real Mosquitto
//! with mutual TLS, printing to a virtual network printer. Each test has its
//! own broker, printer and state dir, so they run in parallel.
//!
//! Mosquitto must be installed (scripts/lib/install-mosquitto.sh); without
//! it these tests fail, they do not skip.

#[path = "support/mod.rs"]
mod support;

use std::time::Duration;
use support::kitchen::{Kitchen, TOPIC_PIZZA, assert_each_once, ticket};
use support::listener_process::{ListenerProcess, run_command};
use support::virtual_printer::Mode;

const PRINT_TIMEOUT: Duration = Duration::from_secs(20);

#[tokio::test]
async fn doctor_passes_and_a_listener_without_a_valid_certificate_is_refused() {
    let kitchen = Kitchen::start(Mode::Ready);

    let good = run_command(&kitchen.config, &["doctor"]);
    let report = String::from_utf8_lossy(&good.stdout);
    assert!(
        good.status.success(),
        "doctor failed on a good setup:\n{report}{}",
        String::from_utf8_lossy(&good.stderr)
    );
    assert!(
        report.contains("ok    broker") && report.contains("ok    printer line"),
        "{report}"
    );

    let rogue = kitchen.write_config("rogue.toml", &kitchen.pki.rogue);
    let doctor = run_command(&rogue, &["doctor"]);
    let report = String::from_utf8_lossy(&doctor.stdout);
    assert!(
        !doctor.status.success(),
        "doctor passed with a certificate from another CA:\n{report}"
    );
    assert!(report.contains("FAIL  broker"), "{report}");

    let listener = ListenerProcess::start(&rogue);
    listener
        .wait_for_log("broker connection failed", 2, Duration::from_secs(10))
        .await;
    let log = listener.log();
    assert!(
        log.contains("refused this listener's certificate"),
        "the log should say why:\n{log}"
    );
    assert!(!log.contains("connected to broker"), "{log}");

    let mut cloud = kitchen.cloud().await;
    let (_, payload) = ticket(1);
    cloud.publish(TOPIC_PIZZA, payload).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        kitchen.printer.job_count(),
        0,
        "a refused listener must print nothing"
    );
}

#[tokio::test]
async fn tickets_published_while_the_listener_is_down_print_once_when_it_is_back() {
    let kitchen = Kitchen::start(Mode::Ready);
    let mut cloud = kitchen.cloud().await;

    // The first run creates the persistent session (and its subscription).
    let mut listener = kitchen.start_listener().await;
    let status = listener.terminate().await;
    assert!(
        status.success(),
        "SIGTERM should stop it cleanly: {status:?}\n{}",
        listener.log()
    );
    assert!(listener.log().contains("stopped"));

    let ids: Vec<String> = (1..=5).map(|n| ticket(n).0).collect();
    for n in 1..=5 {
        cloud.publish(TOPIC_PIZZA, ticket(n).1).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(kitchen.printer.job_count(), 0);

    let listener = kitchen.start_listener().await;
    let counts = kitchen.wait_for_prints(5, PRINT_TIMEOUT, &listener).await;
    assert_each_once(&counts, &ids);
    cloud.wait_for_acks(&ids, PRINT_TIMEOUT).await;
    let ack = cloud
        .acks()
        .into_iter()
        .find(|a| a.ticket_id == ids[0])
        .expect("ack");
    assert_eq!(
        (ack.version, ack.printer.as_str(), ack.station.as_str()),
        (1, "kitchen-r1", "pizza")
    );
}

#[tokio::test]
async fn sigkill_mid_stream_loses_none_and_doubles_none() {
    let kitchen = Kitchen::start(Mode::Ready);
    let mut cloud = kitchen.cloud().await;
    // After 4 jobs the printer stops answering new connections: the listener
    // is then stuck before sending ticket 5, with 4 printed and journaled,
    // and the rest queued at the broker or unacknowledged in flight.
    kitchen.printer.stall_after(Some(4));
    let mut listener = kitchen.start_listener().await;

    let ids: Vec<String> = (1..=12).map(|n| ticket(n).0).collect();
    for n in 1..=12 {
        cloud.publish(TOPIC_PIZZA, ticket(n).1).await;
    }
    let deadline = std::time::Instant::now() + PRINT_TIMEOUT;
    while kitchen.printer.stalled_connections() == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "listener never reached ticket 5:\n{}",
            listener.log()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    listener.kill_hard();
    assert_eq!(kitchen.printer.job_count(), 4);

    kitchen.printer.stall_after(None);
    let listener = kitchen.start_listener().await;
    let counts = kitchen.wait_for_prints(12, PRINT_TIMEOUT, &listener).await;
    assert_each_once(&counts, &ids);
    cloud.wait_for_acks(&ids, PRINT_TIMEOUT).await;
}

#[tokio::test]
async fn a_printer_that_is_off_or_out_of_paper_gets_every_ticket_once_it_is_back() {
    let kitchen = Kitchen::start(Mode::Off);
    let mut cloud = kitchen.cloud().await;
    let listener = kitchen.start_listener().await;

    let ids: Vec<String> = (1..=5).map(|n| ticket(n).0).collect();
    for n in 1..=3 {
        cloud.publish(TOPIC_PIZZA, ticket(n).1).await;
    }
    listener
        .wait_for_log("printer is off or unreachable", 1, PRINT_TIMEOUT)
        .await;

    kitchen.printer.set_mode(Mode::PaperOut);
    listener
        .wait_for_log("out of paper; load a new roll", 1, PRINT_TIMEOUT)
        .await;
    for n in 4..=5 {
        cloud.publish(TOPIC_PIZZA, ticket(n).1).await;
    }
    kitchen.printer.set_mode(Mode::CoverOpen);
    listener
        .wait_for_log("cover is open", 1, PRINT_TIMEOUT)
        .await;
    assert_eq!(
        kitchen.printer.job_count(),
        0,
        "nothing prints while the printer cannot"
    );
    assert!(
        cloud.acks().is_empty(),
        "nothing is acknowledged before it printed"
    );

    kitchen.printer.set_mode(Mode::Ready);
    let counts = kitchen.wait_for_prints(5, PRINT_TIMEOUT, &listener).await;
    assert_each_once(&counts, &ids);
    cloud.wait_for_acks(&ids, PRINT_TIMEOUT).await;
    assert!(listener.log().contains("printer is back"));
}

#[tokio::test]
async fn a_duplicate_prints_once_and_bad_messages_do_not_stop_the_listener() {
    let kitchen = Kitchen::start(Mode::Ready);
    let mut cloud = kitchen.cloud().await;
    let mut listener = kitchen.start_listener().await;

    let (first, payload) = ticket(1);
    cloud.publish(TOPIC_PIZZA, payload.clone()).await;
    cloud.publish(TOPIC_PIZZA, payload).await;
    let mut future = serde_json::from_slice::<serde_json::Value>(&ticket(2).1).expect("json");
    future["version"] = 2.into();
    cloud
        .publish(TOPIC_PIZZA, serde_json::to_vec(&future).expect("json"))
        .await;
    cloud.publish(TOPIC_PIZZA, b"{not a ticket".to_vec()).await;
    let (last, payload) = ticket(3);
    cloud.publish(TOPIC_PIZZA, payload).await;

    let counts = kitchen.wait_for_prints(2, PRINT_TIMEOUT, &listener).await;
    assert_each_once(&counts, &[first.clone(), last.clone()]);
    listener
        .wait_for_log(
            "already printed; acknowledging without printing",
            1,
            PRINT_TIMEOUT,
        )
        .await;
    let log = listener.log();
    assert!(log.contains("ticket version 2 is not supported"), "{log}");
    assert!(log.contains("leaving it unacknowledged"), "{log}");
    assert!(
        log.contains("not a ticket this or any listener can print"),
        "{log}"
    );
    assert!(
        listener.is_running(),
        "bad messages must not stop the listener"
    );
    cloud.wait_for_acks(&[first, last], PRINT_TIMEOUT).await;
    let rejected = std::fs::read_dir(kitchen.dir.path().join("state/rejected"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(rejected, 1, "the malformed message is kept for inspection");
}

/// Prints the idle listener's resident memory and guards against a large
/// regression. For the README figure, measure a release build for longer:
/// `TABLETAP_LISTENER_BIN=<target>/release/tabletap-listener IDLE_SECS=10
/// cargo test -p tabletap-listener --test e2e idle -- --nocapture`.
#[tokio::test]
async fn idle_listener_memory() {
    let kitchen = Kitchen::start(Mode::Ready);
    let listener = kitchen.start_listener().await;
    let idle_secs: f64 = std::env::var("IDLE_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0.5);
    tokio::time::sleep(Duration::from_secs_f64(idle_secs)).await;
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", listener.pid())).expect("proc status");
    let rss_kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS");
    eprintln!(
        "idle listener resident memory: {:.1} MiB (VmRSS after {idle_secs} s connected with nothing to print; {})",
        rss_kib as f64 / 1024.0,
        support::listener_process::binary().display()
    );
    assert!(rss_kib < 64 * 1024, "idle listener uses {rss_kib} KiB");
}

#[tokio::test]
async fn render_and_test_print_commands() {
    let kitchen = Kitchen::start(Mode::Ready);
    let golden = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let out = kitchen.dir.path().join("job.bin");
    let render = run_command(
        &kitchen.config,
        &[
            "render",
            &golden.join("dine_in_accents.json").to_string_lossy(),
            "--out",
            &out.to_string_lossy(),
        ],
    );
    assert!(
        render.status.success(),
        "{}",
        String::from_utf8_lossy(&render.stderr)
    );
    let expected = std::fs::read_to_string(golden.join("dine_in_accents.txt")).expect("golden");
    assert_eq!(String::from_utf8_lossy(&render.stdout), expected);
    let bytes = std::fs::read(&out).expect("ESC/POS file");
    assert_eq!(support::escpos_text::read_jobs(&bytes, 48).len(), 1);

    let test_print = run_command(&kitchen.config, &["test-print"]);
    assert!(
        test_print.status.success(),
        "{}",
        String::from_utf8_lossy(&test_print.stderr)
    );
    let jobs = kitchen.printer.jobs();
    assert_eq!(jobs.len(), 1);
    let text = tabletap_listener::render::preview::to_text(&jobs[0]);
    assert!(
        text.contains("TEST PRINT: Crème brûlée, Jalapeño, Lódz,") && text.contains("12,50 €"),
        "{text}"
    );
}
