//! `ListMultipartUploads` for s3s-fs, which lacks it: every upload leaves a metadata file named
//! `.bucket-{BUCKET}.object-{KEY}.upload-{ID}.metadata.json` (names in URL-safe base64) in the
//! store's root from `CreateMultipartUpload` until it is completed or aborted.

use std::path::Path;
use std::time::SystemTime;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// An upload found on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundUpload {
    pub key: String,
    pub upload_id: String,
    pub initiated: Option<SystemTime>,
}

fn decode(s: &str) -> Option<String> {
    String::from_utf8(URL_SAFE_NO_PAD.decode(s).ok()?).ok()
}

/// (bucket, key, upload id) of a metadata file name, if it is one.
fn parse(name: &str) -> Option<(String, String, String)> {
    let rest = name
        .strip_prefix(".bucket-")?
        .strip_suffix(".metadata.json")?;
    let (bucket, rest) = rest.split_once(".object-")?;
    let (key, upload) = rest.rsplit_once(".upload-")?;
    Some((decode(bucket)?, decode(key)?, upload.to_string()))
}

/// Uploads of `bucket` that have a metadata file in `root`, oldest first.
pub fn open_uploads(root: &Path, bucket: &str) -> std::io::Result<Vec<FoundUpload>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(root)? {
        let entry = entry?;
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            continue;
        };
        let Some((b, key, upload_id)) = parse(&name) else {
            continue;
        };
        if b != bucket {
            continue;
        }
        let initiated = entry.metadata().and_then(|m| m.modified()).ok();
        found.push(FoundUpload {
            key,
            upload_id,
            initiated,
        });
    }
    found.sort_by_key(|u| u.initiated);
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_bucket_key_and_upload_from_the_metadata_name() {
        let name = format!(
            ".bucket-{}.object-{}.upload-0f-1a.metadata.json",
            URL_SAFE_NO_PAD.encode("vidmsg"),
            URL_SAFE_NO_PAD.encode("messages/7/ab/video")
        );
        assert_eq!(
            parse(&name),
            Some((
                "vidmsg".into(),
                "messages/7/ab/video".into(),
                "0f-1a".into()
            ))
        );
        // An object's own metadata (no upload) is not an upload.
        let plain = format!(
            ".bucket-{}.object-{}.metadata.json",
            URL_SAFE_NO_PAD.encode("vidmsg"),
            URL_SAFE_NO_PAD.encode("k")
        );
        assert_eq!(parse(&plain), None);
    }
}
