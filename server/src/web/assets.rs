//! Static files of the web pages (the top-level `assets/` folder), embedded in the binary and
//! served under names that carry a hash of their content (`/assets/watch.3f9a1c2e.js`), so a
//! browser may cache them forever and a new build is fetched at once.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const FILES: &[Asset] = &[
    Asset {
        name: "vidmsg.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/vidmsg.css")),
    },
    Asset {
        name: "watch.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/watch.js")),
    },
    Asset {
        name: "library.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/library.js")),
    },
    Asset {
        name: "icon.svg",
        content_type: "image/svg+xml",
        bytes: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/icon.svg")),
    },
];

/// (hashed name, asset) for every file.
static HASHED: LazyLock<Vec<(String, &'static Asset)>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|a| {
            let hash = hex::encode(&Sha256::digest(a.bytes)[..4]);
            let hashed = match a.name.rsplit_once('.') {
                Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
                None => format!("{}.{hash}", a.name),
            };
            (hashed, a)
        })
        .collect()
});

/// The URL path of asset `name` (`/assets/{stem}.{hash}.{ext}`).
pub fn url(name: &str) -> String {
    HASHED
        .iter()
        .find(|(_, a)| a.name == name)
        .map(|(h, _)| format!("/assets/{h}"))
        .unwrap_or_else(|| format!("/assets/{name}"))
}

/// `GET /assets/{file}`: a hashed name is cached for a year; anything else is 404.
pub async fn serve(Path(file): Path<String>) -> Response {
    match HASHED.iter().find(|(h, _)| *h == file) {
        Some((_, a)) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(a.content_type),
                ),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=31536000, immutable"),
                ),
            ],
            a.bytes,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such file").into_response(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_carry_a_content_hash() {
        let u = super::url("watch.js");
        assert!(
            u.starts_with("/assets/watch.") && u.ends_with(".js") && u.len() > 20,
            "{u}"
        );
    }
}
