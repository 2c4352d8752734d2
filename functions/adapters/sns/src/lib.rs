//! Delivery alerts to the ops SNS topic: the [`DeliveryAlertSink`] port for
//! AWS. The redelivery sweep raises one alert per ticket still unprinted
//! [`ALERT_AFTER`](tabletap_app::ticket_delivery::ALERT_AFTER) after its
//! first publish; the message names the restaurant, the order, the ticket
//! and what to check, and carries the alert as JSON for tools. Message
//! attributes `restaurant_id` and `order_id` let a subscription filter by
//! restaurant (an email per restaurant manager, say).

#[cfg(feature = "local")]
pub mod local;

use anyhow::anyhow;
use async_trait::async_trait;
use aws_sdk_sns::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_sns::types::MessageAttributeValue;
use tabletap_app::ports::DeliveryError;
use tabletap_app::ticket_delivery::{DeliveryAlert, DeliveryAlertSink};

/// Publishes to one topic (the stack's `OpsAlertsTopic`).
#[derive(Clone, Debug)]
pub struct SnsAlerts {
    client: aws_sdk_sns::Client,
    topic_arn: String,
}

impl SnsAlerts {
    pub fn new(client: aws_sdk_sns::Client, topic_arn: impl Into<String>) -> Self {
        Self {
            client,
            topic_arn: topic_arn.into(),
        }
    }
}

/// The subject line (SNS allows 100 ASCII characters; ids are ASCII).
pub fn subject(alert: &DeliveryAlert) -> String {
    let mut subject = format!(
        "TableTap {}: a kitchen ticket has not printed",
        alert.restaurant_id
    );
    subject.truncate(100);
    subject
}

/// The message a person reads, then the alert as one JSON line.
pub fn message(alert: &DeliveryAlert) -> String {
    let minutes = alert
        .alerted_at
        .duration_since(alert.first_sent_at)
        .as_secs()
        / 60;
    let json = serde_json::to_string(alert).expect("an alert serializes");
    format!(
        "Restaurant {restaurant}: ticket {ticket} of order {order} (station {station}) has not \
         printed {minutes} min after it was first sent ({attempts} attempts).\n\
         Check the kitchen PC: is tabletap-listener running and connected, is the printer on, \
         with paper and its cover shut? TableTap keeps sending the ticket until the printer \
         confirms it; the alert clears on the staff board when it prints.\n\n{json}\n",
        restaurant = alert.restaurant_id,
        ticket = alert.ticket_id,
        order = alert.order_id,
        station = alert.station,
        attempts = alert.attempts,
    )
}

fn attribute(value: &str) -> MessageAttributeValue {
    MessageAttributeValue::builder()
        .data_type("String")
        .string_value(value)
        .build()
        .expect("data type is set")
}

#[async_trait]
impl DeliveryAlertSink for SnsAlerts {
    async fn raise(&self, alert: &DeliveryAlert) -> Result<(), DeliveryError> {
        self.client
            .publish()
            .topic_arn(&self.topic_arn)
            .subject(subject(alert))
            .message(message(alert))
            .message_attributes("restaurant_id", attribute(alert.restaurant_id.as_str()))
            .message_attributes("order_id", attribute(alert.order_id.as_str()))
            .send()
            .await
            .map(|_| ())
            .map_err(|error| classify(error, &self.topic_arn))
    }
}

/// Throttling, 5xx and transport failures are worth a retry; anything else
/// (no such topic, not authorized) needs a deployment fix.
fn classify<
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
>(
    error: SdkError<E, R>,
    topic_arn: &str,
) -> DeliveryError {
    let what = format!("the delivery alert was not published to {topic_arn}");
    let transient = match &error {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            true
        }
        SdkError::ServiceError(e) => matches!(
            e.err().code(),
            Some("Throttling" | "ThrottledException" | "InternalError" | "ServiceUnavailable")
        ),
        _ => false,
    };
    let detail = DisplayErrorContext(&error).to_string();
    if transient {
        DeliveryError::Retryable(anyhow!(
            "{what}: {detail}; SNS is busy or away (the alert is still on the staff board and in the log)"
        ))
    } else {
        DeliveryError::Permanent(anyhow!(
            "{what}: {detail}; check the function's sns:Publish permission and TABLETAP_OPS_TOPIC_ARN"
        ))
    }
}
