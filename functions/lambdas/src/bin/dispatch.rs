//! Lambda function fed by the table's DynamoDB stream: sends every newly
//! ACCEPTED order to the kitchen (IoT Core) and its receipt to the customer
//! (SES). See tabletap_lambdas::dispatch. The only function with the IoT
//! and SES clients.

use aws_lambda_events::event::dynamodb::Event;
use lambda_http::lambda_runtime::{self, LambdaEvent, service_fn};
use tabletap_app::ports::SystemClock;
use tabletap_app::use_cases::dispatch_accepted_orders::Dispatcher;
use tabletap_lambdas::dispatch::{DeliveryConfig, handle_stream_batch};
use tabletap_mail_ses::SesMailer;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    tabletap_lambdas::init_logging();
    let config = tabletap_lambdas::Config::from_env()?;
    let delivery = DeliveryConfig::from_env()?;
    let aws = tabletap_lambdas::aws_config().await;
    let store = tabletap_lambdas::store(&aws, &config);
    let kitchen = tabletap_lambdas::kitchen::iot_publisher(&aws)?;
    let mailer = SesMailer::new(aws_sdk_sesv2::Client::new(&aws), delivery.receipt_from);
    let dispatcher = Dispatcher {
        store: &store,
        kitchen: &kitchen,
        mailer: &mailer,
        clock: &SystemClock,
    };
    let dispatcher = &dispatcher;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Event>| async move {
        Ok::<_, lambda_runtime::Error>(handle_stream_batch(dispatcher, event.payload).await)
    }))
    .await
}
