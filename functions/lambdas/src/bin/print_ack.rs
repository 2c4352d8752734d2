//! Lambda function fed by the IoT rule on `tabletap/+/acks`: marks orders
//! PRINTED once a kitchen listener reported each of its tickets printed.

use lambda_http::lambda_runtime::{self, LambdaEvent, service_fn};
use tabletap_app::ports::SystemClock;
use tabletap_lambdas::print_ack::{PrintAckEvent, handle_print_ack};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    tabletap_lambdas::init_logging();
    let config = tabletap_lambdas::Config::from_env()?;
    let aws = tabletap_lambdas::aws_config().await;
    let store = tabletap_lambdas::store(&aws, &config);
    let store = &store;
    lambda_runtime::run(service_fn(
        move |event: LambdaEvent<PrintAckEvent>| async move {
            handle_print_ack(store, &SystemClock, event.payload).await
        },
    ))
    .await
}
