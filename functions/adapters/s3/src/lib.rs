//! Item photos in the site's bucket: the [`PhotoStore`] port for AWS. A
//! photo is put under its content-derived key (`photos/<restaurant>/<hash>.<ext>`)
//! with its media type and a long cache lifetime, and the site shows it at
//! `/photos/...` through the same CloudFront distribution as the pages
//! (`scripts/deploy-site.sh` leaves `photos/` alone when it syncs).
//!
//! One `PutObject`, signed with SigV4 (aws-sigv4, the SDK's own signer) and
//! sent with hyper: the S3 SDK would make this function's zip, and through
//! its features every other one, larger than the 4 MB the build allows.

use anyhow::anyhow;
use async_trait::async_trait;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SigningSettings,
    UriPathNormalizationMode, sign,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use std::time::{Duration, SystemTime};
use tabletap_app::ports::{PhotoStore, StoreError};

type Https = Client<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>;

const TIMEOUT: Duration = Duration::from_secs(10);

pub struct S3Photos {
    credentials: SharedCredentialsProvider,
    region: String,
    bucket: String,
    /// `https://<bucket>.s3.<region>.amazonaws.com`, or an endpoint of a
    /// stand-in (moto), addressed path-style: `<endpoint>/<bucket>`.
    base: String,
    http: tokio::sync::OnceCell<Https>,
}

impl S3Photos {
    /// The bucket in the function's region, with its credentials.
    pub fn from_config(config: &aws_types::SdkConfig, bucket: &str) -> anyhow::Result<Self> {
        let region = config
            .region()
            .ok_or_else(|| anyhow!("no AWS region is configured (AWS_REGION)"))?
            .to_string();
        let credentials = config
            .credentials_provider()
            .ok_or_else(|| anyhow!("no AWS credentials provider is configured"))?;
        let base = match config.endpoint_url() {
            Some(endpoint) => format!("{}/{bucket}", endpoint.trim_end_matches('/')),
            None => format!("https://{bucket}.s3.{region}.amazonaws.com"),
        };
        // rustls asks for the process's crypto provider when a build has
        // more than one; aws-lc-rs unless the process already chose.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        Ok(Self {
            credentials,
            region,
            bucket: bucket.to_owned(),
            base,
            http: tokio::sync::OnceCell::new(),
        })
    }

    fn client() -> Result<Https, StoreError> {
        let mut http = HttpConnector::new();
        http.set_connect_timeout(Some(Duration::from_secs(5)));
        http.enforce_http(false);
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_native_roots()
            .map_err(|e| {
                StoreError::Unavailable(anyhow!("no TLS root certificates to reach S3 with: {e}"))
            })?
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        Ok(Client::builder(TokioExecutor::new()).build(https))
    }

    /// The signed `<method> <base>/<key>` with `headers` and `bytes`.
    async fn request(
        &self,
        method: &str,
        key: &str,
        headers: &[(&str, &str)],
        bytes: &[u8],
    ) -> Result<http::Request<Full<Bytes>>, StoreError> {
        let credentials = self.credentials.provide_credentials().await.map_err(|e| {
            StoreError::Unavailable(anyhow!("no AWS credentials to sign the upload with: {e}"))
        })?;
        let identity: Identity = credentials.into();
        let url = format!("{}/{key}", self.base);
        let mut settings = SigningSettings::default();
        // S3 signs the path as sent and wants the payload's hash.
        settings.percent_encoding_mode = PercentEncodingMode::Single;
        settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name("s3")
            .time(SystemTime::now())
            .settings(settings)
            .build()
            .map_err(|e| StoreError::Corrupt(anyhow!("cannot sign the S3 request: {e}")))?
            .into();
        let signable = SignableRequest::new(
            method,
            &url,
            headers.iter().copied(),
            SignableBody::Bytes(bytes),
        )
        .map_err(|e| StoreError::Corrupt(anyhow!("cannot sign the S3 request: {e}")))?;
        let (instructions, _) = sign(signable, &params)
            .map_err(|e| StoreError::Corrupt(anyhow!("cannot sign the S3 request: {e}")))?
            .into_parts();
        let mut request = http::Request::builder().method(method).uri(&url);
        for &(name, value) in headers {
            request = request.header(name, value);
        }
        let mut request = request
            .body(Full::new(Bytes::copy_from_slice(bytes)))
            .map_err(|e| StoreError::Corrupt(anyhow!("bad S3 request: {e}")))?;
        instructions.apply_to_request_http1x(&mut request);
        Ok(request)
    }
}

impl S3Photos {
    /// Sends one signed request; the answer's status, headers and body.
    async fn send(
        &self,
        method: &str,
        key: &str,
        headers: &[(&str, &str)],
        bytes: &[u8],
    ) -> Result<(http::StatusCode, http::HeaderMap, Bytes), StoreError> {
        let http = self
            .http
            .get_or_try_init(|| async { Self::client() })
            .await?;
        let request = self.request(method, key, headers, bytes).await?;
        let answer = tokio::time::timeout(TIMEOUT, async {
            let response = http.request(request).await?;
            let (parts, body) = response.into_parts();
            let body = body.collect().await?.to_bytes();
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>((parts.status, parts.headers, body))
        })
        .await;
        match answer {
            Err(_) => Err(StoreError::Unavailable(anyhow!(
                "S3 did not answer in {TIMEOUT:?}"
            ))),
            Ok(Err(e)) => Err(StoreError::Unavailable(anyhow!(
                "S3 could not be reached: {e}"
            ))),
            Ok(Ok(answer)) => Ok(answer),
        }
    }

    /// A signed `GET` of an object, as stored: for checks (the tests read
    /// back what an upload put there). The site reads photos through
    /// CloudFront, never through this.
    pub async fn get_object(
        &self,
        key: &str,
    ) -> Result<(http::StatusCode, http::HeaderMap, Bytes), StoreError> {
        self.send("GET", key, &[], &[]).await
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
        let headers = [
            ("content-type", media_type),
            ("cache-control", "public, max-age=31536000, immutable"),
        ];
        let (status, _, body) = self.send("PUT", key, &headers, bytes).await?;
        if status.is_success() {
            return Ok(format!("/{key}"));
        }
        // S3's error document: <Error><Code>NoSuchBucket</Code>...
        let text = String::from_utf8_lossy(&body);
        let code = text
            .split("<Code>")
            .nth(1)
            .and_then(|rest| rest.split("</Code>").next())
            .unwrap_or("no error code");
        if status.is_server_error() || code == "SlowDown" || code == "RequestTimeout" {
            Err(StoreError::Unavailable(anyhow!(
                "S3 did not take the photo for now: {status} {code}"
            )))
        } else {
            // A missing bucket or permission is a deployment fault: logged
            // in full, answered as an internal error.
            Err(StoreError::Corrupt(anyhow!(
                "S3 refused the photo in bucket {}: {status} {code}; check TABLETAP_PHOTO_BUCKET and the function's s3:PutObject permission",
                self.bucket
            )))
        }
    }
}
