//! Receipts by Amazon SES v2: the [`ReceiptMailer`] port for AWS.
//!
//! One `SendEmail` per receipt with "Simple" content (SES builds the MIME
//! message): subject, HTML and plain-text parts, all UTF-8.

mod errors;
#[cfg(feature = "local")]
pub mod local;

use async_trait::async_trait;
use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};
use tabletap_app::ports::{DeliveryError, OutgoingEmail, ReceiptMailer};

pub use errors::classify_send_error;

/// Sends from one verified SES identity (`from`, e.g.
/// `"Trattoria Demo <receipts@example.com>"`), optionally through a
/// configuration set for bounce and complaint events.
#[derive(Clone, Debug)]
pub struct SesMailer {
    pub client: aws_sdk_sesv2::Client,
    pub from: String,
    pub configuration_set: Option<String>,
}

impl SesMailer {
    pub fn new(client: aws_sdk_sesv2::Client, from: impl Into<String>) -> Self {
        Self {
            client,
            from: from.into(),
            configuration_set: None,
        }
    }
}

fn utf8(data: &str) -> Result<Content, DeliveryError> {
    Content::builder()
        .data(data)
        .charset("UTF-8")
        .build()
        .map_err(|e| DeliveryError::Permanent(anyhow::anyhow!("cannot build the email: {e}")))
}

#[async_trait]
impl ReceiptMailer for SesMailer {
    async fn send(&self, email: &OutgoingEmail) -> Result<(), DeliveryError> {
        let message = Message::builder()
            .subject(utf8(&email.subject)?)
            .body(
                Body::builder()
                    .html(utf8(&email.html)?)
                    .text(utf8(&email.text)?)
                    .build(),
            )
            .build();
        self.client
            .send_email()
            .from_email_address(&self.from)
            .destination(Destination::builder().to_addresses(&email.to).build())
            .content(EmailContent::builder().simple(message).build())
            .set_configuration_set_name(self.configuration_set.clone())
            .send()
            .await
            .map(|_| ())
            .map_err(|error| classify_send_error(error, &self.from, &email.to))
    }
}
