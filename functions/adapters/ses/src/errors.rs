//! Which SES failures are worth retrying.
//!
//! Retryable: throttling (TooManyRequests), the sending quota
//! (LimitExceeded, which refills with time), 5xx, timeouts, network
//! failures, unreadable responses. Permanent: everything that needs a person
//! to change something: a rejected message or recipient, an unverified
//! sender or MAIL FROM domain, a bad request, a missing configuration set,
//! and also a suspended account or paused sending. The last two do clear
//! eventually, but only after someone acts (AWS review, an operator
//! re-enabling sending), which takes longer than a stream retries; failing
//! fast sends the record to the on-failure queue and raises the alarm,
//! from where it can be replayed.

use anyhow::anyhow;
use aws_sdk_sesv2::config::http::HttpResponse;
use aws_sdk_sesv2::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_sesv2::operation::send_email::SendEmailError;
use tabletap_app::ports::DeliveryError;

/// Maps a failed `SendEmail` to a [`DeliveryError`] whose message says what
/// happened and what to do.
pub fn classify_send_error(
    error: SdkError<SendEmailError, HttpResponse>,
    from: &str,
    to: &str,
) -> DeliveryError {
    let what = format!("SES did not send the receipt from {from} to {to}");
    let detail = describe(&error);
    let service = match &error {
        SdkError::ServiceError(e) => e.err(),
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            return DeliveryError::Retryable(anyhow!(
                "{what}: SES could not be reached or did not answer in time ({detail}); it will be retried"
            ));
        }
        // We could not even build the request: retrying builds the same one.
        _ => {
            return DeliveryError::Permanent(anyhow!(
                "{what}: the request could not be built ({detail}); this is a bug in TableTap"
            ));
        }
    };
    use SendEmailError as E;
    let permanent = |advice: &str| DeliveryError::Permanent(anyhow!("{what}: {detail}; {advice}"));
    let retryable =
        || DeliveryError::Retryable(anyhow!("{what}: {detail}; SES is busy, it will be retried"));
    match service {
        E::TooManyRequestsException(_) | E::LimitExceededException(_) => retryable(),
        E::MessageRejected(_) => permanent(
            "SES refused this message: check that the sender identity is verified (and, while the account is in the SES sandbox, the recipient too)",
        ),
        E::MailFromDomainNotVerifiedException(_) => {
            permanent("verify the custom MAIL FROM domain of the sender identity in SES")
        }
        E::AccountSuspendedException(_) => permanent(
            "the SES account is suspended: see the SES console's reputation dashboard; nothing is sent until AWS lifts it",
        ),
        E::SendingPausedException(_) => permanent(
            "sending is paused for the account or the configuration set: re-enable it in SES, then replay the failed records",
        ),
        E::NotFoundException(_) => permanent(
            "a resource named in the request does not exist: check the configured SES configuration set",
        ),
        E::BadRequestException(_) => {
            permanent("SES refused the request as malformed (check the addresses)")
        }
        other => classify_unmodelled(other.code(), http_status(&error), what, detail),
    }
}

fn http_status<E>(error: &SdkError<E, HttpResponse>) -> Option<u16> {
    error.raw_response().map(|r| r.status().as_u16())
}

/// Errors the SES model does not name (throttling and outages from the
/// front door, expired credentials): retry what looks transient.
fn classify_unmodelled(
    code: Option<&str>,
    status: Option<u16>,
    what: String,
    detail: String,
) -> DeliveryError {
    let transient_code = matches!(
        code,
        Some(
            "Throttling"
                | "ThrottlingException"
                | "RequestTimeout"
                | "RequestTimeoutException"
                | "ServiceUnavailable"
                | "InternalFailure"
                | "InternalServerError"
                | "ExpiredToken"
                | "ExpiredTokenException"
        )
    );
    if transient_code || status.is_some_and(|s| s == 429 || s >= 500) {
        DeliveryError::Retryable(anyhow!("{what}: {detail}; it will be retried"))
    } else {
        DeliveryError::Permanent(anyhow!(
            "{what}: {detail}; check the dispatch function's SES permissions and settings"
        ))
    }
}

/// One readable line: the service's error code and message (with the HTTP
/// status), or the cause chain of a transport failure. Never the raw
/// response dump the SDK's Debug output would give.
fn describe(error: &SdkError<SendEmailError, HttpResponse>) -> String {
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
