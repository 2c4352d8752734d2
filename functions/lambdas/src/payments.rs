//! Stripe for the functions that need it (place-takeout-order,
//! stripe-webhook, and act-on-order for refunds of cancelled paid orders). The secret key and the webhook signing secret are read
//! once per cold start from SSM Parameter Store (SecureString, decrypted by
//! the function's role); the template passes only the parameters' names.
//! Nothing secret is logged.

use std::sync::Arc;
use tabletap_api::{Payments, Route};
use tabletap_payments_stripe::{StripeConfig, StripeGateway, StripeWebhookVerifier};

/// Names of the SSM parameters and the publishable key (not a secret).
pub struct StripeSettings {
    pub secret_key_parameter: String,
    pub webhook_secret_parameter: String,
    pub publishable_key: Option<String>,
}

impl StripeSettings {
    pub fn from_env() -> Result<Self, String> {
        let required = |name: &str| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.trim().is_empty())
                .ok_or_else(|| {
                    format!(
                        "{name} is not set: it must name an SSM SecureString parameter (the SAM template sets it)"
                    )
                })
        };
        Ok(Self {
            secret_key_parameter: required("TABLETAP_STRIPE_SECRET_KEY_PARAM")?,
            webhook_secret_parameter: required("TABLETAP_STRIPE_WEBHOOK_SECRET_PARAM")?,
            publishable_key: std::env::var("TABLETAP_STRIPE_PUBLISHABLE_KEY")
                .ok()
                .filter(|v| !v.trim().is_empty()),
        })
    }
}

/// Which payment ports a route's function needs.
pub fn needs_payments(route: Route) -> bool {
    matches!(
        route,
        Route::PlaceTakeoutOrder | Route::StripeWebhook | Route::ActOnOrder
    )
}

async fn secure_parameter(
    ssm: &aws_sdk_ssm::Client,
    name: &str,
) -> Result<String, lambda_http::Error> {
    let output = ssm
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

/// Builds the route's payment ports; other routes get none.
pub async fn payments_for(route: Route) -> Result<Payments, lambda_http::Error> {
    if !needs_payments(route) {
        return Ok(Payments::default());
    }
    let settings = StripeSettings::from_env()?;
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let ssm = aws_sdk_ssm::Client::new(&aws);
    Ok(match route {
        Route::PlaceTakeoutOrder | Route::ActOnOrder => {
            let secret_key = secure_parameter(&ssm, &settings.secret_key_parameter).await?;
            let gateway = StripeGateway::new(&StripeConfig {
                secret_key,
                publishable_key: settings.publishable_key,
                api_base: None,
            })?;
            Payments {
                gateway: Some(Arc::new(gateway)),
                webhook: None,
            }
        }
        _ => {
            let secret = secure_parameter(&ssm, &settings.webhook_secret_parameter).await?;
            Payments {
                gateway: None,
                webhook: Some(Arc::new(StripeWebhookVerifier::new(secret))),
            }
        }
    })
}
