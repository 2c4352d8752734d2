//! An item's photo, uploaded by the owner from a phone: checked (a JPEG,
//! PNG or WebP by its bytes, at most 2 MB), kept under a name derived from
//! its content, and answered with the address to put in the item's
//! `image_url`.

use crate::error::AppError;
use crate::ports::PhotoStore;
use tabletap_core::ids::RestaurantId;
use tabletap_core::photo::{check_photo, photo_key};

#[derive(Debug, serde::Serialize, PartialEq, Eq)]
pub struct UploadedPhoto {
    /// Where the site shows it: `/photos/<restaurant>/<hash>.<ext>`.
    pub url: String,
    pub media_type: &'static str,
    pub bytes: usize,
}

pub async fn upload_photo(
    photos: &dyn PhotoStore,
    restaurant: &RestaurantId,
    declared: Option<&str>,
    bytes: &[u8],
) -> Result<UploadedPhoto, AppError> {
    let kind = check_photo(declared, bytes)?;
    let key = photo_key(restaurant.as_str(), kind, bytes);
    let url = photos.put_photo(&key, kind.media_type(), bytes).await?;
    tracing::info!(%restaurant, key, bytes = bytes.len(), "photo stored");
    Ok(UploadedPhoto {
        url,
        media_type: kind.media_type(),
        bytes: bytes.len(),
    })
}
