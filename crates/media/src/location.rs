//! Which locations a pipeline may read, by scheme: a plain path or `file://` (read with
//! `filesrc`) and `http(s)://` (read with `souphttpsrc`). Anything else (`rtsp://`, `data:`,
//! `sdp://`, …) is refused before GStreamer sees it, so no URI handler can be picked for it.

use std::path::PathBuf;

use crate::error::MediaError;

/// A location a pipeline may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Location {
    File(PathBuf),
    Http(String),
}

impl Location {
    /// Parses `s`: a path (no `scheme://`), `file://…`, `http://…` or `https://…`.
    pub(crate) fn parse(s: &str) -> Result<Self, MediaError> {
        let Some((scheme, _)) = s.split_once("://") else {
            return Ok(Location::File(PathBuf::from(s)));
        };
        match scheme.to_ascii_lowercase().as_str() {
            "http" | "https" => Ok(Location::Http(s.to_string())),
            "file" => gstreamer::glib::filename_from_uri(s)
                .map(|(path, _host)| Location::File(path))
                .map_err(|_| MediaError::UnsupportedLocation(redact(s))),
            other => Err(MediaError::UnsupportedLocation(other.to_string())),
        }
    }

    /// The location as a URI (`file:///abs/path` or the URL itself).
    pub(crate) fn to_uri(&self) -> Result<String, MediaError> {
        match self {
            Location::Http(url) => Ok(url.clone()),
            Location::File(path) => {
                let abs = path.canonicalize().map_err(|e| {
                    MediaError::Source(crate::error::BusError::new(
                        "filesystem",
                        gstreamer::glib::Error::new(
                            gstreamer::ResourceError::NotFound,
                            &e.to_string(),
                        ),
                        path.display().to_string(),
                    ))
                })?;
                gstreamer::glib::filename_to_uri(&abs, None)
                    .map(|u| u.to_string())
                    .map_err(|e| MediaError::Build(e.to_string()))
            }
        }
    }

    /// The source element that reads this location.
    pub(crate) fn source(&self) -> Result<gstreamer::Element, MediaError> {
        match self {
            Location::File(path) => crate::element::make("filesrc")
                .name("source")
                .property("location", path.to_string_lossy().as_ref())
                .build(),
            Location::Http(url) => crate::element::make("souphttpsrc")
                .name("source")
                .property("location", url.as_str())
                .build(),
        }
    }

    /// For messages and logs: no query string (presigned URLs carry credentials there).
    pub(crate) fn redacted(&self) -> String {
        match self {
            Location::File(p) => p.display().to_string(),
            Location::Http(url) => redact(url),
        }
    }
}

/// URLs may carry presigned credentials: keep them out of messages.
pub(crate) fn redact(uri: &str) -> String {
    uri.split('?').next().unwrap_or(uri).to_string()
}

#[cfg(test)]
mod tests {
    use super::Location;

    #[test]
    fn schemes_other_than_file_and_http_are_refused() {
        assert!(matches!(
            Location::parse("/tmp/a.mp4"),
            Ok(Location::File(_))
        ));
        assert!(matches!(
            Location::parse("HTTPS://example.test/a?X-Amz-Signature=s"),
            Ok(Location::Http(_))
        ));
        assert_eq!(
            Location::parse("file:///tmp/a.mp4").ok(),
            Some(Location::File("/tmp/a.mp4".into()))
        );
        for bad in ["rtsp://127.0.0.1/x", "sdp://x", "hls+http://x", "data://x"] {
            assert!(Location::parse(bad).is_err(), "{bad}");
        }
    }
}
