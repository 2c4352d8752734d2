//! The reprint-order function's kitchen publisher: IoT Core's data plane
//! at `TABLETAP_IOT_DATA_ENDPOINT`. Only that function links it among the
//! API functions (the dispatcher builds its own, dispatch.rs).

use aws_config::SdkConfig;
use std::sync::Arc;
use tabletap_api::Payments;
use tabletap_app::ports::KitchenPublisher;

pub async fn reprints(
    aws: &SdkConfig,
) -> Result<(Payments, Option<Arc<dyn KitchenPublisher>>), lambda_http::Error> {
    let mut endpoint = crate::required_env(
        "TABLETAP_IOT_DATA_ENDPOINT",
        "the IoT Core data endpoint (aws iot describe-endpoint --endpoint-type iot:Data-ATS)",
    )?;
    if !endpoint.starts_with("https://") && !endpoint.starts_with("http://") {
        endpoint = format!("https://{endpoint}");
    }
    let iot = aws_sdk_iotdataplane::Client::from_conf(
        aws_sdk_iotdataplane::config::Builder::from(aws)
            .endpoint_url(endpoint)
            .build(),
    );
    Ok((
        Payments::default(),
        Some(Arc::new(tabletap_kitchen_iot::IotPublisher::new(iot))),
    ))
}
