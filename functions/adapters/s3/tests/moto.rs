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

fn client(endpoint: &str) -> aws_sdk_s3::Client {
    let config = aws_sdk_s3::config::Builder::from(&tabletap_aws_local::sdk_config(endpoint))
        .force_path_style(true)
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

#[tokio::test]
async fn a_photo_is_kept_under_its_key_with_its_type() {
    let Some(endpoint) = moto_endpoint("a_photo_is_kept_under_its_key_with_its_type") else {
        return;
    };
    let s3 = client(&endpoint);
    s3.create_bucket()
        .bucket("tabletap-site-photos")
        .send()
        .await
        .unwrap();
    let photos = S3Photos::new(s3.clone(), "tabletap-site-photos");
    let bytes = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4];
    let url = photos
        .put_photo("photos/demo/00ff.jpg", "image/jpeg", &bytes)
        .await
        .unwrap();
    assert_eq!(url, "/photos/demo/00ff.jpg");
    let object = s3
        .get_object()
        .bucket("tabletap-site-photos")
        .key("photos/demo/00ff.jpg")
        .send()
        .await
        .unwrap();
    assert_eq!(object.content_type(), Some("image/jpeg"));
    assert_eq!(
        object.cache_control(),
        Some("public, max-age=31536000, immutable")
    );
    let body = object.body.collect().await.unwrap().into_bytes();
    assert_eq!(body.as_ref(), bytes);

    let missing = S3Photos::new(s3, "no-such-bucket");
    let error = missing
        .put_photo("photos/demo/00ff.jpg", "image/jpeg", &bytes)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, StoreError::Corrupt(e) if format!("{e:#}").contains("no-such-bucket")),
        "{error:?}"
    );
}
