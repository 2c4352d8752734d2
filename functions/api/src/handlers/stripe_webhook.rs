use super::json_response;
use crate::error::ApiError;
use crate::request::header_text;
use crate::state::AppState;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde::Serialize;
use tabletap_app::AppError;
use tabletap_app::payments::WebhookRejection;
use tabletap_app::use_cases::handle_payment_event::{PaymentEventOutcome, handle_payment_event};

/// Stripe's events are a few KiB; this bounds what an unsigned caller can
/// make us hash.
pub const MAX_WEBHOOK_BYTES: usize = 256 * 1024;

#[derive(Serialize)]
struct Received<'a> {
    received: bool,
    event_id: &'a str,
    outcome: String,
}

/// `POST /stripe/webhook`: Stripe's payment events. The signature is
/// checked over the raw body (lambda_http has already undone API Gateway's
/// base64) before anything in it is read. 200 for every event handled or
/// deliberately ignored; 400 for a bad or stale signature; 409 asks Stripe
/// to deliver again later (the order is not visible yet); 503 when the
/// store is away.
pub async fn stripe_webhook(
    state: &AppState,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let verifier = state
        .payments
        .webhook
        .as_ref()
        .ok_or(AppError::PaymentsNotConfigured)?;
    let body: &[u8] = request.body().as_ref();
    if body.len() > MAX_WEBHOOK_BYTES {
        return Err(ApiError::BodyTooLarge {
            limit: MAX_WEBHOOK_BYTES,
        });
    }
    // Stripe signs UTF-8 JSON; anything else cannot carry a valid signature.
    let payload = std::str::from_utf8(body)
        .map_err(|_| AppError::InvalidWebhook(WebhookRejection::BadSignature))?;
    let signature = header_text(request, "stripe-signature");
    let event = verifier
        .verify(payload, signature.as_deref(), state.clock.now())
        .map_err(|rejection| {
            tracing::warn!(%rejection, "webhook refused");
            AppError::InvalidWebhook(rejection)
        })?;
    let outcome = handle_payment_event(&*state.store, &*state.clock, &event).await?;
    let outcome = match outcome {
        PaymentEventOutcome::Refused(problem) => format!("refused: {problem:?}"),
        PaymentEventOutcome::Ignored(why) => format!("ignored: {why}"),
        other => format!("{other:?}"),
    };
    Ok(json_response(
        StatusCode::OK,
        &Received {
            received: true,
            event_id: &event.id,
            outcome,
        },
    ))
}
