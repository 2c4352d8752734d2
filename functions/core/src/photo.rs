//! Item photos as owners upload them: which kinds are taken (what the
//! bytes are, not what the upload says), how large, and the content-derived
//! name they are kept under, so the same photo uploaded twice is one file
//! and a name, once published, never changes what it shows.

use sha2::{Digest, Sha256};

/// The most a photo may weigh. The owner page shrinks a phone's photo to
/// 1600 pixels on its long side before uploading (a few hundred KB).
pub const MAX_PHOTO_BYTES: usize = 2 * 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhotoKind {
    Jpeg,
    Png,
    Webp,
}

impl PhotoKind {
    /// What the bytes are, from their signature.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        match bytes {
            [0xFF, 0xD8, 0xFF, ..] => Some(PhotoKind::Jpeg),
            [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some(PhotoKind::Png),
            [
                b'R',
                b'I',
                b'F',
                b'F',
                _,
                _,
                _,
                _,
                b'W',
                b'E',
                b'B',
                b'P',
                ..,
            ] => Some(PhotoKind::Webp),
            _ => None,
        }
    }

    /// The kind a media type names (`image/jpeg`, ...).
    pub fn from_media_type(media: &str) -> Option<Self> {
        match media.trim().to_ascii_lowercase().as_str() {
            "image/jpeg" | "image/jpg" => Some(PhotoKind::Jpeg),
            "image/png" => Some(PhotoKind::Png),
            "image/webp" => Some(PhotoKind::Webp),
            _ => None,
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            PhotoKind::Jpeg => "image/jpeg",
            PhotoKind::Png => "image/png",
            PhotoKind::Webp => "image/webp",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            PhotoKind::Jpeg => "jpg",
            PhotoKind::Png => "png",
            PhotoKind::Webp => "webp",
        }
    }
}

/// Why an upload is not taken.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PhotoError {
    #[error("The photo is empty.")]
    Empty,
    #[error(
        "The photo is {size} bytes; the most is {MAX_PHOTO_BYTES} (2 MB). Make it smaller and try again."
    )]
    TooLarge { size: usize },
    #[error("Only JPEG, PNG and WebP photos can be used.")]
    NotAPhoto,
    #[error("The file says it is {declared} but it is {actual}.")]
    TypeMismatch {
        declared: &'static str,
        actual: &'static str,
    },
}

impl PhotoError {
    pub fn code(&self) -> &'static str {
        match self {
            PhotoError::Empty => "empty_photo",
            PhotoError::TooLarge { .. } => "photo_too_large",
            PhotoError::NotAPhoto => "unsupported_photo",
            PhotoError::TypeMismatch { .. } => "photo_type_mismatch",
        }
    }
}

/// Checks an upload: its bytes must be a JPEG, PNG or WebP photo of at most
/// [`MAX_PHOTO_BYTES`], and the same kind as its declared media type.
pub fn check_photo(declared: Option<&str>, bytes: &[u8]) -> Result<PhotoKind, PhotoError> {
    if bytes.is_empty() {
        return Err(PhotoError::Empty);
    }
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(PhotoError::TooLarge { size: bytes.len() });
    }
    let actual = PhotoKind::sniff(bytes).ok_or(PhotoError::NotAPhoto)?;
    let declared = declared
        .and_then(PhotoKind::from_media_type)
        .ok_or(PhotoError::NotAPhoto)?;
    if declared != actual {
        return Err(PhotoError::TypeMismatch {
            declared: declared.media_type(),
            actual: actual.media_type(),
        });
    }
    Ok(actual)
}

/// `photos/<restaurant>/<first 128 bits of the SHA-256, hex>.<ext>`: where a
/// photo is kept, and under the site, the address it is shown at.
pub fn photo_key(restaurant: &str, kind: PhotoKind, bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("photos/{restaurant}/{hex}.{}", kind.extension())
}

#[cfg(test)]
mod tests {
    use super::*;

    const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F'];
    const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0];

    #[test]
    fn the_bytes_decide_what_a_photo_is() {
        assert_eq!(check_photo(Some("image/jpeg"), JPEG), Ok(PhotoKind::Jpeg));
        assert_eq!(check_photo(Some("IMAGE/PNG"), PNG), Ok(PhotoKind::Png));
        let webp = b"RIFF\x10\0\0\0WEBPVP8 ";
        assert_eq!(check_photo(Some("image/webp"), webp), Ok(PhotoKind::Webp));
        assert_eq!(
            check_photo(Some("image/png"), JPEG),
            Err(PhotoError::TypeMismatch {
                declared: "image/png",
                actual: "image/jpeg"
            })
        );
        // An SVG (scripts) or an HTML page named .jpg is not a photo.
        assert_eq!(
            check_photo(Some("image/jpeg"), b"<svg onload=alert(1)>"),
            Err(PhotoError::NotAPhoto)
        );
        assert_eq!(
            check_photo(Some("image/svg+xml"), JPEG),
            Err(PhotoError::NotAPhoto)
        );
        assert_eq!(check_photo(None, JPEG), Err(PhotoError::NotAPhoto));
        assert_eq!(check_photo(Some("image/jpeg"), b""), Err(PhotoError::Empty));
        let big = [JPEG, &vec![0; MAX_PHOTO_BYTES]].concat();
        assert_eq!(
            check_photo(Some("image/jpeg"), &big).unwrap_err().code(),
            "photo_too_large"
        );
    }

    #[test]
    fn a_photo_is_named_by_its_content() {
        let a = photo_key("demo", PhotoKind::Jpeg, JPEG);
        assert_eq!(a, photo_key("demo", PhotoKind::Jpeg, JPEG));
        assert!(a.starts_with("photos/demo/") && a.ends_with(".jpg"), "{a}");
        assert_eq!(a.len(), "photos/demo/".len() + 32 + 4);
        assert_ne!(a, photo_key("demo", PhotoKind::Png, PNG));
    }
}
