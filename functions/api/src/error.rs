//! The one place where failures become HTTP responses: a status, a stable
//! `code` clients can switch on, and a `message` a person understands.

use lambda_http::http::{StatusCode, header};
use lambda_http::{Body, Response};
use serde::Serialize;
use tabletap_app::AppError;
use tabletap_app::payments::{PaymentGatewayError, WebhookRejection};
use tabletap_app::ports::{DirectoryError, StoreError};
use tabletap_core::cart::CartError;

/// A failure at the HTTP boundary (before a use case runs) or inside one.
#[derive(Debug)]
pub enum ApiError {
    App(AppError),
    BodyTooLarge {
        limit: usize,
    },
    UnsupportedMediaType,
    MalformedJson(String),
    InvalidBody(String),
    OrderTokenRequired,
    /// A staff route without verified claims.
    SignInRequired,
    /// Signed in, but not for this restaurant or without the role.
    Forbidden(tabletap_core::staff::AccessDenied),
    RouteNotFound,
    MethodNotAllowed,
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        ApiError::App(error)
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    code: &'a str,
    message: String,
    /// The cart line (1-based) a cart error is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
}

impl ApiError {
    /// Status, stable code and message.
    pub fn parts(&self) -> (StatusCode, &'static str, String) {
        use StatusCode as S;
        match self {
            ApiError::App(error) => {
                let message = error.to_string();
                match error {
                    AppError::TableNotFound => (S::NOT_FOUND, "table_not_found", message),
                    AppError::TableRevoked => (S::GONE, "table_revoked", message),
                    AppError::RestaurantNotFound(_) => (S::NOT_FOUND, "restaurant_not_found", message),
                    AppError::MenuNotFound => (S::NOT_FOUND, "menu_not_found", message),
                    AppError::OrderNotFound => (S::NOT_FOUND, "order_not_found", message),
                    // Sold out since the menu was loaded: the cart conflicts
                    // with the menu's current state.
                    AppError::Cart(e @ (CartError::ItemUnavailable { .. } | CartError::OptionUnavailable { .. })) => {
                        (S::CONFLICT, e.code(), message)
                    }
                    AppError::Cart(e) => (S::UNPROCESSABLE_ENTITY, e.code(), message),
                    AppError::BadIdempotencyKey(_) => (S::BAD_REQUEST, "invalid_idempotency_key", message),
                    AppError::IdempotencyKeyReused => (S::UNPROCESSABLE_ENTITY, "idempotency_key_reused", message),
                    AppError::InvalidInput { code, .. } => (S::BAD_REQUEST, code, message),
                    AppError::Takeout(e) => (S::UNPROCESSABLE_ENTITY, e.code(), message),
                    AppError::PaymentsNotConfigured => (S::SERVICE_UNAVAILABLE, "payments_unavailable", message),
                    AppError::PaymentGateway(PaymentGatewayError::Unavailable(_)) => (
                        S::SERVICE_UNAVAILABLE,
                        "payment_provider_unavailable",
                        "We could not reach the payment service. Nothing was charged; please try again in a moment.".into(),
                    ),
                    AppError::PaymentGateway(PaymentGatewayError::Refused(_)) => (
                        S::BAD_GATEWAY,
                        "payment_provider_error",
                        "The payment service could not set up this payment. Nothing was charged; please order at the restaurant.".into(),
                    ),
                    AppError::InvalidWebhook(WebhookRejection::Unreadable(_)) => (S::BAD_REQUEST, "invalid_payload", message),
                    AppError::InvalidWebhook(_) => (S::BAD_REQUEST, "invalid_signature", message),
                    AppError::PaymentEventTooEarly => (S::CONFLICT, "order_not_visible_yet", message),
                    AppError::NotPayable(_) => (S::CONFLICT, "order_not_payable", message),
                    AppError::TooManyOrders(_) => (S::TOO_MANY_REQUESTS, "too_many_orders", message),
                    AppError::ActionNotAllowed { .. } => (S::CONFLICT, "action_not_allowed", message),
                    AppError::BadCursor(_) => (S::BAD_REQUEST, "invalid_cursor", message),
                    AppError::UnknownMenuEntry(_) => (S::NOT_FOUND, "menu_entry_not_found", message),
                    AppError::KitchenUnavailable(_) => (S::SERVICE_UNAVAILABLE, "kitchen_unavailable", message),
                    AppError::KitchenNotConfigured => (S::SERVICE_UNAVAILABLE, "kitchen_not_configured", message),
                    AppError::SiteUrlNotConfigured => (S::SERVICE_UNAVAILABLE, "site_url_not_configured", message),
                    AppError::Photo(e @ tabletap_core::photo::PhotoError::TooLarge { .. }) => (S::PAYLOAD_TOO_LARGE, e.code(), message),
                    AppError::Photo(e) => (S::UNSUPPORTED_MEDIA_TYPE, e.code(), message),
                    AppError::PhotosNotConfigured => (S::SERVICE_UNAVAILABLE, "photos_not_configured", message),
                    AppError::UnknownTable(_) => (S::NOT_FOUND, "unknown_table", message),
                    AppError::EditedElsewhere => (S::PRECONDITION_FAILED, "edited_elsewhere", message),
                    AppError::StaffDirectoryNotConfigured => (S::SERVICE_UNAVAILABLE, "staff_directory_not_configured", message),
                    AppError::StaffDirectory(DirectoryError::Unavailable(_)) => (
                        S::SERVICE_UNAVAILABLE,
                        "staff_directory_unavailable",
                        "We could not reach the sign-in service. Nothing was changed; please try again in a moment.".into(),
                    ),
                    AppError::StaffDirectory(DirectoryError::Refused(_)) => (S::BAD_REQUEST, "invitation_refused", message),
                    AppError::StaffDirectory(DirectoryError::Failed(_)) => (
                        S::INTERNAL_SERVER_ERROR,
                        "internal_error",
                        "Something went wrong on our side. Reload the list to see what changed, and try again later.".into(),
                    ),
                    AppError::InvalidEmail(_) => (S::BAD_REQUEST, "invalid_email", message),
                    AppError::StaffMemberNotFound(_) => (S::NOT_FOUND, "staff_member_not_found", message),
                    AppError::LastOwner(_) => (S::CONFLICT, "last_owner", message),
                    AppError::Store(StoreError::Unavailable(_)) => (
                        S::SERVICE_UNAVAILABLE,
                        "service_unavailable",
                        "We could not reach our order database. Nothing was saved; please try again in a moment.".into(),
                    ),
                    AppError::Store(StoreError::Corrupt(_)) | AppError::Unexpected(_) => (
                        S::INTERNAL_SERVER_ERROR,
                        "internal_error",
                        "Something went wrong on our side. Please ask a member of staff.".into(),
                    ),
                }
            }
            ApiError::BodyTooLarge { limit } => (
                S::PAYLOAD_TOO_LARGE,
                "body_too_large",
                format!("The request body is larger than {} KiB.", limit / 1024),
            ),
            ApiError::UnsupportedMediaType => (
                S::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Send the request body as JSON with Content-Type: application/json.".into(),
            ),
            ApiError::MalformedJson(detail) => {
                (S::BAD_REQUEST, "malformed_json", format!("The request body is not valid JSON: {detail}"))
            }
            ApiError::InvalidBody(detail) => (
                S::UNPROCESSABLE_ENTITY,
                "invalid_body",
                format!("The request body does not have the expected shape: {detail}"),
            ),
            ApiError::OrderTokenRequired => (
                S::UNAUTHORIZED,
                "order_token_required",
                "Send the order's access token (returned when it was placed) in the X-Order-Token header.".into(),
            ),
            ApiError::SignInRequired => (
                S::UNAUTHORIZED,
                "sign_in_required",
                "Sign in as a member of staff to use this.".into(),
            ),
            ApiError::Forbidden(denied) => {
                let code = match denied {
                    tabletap_core::staff::AccessDenied::OtherRestaurant => "other_restaurant",
                    tabletap_core::staff::AccessDenied::OwnerOnly => "owner_only",
                };
                (S::FORBIDDEN, code, denied.to_string())
            }
            ApiError::RouteNotFound => (S::NOT_FOUND, "not_found", "There is nothing at this address.".into()),
            ApiError::MethodNotAllowed => {
                (S::METHOD_NOT_ALLOWED, "method_not_allowed", "This address does not accept that method.".into())
            }
        }
    }

    pub fn into_response(self) -> Response<Body> {
        let (status, code, message) = self.parts();
        if status.is_server_error() {
            // The full cause chain goes to the log, never to the client.
            match &self {
                ApiError::App(error) => {
                    tracing::error!(code, error = ?anyhow_chain(error), "request failed")
                }
                other => tracing::error!(code, ?other, "request failed"),
            }
        } else {
            tracing::info!(code, status = status.as_u16(), "request refused");
        }
        let line = match &self {
            ApiError::App(AppError::Cart(e)) => e.line(),
            _ => None,
        };
        let body = serde_json::to_string(&ErrorBody {
            code,
            message,
            line,
        })
        .expect("error body serializes");
        let mut response = Response::builder()
            .status(status)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::Text(body))
            .expect("valid response");
        if status == StatusCode::UNAUTHORIZED && code == "sign_in_required" {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        let retry_after = match &self {
            ApiError::App(AppError::TooManyOrders(reached)) => Some(reached.retry_after_seconds),
            _ if status == StatusCode::SERVICE_UNAVAILABLE => Some(1),
            _ => None,
        };
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
        }
        response
    }
}

/// "outer: inner: innermost" for logs.
fn anyhow_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
