//! The API functions' event loop: one route, one handler, one state built
//! at cold start.

use crate::{Config, aws_config, init_logging, store};
use aws_config::SdkConfig;
use std::convert::Infallible;
use std::sync::Arc;
use tabletap_api::cors::Cors;
use tabletap_api::{AppState, Handler, Payments, Route};
use tabletap_app::ports::KitchenPublisher;

/// Serves `route` with `handler` (its own, picked at compile time by the
/// caller: `const { ROUTE.handler() }`), without payment ports.
pub async fn run(route: Route, handler: Handler) -> Result<(), lambda_http::Error> {
    run_with_payments(route, handler, async |_| Ok(Payments::default())).await
}

/// Like [`run`], with the payment ports `payments` builds at cold start
/// from the function's AWS configuration (see [`crate::payments`]).
pub async fn run_with_payments(
    route: Route,
    handler: Handler,
    payments: impl AsyncFnOnce(&SdkConfig) -> Result<Payments, lambda_http::Error>,
) -> Result<(), lambda_http::Error> {
    run_with_ports(route, handler, async |aws| Ok((payments(aws).await?, None))).await
}

/// Like [`run`], with the payment ports and the kitchen publisher `ports`
/// builds at cold start (reprint-order publishes; see [`crate::kitchen`]).
pub async fn run_with_ports(
    route: Route,
    handler: Handler,
    ports: impl AsyncFnOnce(
        &SdkConfig,
    )
        -> Result<(Payments, Option<Arc<dyn KitchenPublisher>>), lambda_http::Error>,
) -> Result<(), lambda_http::Error> {
    run_with_state(route, handler, async |aws, state| {
        let (payments, kitchen) = ports(aws).await?;
        state.payments = payments;
        state.kitchen = kitchen;
        Ok(())
    })
    .await
}

/// Like [`run`], with the site bucket's photo store (upload-photo; the
/// bucket is `TABLETAP_PHOTO_BUCKET`).
pub async fn run_with_photos(route: Route, handler: Handler) -> Result<(), lambda_http::Error> {
    run_with_state(route, handler, async |aws, state| {
        let bucket = crate::required_env("TABLETAP_PHOTO_BUCKET", "the bucket item photos go to")?;
        let photos = tabletap_photos_s3::S3Photos::from_config(aws, &bucket)?;
        state.photos = Some(Arc::new(photos));
        Ok(())
    })
    .await
}

/// Like [`run`], with the staff directory (the stack's Cognito pool, see
/// [`crate::staff_directory`]): the staff-management functions only.
pub async fn run_with_staff_directory(
    route: Route,
    handler: Handler,
) -> Result<(), lambda_http::Error> {
    run_with_state(route, handler, async |aws, state| {
        state.staff_directory = Some(Arc::new(crate::staff_directory::cognito(aws)?));
        Ok(())
    })
    .await
}

/// Serves `route` with `handler` on a state built once at cold start: the
/// store, CORS and site address from the configuration, then whatever
/// else the function needs, set by `configure`.
pub async fn run_with_state(
    route: Route,
    handler: Handler,
    configure: impl AsyncFnOnce(&SdkConfig, &mut AppState) -> Result<(), lambda_http::Error>,
) -> Result<(), lambda_http::Error> {
    init_logging();
    let config = Config::from_env()?;
    let aws = aws_config().await;
    let mut state = AppState {
        cors: Cors::from_list(&config.allowed_origins),
        site_url: config.site_url.clone(),
        ..AppState::new(Arc::new(store(&aws, &config)))
    };
    configure(&aws, &mut state).await?;
    let state = &state;
    lambda_http::run(lambda_http::service_fn(move |request| async move {
        Ok::<_, Infallible>(tabletap_api::serve(route, handler, state, request).await)
    }))
    .await
}
