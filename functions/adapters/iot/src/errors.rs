//! Which IoT data plane failures are worth retrying.
//!
//! Retryable: throttling, InternalFailure, 5xx, timeouts, network failures,
//! unreadable responses. Permanent: a request IoT refuses as invalid (a bad
//! topic, a payload over 128 KB), a method not allowed, and Unauthorized or
//! Forbidden: the function's IAM policy does not allow this topic, which
//! only a deployment fixes, so fail fast to the on-failure queue and alarm.

use anyhow::anyhow;
use aws_sdk_iotdataplane::config::http::HttpResponse;
use aws_sdk_iotdataplane::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_iotdataplane::operation::publish::PublishError;
use tabletap_app::ports::DeliveryError;

/// Maps a failed `Publish` to a [`DeliveryError`] whose message says what
/// happened and what to do.
pub fn classify_publish_error(
    error: SdkError<PublishError, HttpResponse>,
    topic: &str,
) -> DeliveryError {
    let what = format!("IoT Core did not take the kitchen ticket for {topic}");
    let detail = describe(&error);
    let status = error.raw_response().map(|r| r.status().as_u16());
    let service = match &error {
        SdkError::ServiceError(e) => e.err(),
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            return DeliveryError::Retryable(anyhow!(
                "{what}: IoT Core could not be reached or did not answer in time ({detail}); it will be retried"
            ));
        }
        _ => {
            return DeliveryError::Permanent(anyhow!(
                "{what}: the request could not be built ({detail}); this is a bug in TableTap"
            ));
        }
    };
    use PublishError as E;
    let permanent = |advice: &str| DeliveryError::Permanent(anyhow!("{what}: {detail}; {advice}"));
    let retryable = || {
        DeliveryError::Retryable(anyhow!(
            "{what}: {detail}; IoT Core is busy or failing, it will be retried"
        ))
    };
    match service {
        E::ThrottlingException(_) | E::InternalFailureException(_) => retryable(),
        E::UnauthorizedException(_) => permanent(
            "the dispatch function may not publish here: check its IAM policy (iot:Publish on tabletap/*/kitchen/*) and the data endpoint",
        ),
        E::InvalidRequestException(_) | E::MethodNotAllowedException(_) => {
            permanent("IoT Core refused the request (check the topic name and payload size)")
        }
        other => {
            let transient = matches!(
                other.code(),
                Some("Throttling" | "ServiceUnavailable" | "RequestTimeout" | "ExpiredToken")
            );
            if transient || status.is_some_and(|s| s == 429 || s >= 500) {
                retryable()
            } else if other.code() == Some("ForbiddenException") || status == Some(403) {
                permanent(
                    "the dispatch function may not publish here: check its IAM policy and the data endpoint",
                )
            } else {
                permanent("check the dispatch function's IoT settings")
            }
        }
    }
}

/// One readable line: the service's error code and message (with the HTTP
/// status), or the cause chain of a transport failure. Never the raw
/// response dump the SDK's Debug output would give.
fn describe(error: &SdkError<PublishError, HttpResponse>) -> String {
    match error {
        SdkError::ServiceError(e) => format!(
            "{}: {} (HTTP {})",
            e.err().code().unwrap_or("UnknownError"),
            e.err().message().unwrap_or("no message"),
            e.raw().status().as_u16()
        ),
        other => DisplayErrorContext(other).to_string(),
    }
}
