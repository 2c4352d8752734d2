//! Stripe for the three functions that need it (place-takeout-order,
//! act-on-order, which refunds a cancelled paid order, and stripe-webhook);
//! no other binary reaches this module, so none other links Stripe or SSM. The secret key and the webhook signing secret are
//! read once per cold start from SSM Parameter Store (SecureString,
//! decrypted by the function's role); the template passes only the
//! parameters' names. Nothing secret is logged.

use crate::required_env;
use aws_config::SdkConfig;
use std::sync::Arc;
use tabletap_api::Payments;
use tabletap_payments_stripe::{StripeConfig, StripeGateway, StripeWebhookVerifier};

fn parameter_name(variable: &str) -> Result<String, String> {
    required_env(variable, "the name of an SSM SecureString parameter")
}

async fn secure_parameter(aws: &SdkConfig, name: &str) -> Result<String, lambda_http::Error> {
    let output = aws_sdk_ssm::Client::new(aws)
        .get_parameter()
        .name(name)
        .with_decryption(true)
        .send()
        .await
        .map_err(|e| {
            format!(
                "cannot read SSM parameter {name}: {}",
                aws_sdk_ssm::error::DisplayErrorContext(&e)
            )
        })?;
    output
        .parameter
        .and_then(|p| p.value)
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| format!("SSM parameter {name} is empty: put the Stripe secret in it").into())
}

/// The ports of place-takeout-order and act-on-order: the Stripe gateway, with the
/// secret key from `TABLETAP_STRIPE_SECRET_KEY_PARAM`. The key is read at
/// cold start (one SSM call, ~10-20 ms in the region) because every
/// invocation needs it and a missing key should fail the init, loudly.
pub async fn takeout(aws: &SdkConfig) -> Result<Payments, lambda_http::Error> {
    let secret_key =
        secure_parameter(aws, &parameter_name("TABLETAP_STRIPE_SECRET_KEY_PARAM")?).await?;
    let publishable_key = std::env::var("TABLETAP_STRIPE_PUBLISHABLE_KEY")
        .ok()
        .filter(|v| !v.trim().is_empty());
    let gateway = StripeGateway::new(&StripeConfig {
        secret_key,
        publishable_key,
        api_base: None,
    })?;
    Ok(Payments {
        gateway: Some(Arc::new(gateway)),
        webhook: None,
    })
}

/// The stripe-webhook function's ports: the signature check, with the
/// signing secret from `TABLETAP_STRIPE_WEBHOOK_SECRET_PARAM` (read at cold
/// start, like the takeout key). No Stripe API client.
pub async fn webhook(aws: &SdkConfig) -> Result<Payments, lambda_http::Error> {
    let secret = secure_parameter(
        aws,
        &parameter_name("TABLETAP_STRIPE_WEBHOOK_SECRET_PARAM")?,
    )
    .await?;
    Ok(Payments {
        gateway: None,
        webhook: Some(Arc::new(StripeWebhookVerifier::new(secret))),
    })
}
