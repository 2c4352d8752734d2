//! Local mode's mail service: each receipt becomes an `.eml` file (a
//! complete MIME message with HTML and text parts) in the outbox folder, to
//! open in any mail program.

use anyhow::Context;
use async_trait::async_trait;
use mail_builder::MessageBuilder;
use mail_builder::headers::address::Address;
use std::path::PathBuf;
use tabletap_app::ports::{DeliveryError, OutgoingEmail, ReceiptMailer};

pub struct Outbox {
    dir: PathBuf,
    from: Sender,
}

/// The From of every receipt: `Name <address>` or a bare address.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Sender {
    name: Option<String>,
    address: String,
}

impl Sender {
    fn parse(text: &str) -> anyhow::Result<Self> {
        let text = text.trim();
        let (name, address) = match text.strip_suffix('>').and_then(|t| t.rsplit_once('<')) {
            Some((name, address)) => {
                let name = name.trim().trim_matches('"').trim();
                ((!name.is_empty()).then(|| name.to_owned()), address.trim())
            }
            None => (None, text),
        };
        let valid = address
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
            && !address.contains(|c: char| c.is_whitespace() || "<>\",".contains(c));
        anyhow::ensure!(
            valid,
            "the receipt sender {text:?} is not an email address: use `Name <name@example.com>` or `name@example.com`"
        );
        Ok(Self {
            name,
            address: address.to_owned(),
        })
    }
}

impl Outbox {
    pub fn new(dir: PathBuf, from: &str) -> anyhow::Result<Self> {
        let from = Sender::parse(from)?;
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create the outbox {}", dir.display()))?;
        Ok(Self { dir, from })
    }
}

#[async_trait]
impl ReceiptMailer for Outbox {
    async fn send(&self, email: &OutgoingEmail) -> Result<(), DeliveryError> {
        let message = MessageBuilder::new()
            .from(match &self.from.name {
                Some(name) => Address::new_address(Some(name.as_str()), self.from.address.as_str()),
                None => Address::new_address(None::<&str>, self.from.address.as_str()),
            })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn senders_are_parsed_into_name_and_address() {
        let named = Sender::parse("TableTap receipts <receipts@tabletap.local>").unwrap();
        assert_eq!(named.name.as_deref(), Some("TableTap receipts"));
        assert_eq!(named.address, "receipts@tabletap.local");
        let bare = Sender::parse("orders@trattoria.example").unwrap();
        assert_eq!(
            (bare.name, bare.address.as_str()),
            (None, "orders@trattoria.example")
        );
        for bad in ["", "TableTap", "Name <not an address>", "a@b"] {
            assert!(Sender::parse(bad).is_err(), "{bad:?} is refused");
        }
    }

    #[tokio::test]
    async fn a_receipt_has_one_valid_from_header() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::new(
            dir.path().to_owned(),
            "TableTap receipts <receipts@tabletap.local>",
        )
        .unwrap();
        outbox
            .send(&OutgoingEmail {
                to: "anna@example.com".into(),
                subject: "Your order".into(),
                html: "<p>Thanks</p>".into(),
                text: "Thanks".into(),
            })
            .await
            .unwrap();
        let file = std::fs::read_dir(dir.path())
            .unwrap()
            .next()
            .unwrap()
            .unwrap();
        let message = std::fs::read_to_string(file.path()).unwrap();
        let from: Vec<&str> = message.lines().filter(|l| l.starts_with("From:")).collect();
        assert_eq!(
            from,
            ["From: \"TableTap receipts\" <receipts@tabletap.local>"]
        );
    }
}
