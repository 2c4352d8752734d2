//! A valid, verified Stripe event logs no ERROR under the Lambda log setup:
//! the stripe-webhook function checks the signature itself (HMAC-SHA256 in
//! functions/adapters/stripe) and reads the event with serde, so a payload
//! of another API version is handled without an error line in CloudWatch.

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
