//! The owner routes against the real `tabletap-local`: a bad restaurant
//! file is refused at its line and changes nothing; a save from a stale
//! version is refused; removing a table revokes its code; the QR sheet,
//! rendered by pdftoppm and read by zbarimg, holds every table's current
//! link, also after a rotation, while the old link answers 410 at once
//! (no restart); and the owner commands work while the server runs.

#[path = "../../functions/qrsheet/tests/support/mod.rs"]
mod qr;

use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use tabletap_e2e::LocalServer;

struct Owner {
    server: LocalServer,
    token: String,
}

impl Owner {
    async fn start() -> Self {
        let server = LocalServer::start().await;
        let password = server.add_person("demo", "owner@demo.example", "owner");
        let token = server.sign_in("owner@demo.example", &password).await;
        Self { server, token }
    }

    fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.server
            .http
            .get(self.server.api(path))
            .bearer_auth(&self.token)
    }

    /// A file the owner downloads (a PDF, a PNG), checked for its type.
    async fn download(&self, path: &str, media_type: &str) -> Vec<u8> {
        let response = self.get(path).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["content-type"], media_type, "{path}");
        response.bytes().await.unwrap().to_vec()
    }

    /// The restaurant file as JSON and its version.
    async fn document(&self) -> (Value, String) {
        let response = self
            .get("/restaurants/demo/owner/restaurant")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let etag = response.headers()["etag"].to_str().unwrap().to_owned();
        (response.json().await.unwrap(), etag)
    }

    async fn save(&self, media: &str, body: String, if_match: Option<&str>) -> (StatusCode, Value) {
        let mut request = self
            .server
            .http
            .put(self.server.api("/restaurants/demo/owner/restaurant"))
            .bearer_auth(&self.token)
            .header("content-type", media)
            .body(body);
        if let Some(version) = if_match {
            request = request.header("if-match", version);
        }
        let response = request.send().await.unwrap();
        (response.status(), response.json().await.unwrap())
    }

    /// Each table's id and current link, from the owner API.
    async fn links(&self) -> Vec<(String, String)> {
        let body: Value = self
            .get("/restaurants/demo/owner/tables")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        body["tables"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["id"].as_str().unwrap().into(),
                    t["link"].as_str().unwrap().into(),
                )
            })
            .collect()
    }

    async fn table_status(&self, link: &str) -> StatusCode {
        let token = link.rsplit("/t/").next().unwrap();
        self.server
            .http
            .get(self.server.api(&format!("/tables/{token}")))
            .send()
            .await
            .unwrap()
            .status()
    }

    /// The QR sheet as the owner downloads it, every code on it decoded.
    async fn decoded_sheet(&self) -> BTreeSet<String> {
        let bytes = self
            .download("/restaurants/demo/owner/qr-sheet", "application/pdf")
            .await;
        let dir = tempfile::tempdir().unwrap();
        let pdf = dir.path().join("sheet.pdf");
        std::fs::write(&pdf, bytes).unwrap();
        // Each cell on its own, as a phone over one sticker sees it.
        let tables = self.links().await.len();
        qr::decode_sheet(&pdf, tabletap_qrsheet::Paper::A4, tables, dir.path())
    }
}

fn demo_yaml() -> String {
    std::fs::read_to_string(tabletap_e2e::repo_root().join("functions/local/demo/trattoria.yaml"))
        .unwrap()
}

/// The 1-based line of the `n`th line containing `needle`.
fn line_of(text: &str, needle: &str, n: usize) -> usize {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .nth(n)
        .map(|(i, _)| i + 1)
        .unwrap_or_else(|| panic!("{needle:?} is not in the file"))
}

#[tokio::test]
async fn a_bad_menu_file_is_refused_at_its_line_and_changes_nothing() {
    let owner = Owner::start().await;
    let (before, version) = owner.document().await;
    let demo = demo_yaml();
    let cases: Vec<(&str, String, String, &str)> = vec![
        (
            "an allergen the EU list does not have",
            demo.replacen("allergens: [gluten]", "allergens: [gluten, avocado]", 1),
            "avocado".into(),
            "avocado",
        ),
        (
            "a group asking for more choices than it has options",
            demo.replacen(
                "min: 1\n            max: 1",
                "min: 5\n            max: 5",
                1,
            ),
            "id: size".into(),
            "\"size\"",
        ),
        (
            "the same item id twice",
            demo.replacen("- id: burrata", "- id: bruschetta", 1),
            "id: bruschetta".into(),
            "used twice",
        ),
        (
            "a price with three decimals in EUR",
            demo.replacen("price: \"2.40\"", "price: \"2.405\"", 1),
            "id: espresso".into(),
            "2.405",
        ),
    ];
    for (what, text, place, says) in cases {
        assert_ne!(text, demo, "{what}: the case changes the file");
        // A duplicate is named at its second declaration.
        let nth = usize::from(what.contains("twice"));
        let line = line_of(&text, &place, nth);
        let (status, body) = owner.save("application/yaml", text, None).await;
        assert_eq!(status, 400, "{what}: {body}");
        assert_eq!(body["code"], "invalid_menu_file", "{what}");
        let message = body["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("line {line}")),
            "{what}: {message} (expected line {line})"
        );
        assert!(message.contains(says), "{what}: {message}");
        assert_eq!(
            owner.document().await,
            (before.clone(), version.clone()),
            "{what}: nothing changed"
        );
    }
    // The same rules in JSON, the format the page sends.
    let mut broken = before.clone();
    broken["categories"][0]["items"][0]["price"] = json!("6.505");
    let (status, body) = owner
        .save(
            "application/json",
            serde_json::to_string_pretty(&broken).unwrap(),
            None,
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("line "),
        "{body}"
    );
    assert_eq!(owner.document().await.1, version);
}

#[tokio::test]
async fn a_save_from_an_old_version_is_refused_and_a_removed_table_stops_working() {
    let owner = Owner::start().await;
    let (mut file, version) = owner.document().await;
    // Staff 86 a dish on the board meanwhile: the version moves on.
    let response = owner
        .server
        .http
        .post(owner.server.api("/restaurants/demo/staff/availability"))
        .bearer_auth(&owner.token)
        .json(&json!({"item_id": "tiramisu", "available": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    file["restaurant"]["name"] = json!("Renamed from an old copy");
    let (status, body) = owner
        .save("application/json", file.to_string(), Some(&version))
        .await;
    assert_eq!(status, 412, "{body}");
    assert_eq!(body["code"], "edited_elsewhere");
    let (now, newer) = owner.document().await;
    assert_ne!(newer, version);
    assert_eq!(
        now["restaurant"]["name"], "Trattoria Demo",
        "the stale save changed nothing"
    );

    // From the current version: Terrace 2 removed, table 1 renamed.
    let links = owner.links().await;
    let removed = links
        .iter()
        .find(|(id, _)| id == "terrace-2")
        .unwrap()
        .1
        .clone();
    let kept = links.iter().find(|(id, _)| id == "1").unwrap().1.clone();
    let mut file = now;
    let tables = file["tables"].as_array_mut().unwrap();
    tables.retain(|t| t["id"] != "terrace-2");
    tables[0]["label"] = json!("Window 1");
    let (status, body) = owner
        .save("application/json", file.to_string(), Some(&newer))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["tables_removed"], 1);
    assert_eq!(owner.table_status(&removed).await, StatusCode::GONE);
    assert_eq!(
        owner.table_status(&kept).await,
        StatusCode::OK,
        "a renamed table keeps its code"
    );
    let links = owner.links().await;
    assert_eq!(links.len(), 9);
    assert!(links.iter().any(|(id, link)| id == "1" && *link == kept));
}

#[tokio::test]
async fn the_qr_sheet_holds_every_current_link_and_a_rotated_code_is_refused_at_once() {
    let owner = Owner::start().await;
    let links = owner.links().await;
    assert_eq!(links.len(), 10);
    let expected: BTreeSet<String> = links.iter().map(|(_, l)| l.clone()).collect();
    assert_eq!(owner.decoded_sheet().await, expected);

    // One PNG per table, as the tables page shows it.
    let png = owner
        .download("/restaurants/demo/owner/tables/7/qr.png", "image/png")
        .await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("table-7.png");
    std::fs::write(&file, png).unwrap();
    let seven = links.iter().find(|(id, _)| id == "7").unwrap().1.clone();
    assert_eq!(qr::decode_qr_codes(&file), std::slice::from_ref(&seven));

    // Rotate table 7 through the owner API while the server runs.
    let response = owner
        .server
        .http
        .post(owner.server.api("/restaurants/demo/owner/tables/7/rotate"))
        .bearer_auth(&owner.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let rotated: Value = response.json().await.unwrap();
    let new_link = rotated["link"].as_str().unwrap().to_owned();
    assert_ne!(new_link, seven);
    assert_eq!(owner.table_status(&seven).await, StatusCode::GONE);
    assert_eq!(owner.table_status(&new_link).await, StatusCode::OK);
    let sheet = owner.decoded_sheet().await;
    assert!(sheet.contains(&new_link) && !sheet.contains(&seven));
    assert_eq!(sheet.len(), 10);

    // The owner commands, run while the server holds the data file.
    let out = owner.server.admin(&["rotate-table", "--table", "3"]);
    let three = links.iter().find(|(id, _)| id == "3").unwrap().1.clone();
    assert_eq!(owner.table_status(&three).await, StatusCode::GONE, "{out}");
    let listed = owner.server.admin(&["tables"]);
    let current: Vec<(String, String)> = owner.links().await;
    for (_, link) in &current {
        assert!(listed.contains(link.as_str()), "{listed}");
    }
    assert!(!listed.contains(&three));
    let pdf = dir.path().join("cli.pdf");
    let out = owner
        .server
        .admin(&["qr-sheet", "--out", pdf.to_str().unwrap()]);
    assert!(out.contains("10 tables"), "{out}");
    let decoded = qr::decode_sheet(&pdf, tabletap_qrsheet::Paper::A4, current.len(), dir.path());
    assert_eq!(decoded, current.into_iter().map(|(_, l)| l).collect());
}

#[tokio::test]
async fn a_photo_upload_is_checked_kept_and_served() {
    let owner = Owner::start().await;
    let upload = |media: &'static str, bytes: Vec<u8>| {
        owner
            .server
            .http
            .post(owner.server.api("/restaurants/demo/owner/photos"))
            .bearer_auth(&owner.token)
            .header("content-type", media)
            .body(bytes)
            .send()
    };
    // A real PNG: table 1's QR code.
    let png = owner
        .download("/restaurants/demo/owner/tables/1/qr.png", "image/png")
        .await;
    let response = upload("image/png", png.clone()).await.unwrap();
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    let url = body["url"].as_str().unwrap().to_owned();
    assert!(
        url.starts_with("/photos/demo/") && url.ends_with(".png"),
        "{url}"
    );
    // The same photo again: the same name.
    let again: Value = upload("image/png", png.clone())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again["url"], url.as_str());

    let served = owner
        .server
        .http
        .get(format!("{}{url}", owner.server.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "image/png");
    assert!(
        served.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert_eq!(served.bytes().await.unwrap().to_vec(), png);

    // What is refused, and why.
    for (media, bytes, status, code) in [
        ("image/jpeg", png.clone(), 415, "photo_type_mismatch"),
        (
            "image/svg+xml",
            b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(),
            415,
            "unsupported_photo",
        ),
        (
            "image/png",
            b"<html>not a photo</html>".to_vec(),
            415,
            "unsupported_photo",
        ),
        (
            "image/png",
            [png.clone(), vec![0; 2 * 1024 * 1024]].concat(),
            413,
            "photo_too_large",
        ),
    ] {
        let response = upload(media, bytes).await.unwrap();
        assert_eq!(response.status(), status, "{media}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], code, "{media}: {body}");
    }

    // The item shows it once saved.
    let (mut file, version) = owner.document().await;
    file["categories"][0]["items"][0]["image_url"] = json!(url);
    let (status, body) = owner
        .save("application/json", file.to_string(), Some(&version))
        .await;
    assert_eq!(status, 200, "{body}");
    let menu = owner
        .server
        .get_json(&owner.server.api("/restaurants/demo/menu"))
        .await;
    assert_eq!(menu["categories"][0]["items"][0]["image_url"], url.as_str());
}
