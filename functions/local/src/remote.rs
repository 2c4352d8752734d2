//! The owner commands (`import`, `tables`, `rotate-table`, `qr-sheet`) on a
//! running server. The store file is held by the server (one process at a
//! time), so the command asks the server's owner API instead: the same
//! routes and use cases as the owner pages. The server writes its address
//! to `<data-dir>/server.json` at start; the command signs a short-lived
//! owner token with the data folder's staff key, which only someone who
//! can read the data folder has.

use crate::staff::tokens::TokenIssuer;
use anyhow::Context;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use tabletap_core::ids::RestaurantId;
use tabletap_qrsheet::SheetTable;

const FILE: &str = "server.json";

/// What a running server says about itself.
#[derive(Serialize, Deserialize)]
pub struct ServerFile {
    /// The API's base, `http://127.0.0.1:8080/api`.
    pub api: String,
    /// The base of the table links (the server's --public-url).
    pub public_url: String,
    pub pid: u32,
}

/// Written at start, removed when the server stops; a file left by a crash
/// is harmless (the command only reads it when the store is locked).
pub struct ServerFileGuard(PathBuf);

impl ServerFileGuard {
    pub fn write(data_dir: &Path, file: &ServerFile) -> anyhow::Result<Self> {
        let path = data_dir.join(FILE);
        crate::payments::write_private(&path, &serde_json::to_string_pretty(file)?)
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(Self(path))
    }
}

impl Drop for ServerFileGuard {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

pub struct RunningServer {
    pub api: String,
    pub public_url: String,
    token: String,
    client: reqwest::Client,
}

impl RunningServer {
    /// The server that holds the data folder, as an owner of `restaurant`.
    pub fn find(data_dir: &Path, restaurant: &RestaurantId) -> anyhow::Result<Self> {
        let path = data_dir.join(FILE);
        let text = std::fs::read_to_string(&path).with_context(|| {
            format!(
                "the data file is in use, but {} is missing: is another program holding {}?",
                path.display(),
                data_dir.join("tabletap.redb").display()
            )
        })?;
        let file: ServerFile = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a server file", path.display()))?;
        let token = TokenIssuer::open(data_dir)?.issue_for_command_line(restaurant);
        Ok(Self {
            api: file.api,
            public_url: file.public_url,
            token,
            client: reqwest::Client::new(),
        })
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> anyhow::Result<reqwest::Response> {
        let response = request
            .bearer_auth(&self.token)
            .send()
            .await
            .with_context(|| format!("the running server at {} did not answer", self.api))?;
        if response.status().is_success() {
            return Ok(response);
        }
        let status = response.status();
        let body: serde_json::Value = response.json().await.unwrap_or_default();
        let message = body["message"].as_str().unwrap_or("no message");
        anyhow::bail!("the server refused ({status}): {message}")
    }

    pub async fn import(
        &self,
        restaurant: &RestaurantId,
        file_name: &str,
        text: String,
    ) -> anyhow::Result<String> {
        let media = if file_name.ends_with(".json") {
            "application/json"
        } else {
            "application/yaml"
        };
        let response = self
            .send(
                self.client
                    .put(format!(
                        "{}/restaurants/{restaurant}/owner/restaurant",
                        self.api
                    ))
                    .header("content-type", media)
                    .body(text),
            )
            .await?;
        let body: serde_json::Value = response.json().await?;
        Ok(body["message"].as_str().unwrap_or("Saved.").to_owned())
    }

    /// Every table as the sheet needs it (id, label, link), in the order
    /// people count them.
    pub async fn tables(&self, restaurant: &RestaurantId) -> anyhow::Result<Vec<SheetTable>> {
        let response = self
            .send(self.client.get(format!(
                "{}/restaurants/{restaurant}/owner/tables",
                self.api
            )))
            .await?;
        #[derive(Deserialize)]
        struct Tables {
            tables: Vec<TableLink>,
        }
        #[derive(Deserialize)]
        struct TableLink {
            id: String,
            label: String,
            link: String,
        }
        let body: Tables = response.json().await?;
        Ok(body
            .tables
            .into_iter()
            .map(|t| SheetTable {
                id: t.id,
                label: t.label,
                link: t.link,
            })
            .collect())
    }

    /// The restaurant's name, from its settings.
    pub async fn restaurant_name(&self, restaurant: &RestaurantId) -> anyhow::Result<String> {
        let response = self
            .send(self.client.get(format!(
                "{}/restaurants/{restaurant}/owner/restaurant",
                self.api
            )))
            .await?;
        let body: serde_json::Value = response.json().await?;
        Ok(body["restaurant"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned())
    }

    pub async fn rotate(
        &self,
        restaurant: &RestaurantId,
        table: &str,
    ) -> anyhow::Result<(String, String)> {
        let response = self
            .send(self.client.post(format!(
                "{}/restaurants/{restaurant}/owner/tables/{table}/rotate",
                self.api
            )))
            .await?;
        let body: serde_json::Value = response.json().await?;
        Ok((
            body["label"].as_str().unwrap_or_default().to_owned(),
            body["link"].as_str().unwrap_or_default().to_owned(),
        ))
    }
}
