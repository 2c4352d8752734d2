//! The SES mailer against moto server: what moto received is exactly what
//! was sent, and refusals are classified.
//!
//! Needs moto; skips with a message without it, fails when `CI` is set:
//!   export TABLETAP_MOTO_ENDPOINT=$(scripts/lib/moto.sh start)
//!   cargo test -p tabletap-mail-ses

use std::time::{SystemTime, UNIX_EPOCH};
use tabletap_app::ports::{DeliveryError, OutgoingEmail, ReceiptMailer};
use tabletap_core::fixtures::{berlin, sample_takeout_order};
use tabletap_mail_ses::SesMailer;
use tabletap_mail_ses::local::{local_client, moto_endpoint, sent_to, verify_domain};

/// Unique per test process: nextest runs tests in parallel against one moto.
fn unique(name: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{name}-{}-{nanos}", std::process::id())
}

fn receipt_to(to: &str) -> OutgoingEmail {
    let receipt = tabletap_receipt::render_receipt(&sample_takeout_order(), &berlin()).unwrap();
    OutgoingEmail {
        to: to.to_owned(),
        subject: receipt.subject,
        html: receipt.html,
        text: receipt.text,
    }
}

#[tokio::test]
async fn sends_the_rendered_receipt_exactly() {
    let Some(endpoint) = moto_endpoint("sends_the_rendered_receipt_exactly") else {
        return;
    };
    let client = local_client(&endpoint);
    let domain = format!("{}.example.com", unique("ses-send"));
    verify_domain(&client, &domain).await.unwrap();
    let from = format!("Trattoria Demo <receipts@{domain}>");
    let to = format!("{}@example.net", unique("giulia"));
    let email = receipt_to(&to);

    let mailer = SesMailer::new(client, from.clone());
    mailer.send(&email).await.unwrap();

    let sent = sent_to(&endpoint, &to).await.unwrap();
    assert_eq!(sent.len(), 1, "{sent:#?}");
    let message = &sent[0];
    assert_eq!(message.source, from);
    assert_eq!(message.destinations.to_addresses, vec![to]);
    assert!(message.destinations.cc_addresses.is_empty());
    assert!(message.destinations.bcc_addresses.is_empty());
    assert_eq!(message.subject, "Your order T-007 at Trattoria Demo");
    assert_eq!(message.subject, email.subject);
    // moto keeps the HTML part only; it arrives byte for byte.
    assert_eq!(message.body, email.html);
    assert!(message.body.contains("21,50\u{a0}€"));
}

#[tokio::test]
async fn unverified_sender_is_a_permanent_failure() {
    let Some(endpoint) = moto_endpoint("unverified_sender_is_a_permanent_failure") else {
        return;
    };
    let from = format!("receipts@{}.example.com", unique("ses-unverified"));
    let to = format!("{}@example.net", unique("nobody"));
    let mailer = SesMailer::new(local_client(&endpoint), from.clone());

    let error = mailer.send(&receipt_to(&to)).await.unwrap_err();
    let DeliveryError::Permanent(cause) = &error else {
        panic!("expected a permanent failure, got {error:?}");
    };
    let message = format!("{cause:#}");
    eprintln!("what the on-call engineer reads: {message}");
    assert!(message.contains(&from), "{message}");
    assert!(message.contains("MessageRejected"), "{message}");
    assert!(message.contains("verified"), "{message}");
    assert!(sent_to(&endpoint, &to).await.unwrap().is_empty());
}

/// No moto needed: nothing listens on the port, which is what an outage
/// looks like from the Lambda.
#[tokio::test]
async fn unreachable_ses_is_retryable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let mailer = SesMailer::new(
        local_client(&format!("http://127.0.0.1:{port}")),
        "receipts@example.com",
    );
    let error = mailer
        .send(&receipt_to("someone@example.net"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, DeliveryError::Retryable(_)),
        "expected retryable, got {error:?}"
    );
    assert!(error.to_string().contains("will be retried"), "{error}");
}
