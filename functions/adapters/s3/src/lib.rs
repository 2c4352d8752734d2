//! Item photos in the site's bucket: the [`PhotoStore`] port for AWS. A
//! photo is put under its content-derived key (`photos/<restaurant>/<hash>.<ext>`)
//! with its media type and a long cache lifetime, and the site shows it at
//! `/photos/...` through the same CloudFront distribution as the pages
//! (`scripts/deploy-site.sh` leaves `photos/` alone when it syncs).

use anyhow::anyhow;
use async_trait::async_trait;
use aws_sdk_s3::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_s3::primitives::ByteStream;
use tabletap_app::ports::{PhotoStore, StoreError};

#[derive(Clone, Debug)]
pub struct S3Photos {
    client: aws_sdk_s3::Client,
    bucket: String,
}

impl S3Photos {
    pub fn new(client: aws_sdk_s3::Client, bucket: impl Into<String>) -> Self {
        Self {
            client,
            bucket: bucket.into(),
        }
    }
}

#[async_trait]
impl PhotoStore for S3Photos {
    async fn put_photo(
        &self,
        key: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<String, StoreError> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(media_type)
            // The key changes with the content: cached for good.
            .cache_control("public, max-age=31536000, immutable")
            .body(ByteStream::from(bytes.to_vec()))
            .send()
            .await
            .map_err(|error| classify(error, &self.bucket))?;
        Ok(format!("/{key}"))
    }
}

fn classify<
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
>(
    error: SdkError<E, R>,
    bucket: &str,
) -> StoreError {
    let transient = match &error {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            true
        }
        SdkError::ServiceError(e) => matches!(
            e.err().code(),
            Some("SlowDown" | "InternalError" | "ServiceUnavailable" | "RequestTimeout")
        ),
        _ => false,
    };
    let detail = DisplayErrorContext(&error).to_string();
    if transient {
        StoreError::Unavailable(anyhow!("S3 did not take the photo for now: {detail}"))
    } else {
        // A missing bucket or permission is a deployment fault: logged in
        // full, answered as an internal error.
        StoreError::Corrupt(anyhow!(
            "S3 refused the photo in bucket {bucket}: {detail}; check TABLETAP_PHOTO_BUCKET and the function's s3:PutObject permission"
        ))
    }
}
