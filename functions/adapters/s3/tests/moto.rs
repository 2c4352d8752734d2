//! Item photos against moto's S3: the photo is in the bucket under its key
//! with its media type and cache lifetime, and a missing bucket is a
//! failure that names it.
//!
//! Needs moto; skips with a message without it, fails when `CI` is set:
//!   export TABLETAP_MOTO_ENDPOINT=$(scripts/lib/moto.sh start)
//!   cargo test -p tabletap-photos-s3

use tabletap_app::ports::{PhotoStore, StoreError};
use tabletap_kitchen_iot::local::moto_endpoint;
use tabletap_photos_s3::S3Photos;

/// moto's S3 API, path-style: `PUT /<bucket>` makes a bucket (moto takes
/// it unsigned).
async fn s3(method: reqwest::Method, url: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let response = reqwest::Client::new()
        .request(method, url)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn a_photo_is_kept_under_its_key_with_its_type() {
    let Some(endpoint) = moto_endpoint("a_photo_is_kept_under_its_key_with_its_type") else {
        return;
    };
    let (status, _, _) = s3(
        reqwest::Method::PUT,
        &format!("{endpoint}/tabletap-site-photos"),
    )
    .await;
    assert_eq!(status, 200, "bucket made");
    let config = tabletap_aws_local::sdk_config(&endpoint);
    let photos = S3Photos::from_config(&config, "tabletap-site-photos").unwrap();
    let bytes = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4];
    let url = photos
        .put_photo("photos/demo/00ff.jpg", "image/jpeg", &bytes)
        .await
        .unwrap();
    assert_eq!(url, "/photos/demo/00ff.jpg");
    // Read back signed, as the function's role would (objects are private).
    let (status, headers, body) = photos.get_object("photos/demo/00ff.jpg").await.unwrap();
    let status = status.as_u16();
    assert_eq!(status, 200);
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    assert_eq!(header("content-type"), Some("image/jpeg"));
    assert_eq!(
        header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(body.as_ref(), bytes);

    let missing = S3Photos::from_config(&config, "no-such-bucket").unwrap();
    let error = missing
        .put_photo("photos/demo/00ff.jpg", "image/jpeg", &bytes)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, StoreError::Corrupt(e) if format!("{e:#}").contains("no-such-bucket")),
        "{error:?}"
    );
}
