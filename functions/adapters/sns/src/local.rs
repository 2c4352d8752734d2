//! Testing against moto server, the local stand-in for SNS (the `local`
//! feature; never in a Lambda). moto keeps a topic's messages only for its
//! subscriptions, so tests read what was published from moto's request
//! recorder, which `scripts/lib/moto.sh` starts with recording on; tests
//! in parallel filter the one shared recording by a topic of their own.

use anyhow::Context;
use aws_sdk_sns::Client;
use tabletap_aws_local::recorder::{RecordedRequest, recorded_requests};

/// An SNS client for the moto server at `endpoint`: static dummy
/// credentials, no environment or profile lookup.
pub fn local_client(endpoint: &str) -> Client {
    Client::new(&tabletap_aws_local::sdk_config(endpoint))
}

/// Creates a topic and returns its ARN.
pub async fn create_topic(client: &Client, name: &str) -> anyhow::Result<String> {
    let topic = client.create_topic().name(name).send().await?;
    topic.topic_arn.context("moto returned no topic ARN")
}

/// One `Publish` as moto's recorder saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedMessage {
    pub topic_arn: String,
    pub subject: Option<String>,
    pub message: String,
    /// `(name, string value)` of each message attribute.
    pub attributes: Vec<(String, String)>,
}

/// The messages published to `topic_arn` since moto started, oldest first.
pub async fn recorded_messages_to(
    endpoint: &str,
    topic_arn: &str,
) -> anyhow::Result<Vec<RecordedMessage>> {
    Ok(recorded_requests(endpoint)
        .await?
        .iter()
        .filter_map(parse_publish)
        .filter(|message| message.topic_arn == topic_arn)
        .collect())
}

/// SNS's query protocol: a form body with `Action=Publish` (the recorder
/// keeps it base64-encoded when `body_encoded`).
fn parse_publish(request: &RecordedRequest) -> Option<RecordedMessage> {
    if request.method != "POST" {
        return None;
    }
    let body = request.body_bytes().ok()?;
    let fields: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| {
        fields
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    };
    if field("Action").as_deref() != Some("Publish") {
        return None;
    }
    let mut attributes = Vec::new();
    for n in 1.. {
        let Some(name) = field(&format!("MessageAttributes.entry.{n}.Name")) else {
            break;
        };
        let value =
            field(&format!("MessageAttributes.entry.{n}.Value.StringValue")).unwrap_or_default();
        attributes.push((name, value));
    }
    Some(RecordedMessage {
        topic_arn: field("TopicArn")?,
        subject: field("Subject"),
        message: field("Message")?,
        attributes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_recorded_publish() {
        let request = RecordedRequest {
            method: "POST".into(),
            url: "http://127.0.0.1:5055/".into(),
            body: Some(
                "Action=Publish&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A1%3Aops\
                 &Subject=TableTap+demo&Message=line+one%0Aline+two\
                 &MessageAttributes.entry.1.Name=restaurant_id\
                 &MessageAttributes.entry.1.Value.DataType=String\
                 &MessageAttributes.entry.1.Value.StringValue=demo"
                    .into(),
            ),
            body_encoded: false,
        };
        assert_eq!(
            parse_publish(&request),
            Some(RecordedMessage {
                topic_arn: "arn:aws:sns:us-east-1:1:ops".into(),
                subject: Some("TableTap demo".into()),
                message: "line one\nline two".into(),
                attributes: vec![("restaurant_id".into(), "demo".into())],
            })
        );
        let other = RecordedRequest {
            method: "POST".into(),
            url: "http://127.0.0.1:5055/".into(),
            body: Some("Action=CreateTopic&Name=ops".into()),
            body_encoded: false,
        };
        assert_eq!(parse_publish(&other), None);
        let encoded = RecordedRequest {
            method: "POST".into(),
            url: "http://127.0.0.1:5055/".into(),
            // base64 of "Action=Publish&TopicArn=t&Message=hi"
            body: Some("QWN0aW9uPVB1Ymxpc2gmVG9waWNBcm49dCZNZXNzYWdlPWhp".into()),
            body_encoded: true,
        };
        assert_eq!(
            parse_publish(&encoded).map(|m| m.message),
            Some("hi".to_owned())
        );
    }
}
