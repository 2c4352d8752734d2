//! Kitchen tickets to AWS IoT Core over the data plane: the
//! [`KitchenPublisher`] port for AWS. One `Publish` per ticket with QoS 1,
//! so IoT Core keeps it for the listener's persistent session until acked.

mod errors;
#[cfg(feature = "local")]
pub mod local;

use async_trait::async_trait;
use aws_sdk_iotdataplane::primitives::Blob;
use tabletap_app::ports::{DeliveryError, KitchenPublisher};

pub use errors::classify_publish_error;

/// The client must point at the account's data endpoint
/// (`https://<prefix>-ats.iot.<region>.amazonaws.com`, from
/// `aws iot describe-endpoint --endpoint-type iot:Data-ATS`): the SDK's
/// default endpoint is the legacy one.
#[derive(Clone, Debug)]
pub struct IotPublisher {
    pub client: aws_sdk_iotdataplane::Client,
}

impl IotPublisher {
    pub fn new(client: aws_sdk_iotdataplane::Client) -> Self {
        Self { client }
    }
}

#[async_trait]
impl KitchenPublisher for IotPublisher {
    async fn publish(&self, topic: &str, payload: &[u8]) -> Result<(), DeliveryError> {
        self.client
            .publish()
            .topic(topic)
            .qos(1)
            .payload(Blob::new(payload))
            .send()
            .await
            .map(|_| ())
            .map_err(|error| classify_publish_error(error, topic))
    }
}
