//! The AWS SDK configuration every adapter's `local` feature builds its
//! client from, for DynamoDB Local and moto: it can only reach the given
//! endpoint (static dummy credentials, a fixed region, no environment or
//! profile lookup), so a test can never touch a real AWS account. And the
//! rule for a test whose stand-in is missing: skip with a message on a
//! developer's machine, fail when `CI` is set.

#[cfg(feature = "recorder")]
pub mod recorder;

use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_runtime_api::client::behavior_version::BehaviorVersion;
use aws_smithy_types::timeout::TimeoutConfig;
use aws_types::SdkConfig;
use aws_types::region::Region;
use std::time::Duration;

/// An SDK configuration for the stand-in at `endpoint`; every service's
/// `Client::new(&sdk_config(endpoint))` talks only to it.
pub fn sdk_config(endpoint: &str) -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(Region::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "local",
            "local",
            None,
            None,
            "tabletap-local",
        )))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(2))
                .operation_timeout(Duration::from_secs(20))
                .build(),
        )
        .build()
}

/// Environment variable naming the moto server endpoint for tests.
pub const MOTO_ENDPOINT_VAR: &str = "TABLETAP_MOTO_ENDPOINT";

const HOW_TO_START_MOTO: &str = "start moto and point the tests at it:\n  \
    export TABLETAP_MOTO_ENDPOINT=$(scripts/lib/moto.sh start)\n\
    (scripts/test.sh does this; stop it with scripts/lib/moto.sh stop)";

/// The moto endpoint from [`MOTO_ENDPOINT_VAR`], or `None` (after printing
/// why) so a developer's plain `cargo test` skips the test. With `CI` set
/// it panics instead: in CI a missing service must fail the run, never skip.
pub fn moto_endpoint(test: &str) -> Option<String> {
    match std::env::var(MOTO_ENDPOINT_VAR) {
        Ok(endpoint) if !endpoint.is_empty() => Some(endpoint),
        _ if std::env::var_os("CI").is_some() => {
            panic!(
                "{MOTO_ENDPOINT_VAR} is not set and CI is: {test} needs moto; {HOW_TO_START_MOTO}"
            )
        }
        _ => {
            eprintln!("skipping {test}: {MOTO_ENDPOINT_VAR} is not set; {HOW_TO_START_MOTO}");
            None
        }
    }
}
