//! The AWS side of the command line: one SDK configuration (profile,
//! region, credentials, endpoint) checked up front, and error messages that
//! say what to do next instead of an SDK error chain.

use anyhow::{Context, anyhow};
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_dynamodb::config::ProvideCredentials;
use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use std::time::Duration;

/// Where and as whom to talk to AWS; each flag overrides the usual AWS
/// environment variables and profile settings.
#[derive(clap::Args, Debug, Clone)]
pub struct AwsArgs {
    /// AWS profile from ~/.aws/config (default: AWS_PROFILE, else "default").
    #[arg(long, global = true)]
    pub profile: Option<String>,
    /// Region of the stack (default: AWS_REGION, else the profile's region).
    #[arg(long, global = true)]
    pub region: Option<String>,
    /// Send every AWS request to this endpoint instead of AWS (tests, local
    /// stand-ins). Without it the SDK still reads AWS_ENDPOINT_URL and
    /// per-service variables such as AWS_ENDPOINT_URL_DYNAMODB.
    #[arg(long, global = true)]
    pub endpoint_url: Option<String>,
}

/// Loads the configuration as the AWS CLI would and fails now, with advice,
/// when there is no region or no credentials.
pub async fn load(args: &AwsArgs) -> anyhow::Result<SdkConfig> {
    // An unreachable endpoint fails in seconds instead of hanging.
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(5))
        .operation_timeout(Duration::from_secs(60))
        .build();
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).timeout_config(timeouts);
    if let Some(profile) = &args.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = &args.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(endpoint) = &args.endpoint_url {
        loader = loader.endpoint_url(endpoint);
    }
    let config = loader.load().await;
    if config.region().is_none() {
        anyhow::bail!(
            "no AWS region: pass --region with the stack's region, set AWS_REGION, \
             or give your profile a region (aws configure set region eu-central-1)"
        );
    }
    let provider = config
        .credentials_provider()
        .context("the AWS SDK was configured without a credentials provider")?;
    if let Err(error) = provider.provide_credentials().await {
        anyhow::bail!(
            "no AWS credentials ({error}): pass --profile NAME or set AWS_PROFILE, \
             sign in with `aws sso login --profile NAME` or `aws configure`, \
             or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
        );
    }
    Ok(config)
}

pub fn region(config: &SdkConfig) -> String {
    config
        .region()
        .map_or_else(|| "(no region)".to_owned(), |r| r.to_string())
}

/// An SDK error that no call site explains better: says which request
/// failed and, for an unreachable endpoint or a refused permission, what to
/// check.
pub fn explain<E, R>(what: &str, error: SdkError<E, R>) -> anyhow::Error
where
    E: std::error::Error + ProvideErrorMetadata + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match &error {
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => anyhow!(
            "cannot reach AWS to {what} ({}): check the network, --region and --endpoint-url",
            causes(&error)
        ),
        SdkError::ServiceError(service) => {
            let code = service.err().code().unwrap_or("unknown error");
            let message = service.err().message().unwrap_or("");
            let hint = match code {
                "AccessDeniedException" | "AccessDenied" | "NotAuthorizedException" => {
                    ": your AWS identity lacks the permission; see docs/ops.md for the actions each command needs"
                }
                "UnrecognizedClientException"
                | "InvalidClientTokenId"
                | "ExpiredToken"
                | "ExpiredTokenException" => {
                    ": the credentials were refused; sign in again (aws sso login) or check the profile"
                }
                _ => "",
            };
            anyhow!("AWS refused to {what}: {code}: {message}{hint}")
        }
        _ => anyhow!("cannot {what}: {}", DisplayErrorContext(&error)),
    }
}

/// The messages of an error and its sources, without the Debug dumps
/// DisplayErrorContext adds: "dispatch failure: io error: ... refused".
fn causes(error: &(dyn std::error::Error + 'static)) -> String {
    let mut messages: Vec<String> = Vec::new();
    let mut next = Some(error);
    while let Some(current) = next {
        let message = current.to_string();
        if !messages.iter().any(|m| m.contains(&message)) {
            messages.push(message);
        }
        next = current.source();
    }
    messages.join(": ")
}
