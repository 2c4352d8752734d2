//! The IoT Core data-plane publisher of the functions that send kitchen
//! tickets: dispatch (first prints), reprint-order and redeliver-tickets.
//! The endpoint is `TABLETAP_IOT_DATA_ENDPOINT`; no other function links it.

use aws_config::SdkConfig;
use std::sync::Arc;
use tabletap_api::Payments;
use tabletap_app::ports::KitchenPublisher;
use tabletap_kitchen_iot::IotPublisher;

/// The publisher for the account's data endpoint, from
/// `TABLETAP_IOT_DATA_ENDPOINT` (a host or a URL): the SDK's default
/// endpoint is the legacy one.
pub fn iot_publisher(aws: &SdkConfig) -> Result<IotPublisher, String> {
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
    Ok(IotPublisher::new(iot))
}

/// The reprint-order function's ports.
pub async fn reprints(
    aws: &SdkConfig,
) -> Result<(Payments, Option<Arc<dyn KitchenPublisher>>), lambda_http::Error> {
    Ok((Payments::default(), Some(Arc::new(iot_publisher(aws)?))))
}
