//! Testing against moto server, the local stand-in for SES v2 (enabled with
//! the `local` feature; never in a Lambda). The client built here can only
//! reach the given endpoint: static dummy credentials, no environment or
//! profile lookup, so a test can never send real mail.

use anyhow::{Context, bail};
use aws_sdk_sesv2::Client;
use serde::Deserialize;

pub use tabletap_aws_local::{MOTO_ENDPOINT_VAR as ENDPOINT_VAR, moto_endpoint};

const HOW_TO_START: &str = "start it with `export TABLETAP_MOTO_ENDPOINT=$(scripts/lib/moto.sh start)` (scripts/test.sh does this)";

/// An SES v2 client for the moto server at `endpoint`.
pub fn local_client(endpoint: &str) -> Client {
    Client::new(&tabletap_aws_local::sdk_config(endpoint))
}

/// Makes `domain` a sending identity (moto verifies it at once). Safe to
/// call from several tests at the same time.
pub async fn verify_domain(client: &Client, domain: &str) -> anyhow::Result<()> {
    match client
        .create_email_identity()
        .email_identity(domain)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e)
            if e.as_service_error()
                .is_some_and(|e| e.is_already_exists_exception()) =>
        {
            Ok(())
        }
        Err(e) => Err(anyhow::Error::new(e).context(format!(
            "cannot create the SES identity {domain} on moto; is it running? {HOW_TO_START}"
        ))),
    }
}

/// One message as moto recorded it. moto keeps only the HTML body when a
/// message has both parts, so the text part cannot be checked here.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct SentMessage {
    pub id: String,
    /// The From header as sent (`"Name <address>"` or a bare address).
    pub source: String,
    pub destinations: Destinations,
    pub subject: String,
    pub body: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Destinations {
    #[serde(default)]
    pub to_addresses: Vec<String>,
    #[serde(default)]
    pub cc_addresses: Vec<String>,
    #[serde(default)]
    pub bcc_addresses: Vec<String>,
}

#[derive(Deserialize)]
struct MotoData {
    #[serde(default)]
    ses: SesData,
}

#[derive(Default, Deserialize)]
struct SesData {
    #[serde(rename = "Message", default)]
    messages: Vec<SentMessage>,
}

/// Every message moto's SES has accepted since it started (all tests' mail:
/// filter by a recipient address unique to your test), oldest first.
pub async fn sent_messages(endpoint: &str) -> anyhow::Result<Vec<SentMessage>> {
    let url = format!("{}/moto-api/data.json", endpoint.trim_end_matches('/'));
    let response = reqwest::get(&url)
        .await
        .with_context(|| format!("cannot read {url}; is moto running? {HOW_TO_START}"))?;
    if !response.status().is_success() {
        bail!("{url} answered {}", response.status());
    }
    let data: MotoData = response
        .json()
        .await
        .with_context(|| format!("{url} is not the JSON moto writes"))?;
    Ok(data.ses.messages)
}

/// The messages sent to `address`, oldest first.
pub async fn sent_to(endpoint: &str, address: &str) -> anyhow::Result<Vec<SentMessage>> {
    Ok(sent_messages(endpoint)
        .await?
        .into_iter()
        .filter(|m| m.destinations.to_addresses.iter().any(|a| a == address))
        .collect())
}
