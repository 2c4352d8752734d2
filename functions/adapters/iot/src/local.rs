//! Testing against moto server, the local stand-in for the IoT data plane
//! (enabled with the `local` feature; never in a Lambda). The client built
//! here can only reach the given endpoint: static dummy credentials, no
//! environment or profile lookup.
//!
//! moto keeps no state for a publish; its request recorder is how tests see
//! them. `scripts/lib/moto.sh` starts moto with the recorder on and nobody
//! stops or resets it, so tests running in parallel each filter the one
//! shared recording by a topic of their own.

use anyhow::{Context, bail};
use aws_sdk_iotdataplane::Client;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;

pub use tabletap_aws_local::{MOTO_ENDPOINT_VAR as ENDPOINT_VAR, moto_endpoint};

const HOW_TO_START: &str = "start it with `export TABLETAP_MOTO_ENDPOINT=$(scripts/lib/moto.sh start)` (scripts/test.sh does this)";

/// An IoT data plane client for the moto server at `endpoint`.
pub fn local_client(endpoint: &str) -> Client {
    Client::new(&tabletap_aws_local::sdk_config(endpoint))
}

fn url(endpoint: &str, path: &str) -> String {
    format!("{}{path}", endpoint.trim_end_matches('/'))
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

/// One `Publish` request as moto's recorder saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedPublish {
    pub topic: String,
    /// The `qos` query parameter, when the request carried one.
    pub qos: Option<u8>,
    pub payload: Vec<u8>,
}

#[derive(Deserialize)]
struct RecordedRequest {
    method: String,
    url: String,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    body_encoded: bool,
}

/// Every publish recorded since moto started (all tests'), oldest first.
pub async fn recorded_publishes(endpoint: &str) -> anyhow::Result<Vec<RecordedPublish>> {
    let url = url(endpoint, "/moto-api/recorder/download-recording");
    let response = reqwest::get(&url)
        .await
        .with_context(|| format!("cannot read {url}; is moto running? {HOW_TO_START}"))?;
    if !response.status().is_success() {
        bail!("{url} answered {}", response.status());
    }
    let recording = response.text().await?;
    let mut publishes = Vec::new();
    for line in recording.lines().filter(|l| !l.trim().is_empty()) {
        let request: RecordedRequest = serde_json::from_str(line)
            .with_context(|| format!("a line of moto's recording is not JSON: {line}"))?;
        if let Some(publish) = parse_publish(&request)? {
            publishes.push(publish);
        }
    }
    Ok(publishes)
}

/// The publishes to exactly `topic`, oldest first.
pub async fn recorded_publishes_to(
    endpoint: &str,
    topic: &str,
) -> anyhow::Result<Vec<RecordedPublish>> {
    Ok(recorded_publishes(endpoint)
        .await?
        .into_iter()
        .filter(|p| p.topic == topic)
        .collect())
}

/// `POST http://host/topics/<url-encoded topic>?qos=1`, body base64 when
/// `body_encoded`; anything else (other services, moto-api) is `None`.
fn parse_publish(request: &RecordedRequest) -> anyhow::Result<Option<RecordedPublish>> {
    if request.method != "POST" {
        return Ok(None);
    }
    // Drop "scheme://host" if present: the recorder stores the raw URL.
    let path_and_query = match request.url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
        None => request.url.as_str(),
    };
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let Some(encoded_topic) = path.strip_prefix("/topics/") else {
        return Ok(None);
    };
    let topic = percent_encoding::percent_decode_str(encoded_topic)
        .decode_utf8()
        .with_context(|| format!("topic in {} is not UTF-8", request.url))?
        .into_owned();
    let qos = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("qos="))
        .and_then(|q| q.parse().ok());
    let body = request.body.as_deref().unwrap_or("");
    let payload = if request.body_encoded {
        STANDARD
            .decode(body)
            .with_context(|| format!("body of {} is not base64", request.url))?
    } else {
        body.as_bytes().to_vec()
    };
    Ok(Some(RecordedPublish {
        topic,
        qos,
        payload,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_recorded_publish() {
        let request = RecordedRequest {
            method: "POST".into(),
            url: "http://127.0.0.1:5055/topics/tabletap%2Fdemo%2Fkitchen%2Fpizza?qos=1".into(),
            body: Some("AAFoaQ==".into()),
            body_encoded: true,
        };
        assert_eq!(
            parse_publish(&request).unwrap(),
            Some(RecordedPublish {
                topic: "tabletap/demo/kitchen/pizza".into(),
                qos: Some(1),
                payload: vec![0, 1, b'h', b'i'],
            })
        );
        let other = RecordedRequest {
            method: "POST".into(),
            url: "http://127.0.0.1:5055/v2/email/outbound-emails".into(),
            body: None,
            body_encoded: false,
        };
        assert_eq!(parse_publish(&other).unwrap(), None);
    }
}
