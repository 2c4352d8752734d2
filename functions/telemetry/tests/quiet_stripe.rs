//! A valid, verified Stripe event logs no ERROR. async-stripe-webhook's
//! typed parser fails on a payload trimmed to Stripe's documented shape (or
//! of another API version) and logs that at ERROR before our own reader
//! handles the event; the Lambda log setup turns that span off.

use std::io::Write;
use std::sync::{Arc, Mutex};
use tabletap_app::payments::WebhookVerifier;
use tabletap_core::Timestamp;
use tabletap_payments_stripe::{StripeWebhookVerifier, sign_payload};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

fn verify_sample_event() {
    let payload = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../events/stripe/payment_intent.succeeded.json"
    ))
    .unwrap();
    let now = Timestamp::now();
    let signature = sign_payload(&payload, "whsec_test_tabletap", now);
    let event = StripeWebhookVerifier::new("whsec_test_tabletap")
        .verify(&payload, Some(&signature), now)
        .expect("a validly signed event is accepted");
    assert_eq!(event.id, "evt_test_succeeded_t007");
}

fn error_lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| l.contains("\"level\":\"ERROR\""))
        .collect()
}

#[test]
fn a_valid_event_logs_no_error_with_the_lambda_log_setup() {
    let captured = Captured::default();
    tracing::subscriber::with_default(
        tabletap_telemetry::subscriber(captured.clone()),
        verify_sample_event,
    );
    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert_eq!(error_lines(&text), Vec::<&str>::new());
}

#[test]
fn without_the_quiet_directive_the_library_would_log_an_error() {
    // The same event under a plain JSON logger: proves the directive is
    // what keeps the ERROR out, not a change in the library.
    let captured = Captured::default();
    let plain = tracing_subscriber::fmt()
        .json()
        .with_writer(captured.clone())
        .with_max_level(tracing::Level::INFO)
        .finish();
    tracing::subscriber::with_default(plain, verify_sample_event);
    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert_eq!(error_lines(&text).len(), 1, "{text}");
}
