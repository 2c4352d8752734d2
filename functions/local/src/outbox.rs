//! Local mode's mail service: each receipt becomes an `.eml` file (a
//! complete MIME message with HTML and text parts) in the outbox folder, to
//! open in any mail program.

use anyhow::Context;
use async_trait::async_trait;
use mail_builder::MessageBuilder;
use std::path::PathBuf;
use tabletap_app::ports::{DeliveryError, OutgoingEmail, ReceiptMailer};

pub struct Outbox {
    dir: PathBuf,
    from: String,
}

impl Outbox {
    pub fn new(dir: PathBuf, from: impl Into<String>) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create the outbox {}", dir.display()))?;
        Ok(Self {
            dir,
            from: from.into(),
        })
    }
}

#[async_trait]
impl ReceiptMailer for Outbox {
    async fn send(&self, email: &OutgoingEmail) -> Result<(), DeliveryError> {
        let message = MessageBuilder::new()
            .from(self.from.as_str())
            .to(email.to.as_str())
            .subject(email.subject.as_str())
            .text_body(email.text.as_str())
            .html_body(email.html.as_str())
            .write_to_vec()
            .map_err(|e| DeliveryError::Permanent(e.into()))?;
        // Time-ordered names; the random part keeps two receipts in one
        // millisecond apart.
        let name = format!(
            "{}-{:08x}.eml",
            jiff::Timestamp::now().strftime("%Y%m%dT%H%M%S%.3fZ"),
            rand_suffix()
        );
        let path = self.dir.join(name);
        let temporary = path.with_extension("eml.tmp");
        // Write, then rename: a reader never sees half a message.
        tokio::fs::write(&temporary, &message)
            .await
            .and(tokio::fs::rename(&temporary, &path).await)
            .map_err(|e| {
                DeliveryError::Retryable(
                    anyhow::Error::new(e)
                        .context(format!("cannot write the receipt to {}", path.display())),
                )
            })?;
        tracing::info!(to = %email.to, file = %path.display(), "receipt written to the outbox");
        Ok(())
    }
}

fn rand_suffix() -> u32 {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).unwrap_or_default();
    u32::from_le_bytes(bytes)
}
