//! Lambda function run once a minute by EventBridge Scheduler: publishes
//! again every kitchen ticket not acknowledged in time, and alerts ops
//! about one still unprinted. See tabletap_lambdas::redeliver.

use lambda_http::lambda_runtime::{self, LambdaEvent, service_fn};
use tabletap_alerts_sns::SnsAlerts;
use tabletap_app::ports::SystemClock;
use tabletap_lambdas::redeliver::{handle_schedule, ops_topic_arn};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    tabletap_lambdas::init_logging();
    let config = tabletap_lambdas::Config::from_env()?;
    let topic_arn = ops_topic_arn()?;
    let aws = tabletap_lambdas::aws_config().await;
    let store = tabletap_lambdas::store(&aws, &config);
    let kitchen = tabletap_lambdas::kitchen::iot_publisher(&aws)?;
    let alerts = SnsAlerts::new(aws_sdk_sns::Client::new(&aws), topic_arn);
    let (store, kitchen, alerts) = (&store, &kitchen, &alerts);
    lambda_runtime::run(service_fn(
        move |_: LambdaEvent<serde_json::Value>| async move {
            handle_schedule(store, kitchen, alerts, &SystemClock)
                .await
                .map(|_| ())
                .map_err(lambda_runtime::Error::from)
        },
    ))
    .await
}
