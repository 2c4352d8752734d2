//! moto's request recorder: moto keeps no state for an IoT publish, and an
//! SNS message only for its subscriptions, so tests read what was sent from
//! the recording. `scripts/lib/moto.sh` starts moto with it on and nobody
//! stops or resets it, so tests running in parallel each filter the one
//! shared recording by a topic of their own.

use anyhow::{Context, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;

const HOW_TO_START: &str = "start it with `export TABLETAP_MOTO_ENDPOINT=$(scripts/lib/moto.sh start)` (scripts/test.sh does this)";

fn url(endpoint: &str, path: &str) -> String {
    format!("{}{path}", endpoint.trim_end_matches('/'))
}

/// One request as moto's recorder saw it.
#[derive(Clone, Debug, Deserialize)]
pub struct RecordedRequest {
    pub method: String,
    /// The raw URL, with or without `scheme://host`.
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub body: Option<String>,
    /// The body is base64 (moto does this for any body it did not take as text).
    #[serde(default)]
    pub body_encoded: bool,
}

impl RecordedRequest {
    /// The body as sent.
    pub fn body_bytes(&self) -> anyhow::Result<Vec<u8>> {
        let body = self.body.as_deref().unwrap_or("");
        if self.body_encoded {
            STANDARD
                .decode(body)
                .with_context(|| format!("body of {} is not base64", self.url))
        } else {
            Ok(body.as_bytes().to_vec())
        }
    }
}

/// Turns moto's recorder on. Idempotent and safe to call from many tests at
/// once: it only sets a flag and never clears what was recorded. (Do not
/// call `stop-recording` or `reset-recording`: other tests share it.)
pub async fn start_recording(endpoint: &str) -> anyhow::Result<()> {
    let url = url(endpoint, "/moto-api/recorder/start-recording");
    let response = reqwest::Client::new()
        .post(&url)
        .send()
        .await
        .with_context(|| format!("cannot reach {url}; is moto running? {HOW_TO_START}"))?;
    if !response.status().is_success() {
        bail!("{url} answered {}", response.status());
    }
    Ok(())
}

/// Every request recorded since moto started (all tests'), oldest first.
pub async fn recorded_requests(endpoint: &str) -> anyhow::Result<Vec<RecordedRequest>> {
    let url = url(endpoint, "/moto-api/recorder/download-recording");
    let response = reqwest::get(&url)
        .await
        .with_context(|| format!("cannot read {url}; is moto running? {HOW_TO_START}"))?;
    if !response.status().is_success() {
        bail!("{url} answered {}", response.status());
    }
    let recording = response.text().await?;
    recording
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            serde_json::from_str(line)
                .with_context(|| format!("a line of moto's recording is not JSON: {line}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::RecordedRequest;

    #[test]
    fn a_base64_body_is_decoded_and_a_text_body_kept() {
        let encoded = RecordedRequest {
            method: "POST".into(),
            url: "http://127.0.0.1:5055/topics/t".into(),
            body: Some("AAFoaQ==".into()),
            body_encoded: true,
        };
        assert_eq!(encoded.body_bytes().unwrap(), vec![0, 1, b'h', b'i']);
        let text = RecordedRequest {
            body: Some("Action=Publish".into()),
            body_encoded: false,
            ..encoded
        };
        assert_eq!(text.body_bytes().unwrap(), b"Action=Publish");
    }
}
