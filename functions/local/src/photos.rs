//! Item photos in local mode: files in `<data-dir>/photos/`, served by the
//! local server at `/photos/` (as CloudFront serves the site bucket's
//! `photos/` in AWS).

use async_trait::async_trait;
use std::path::PathBuf;
use tabletap_app::ports::{PhotoStore, StoreError};

pub struct FolderPhotos {
    /// The data folder; keys start with `photos/`.
    pub root: PathBuf,
}

#[async_trait]
impl PhotoStore for FolderPhotos {
    async fn put_photo(
        &self,
        key: &str,
        _media_type: &str,
        bytes: &[u8],
    ) -> Result<String, StoreError> {
        // Keys are made by tabletap_core::photo::photo_key: a slug and hex.
        if key
            .split('/')
            .any(|part| part.is_empty() || part == ".." || part.starts_with('.'))
        {
            return Err(StoreError::Corrupt(anyhow::anyhow!(
                "bad photo key {key:?}"
            )));
        }
        let path = self.root.join(key);
        let bytes = bytes.to_vec();
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            if path.exists() {
                return Ok(()); // same name, same content
            }
            let dir = path.parent().expect("keys have folders");
            std::fs::create_dir_all(dir)?;
            // Written whole, then renamed: never served half-written.
            let temp = dir.join(format!(".upload-{}", std::process::id()));
            std::fs::write(&temp, &bytes)?;
            std::fs::rename(&temp, &path)
        })
        .await
        .map_err(|e| StoreError::Unavailable(e.into()))?
        .map_err(|e| {
            StoreError::Unavailable(anyhow::Error::new(e).context("cannot write the photo"))
        })?;
        Ok(format!("/{key}"))
    }
}
