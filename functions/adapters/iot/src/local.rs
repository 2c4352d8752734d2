//! Testing against moto server, the local stand-in for the IoT data plane
//! (enabled with the `local` feature; never in a Lambda). The client built
//! here can only reach the given endpoint: static dummy credentials, no
//! environment or profile lookup.
//!
//! moto keeps no state for a publish; its request recorder
//! (`tabletap_aws_local::recorder`) is how tests see them.

use anyhow::Context;
use aws_sdk_iotdataplane::Client;
pub use tabletap_aws_local::recorder::{RecordedRequest, recorded_requests, start_recording};
pub use tabletap_aws_local::{MOTO_ENDPOINT_VAR as ENDPOINT_VAR, moto_endpoint};

/// An IoT data plane client for the moto server at `endpoint`.
pub fn local_client(endpoint: &str) -> Client {
    Client::new(&tabletap_aws_local::sdk_config(endpoint))
}

/// One `Publish` request as moto's recorder saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedPublish {
    pub topic: String,
    /// The `qos` query parameter, when the request carried one.
    pub qos: Option<u8>,
    pub payload: Vec<u8>,
}

/// Every publish recorded since moto started (all tests'), oldest first.
pub async fn recorded_publishes(endpoint: &str) -> anyhow::Result<Vec<RecordedPublish>> {
    let mut publishes = Vec::new();
    for request in recorded_requests(endpoint).await? {
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
    let payload = request.body_bytes()?;
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
