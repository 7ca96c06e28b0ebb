//! What an uploaded video may be: the containers the product records and plays, told by their
//! first bytes, and the exact media types served for them. Anything else (a playlist, a page,
//! random bytes) is refused before a decoder or a browser ever sees it.

use std::fmt;

/// How many leading bytes [`sniff`] needs.
pub const SNIFF_LEN: u64 = 16;

/// A container the product accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// ISO base media (MP4): starts with an `ftyp` box.
    Mp4,
    /// Matroska or WebM: starts with the EBML magic.
    Matroska,
}

/// The container `head` (the first [`SNIFF_LEN`] bytes of a file) starts, if it is one we take.
pub fn sniff(head: &[u8]) -> Option<Container> {
    if head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        return Some(Container::Matroska);
    }
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        let size = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
        // A real ftyp box holds a brand, a version and a few compatible brands.
        if (16..=4096).contains(&size) {
            return Some(Container::Mp4);
        }
    }
    None
}

/// A short, printable description of what a refused file starts with (for the error message).
pub fn describe(head: &[u8]) -> String {
    if head.is_empty() {
        return "an empty file".into();
    }
    if head.starts_with(b"#EXTM3U") {
        return "a playlist (#EXTM3U)".into();
    }
    let text: String = head
        .iter()
        .take(8)
        .map(|&b| {
            if b.is_ascii_graphic() || b == b' ' {
                b as char
            } else {
                '.'
            }
        })
        .collect();
    format!("bytes \"{text}\"")
}

/// An exact media type of an accepted video.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VideoType {
    Mp4,
    Webm,
    Matroska,
}

impl VideoType {
    pub const ALL: [VideoType; 3] = [VideoType::Mp4, VideoType::Webm, VideoType::Matroska];

    /// Parses a client's `content_type`: exactly one of the accepted types (case and
    /// surrounding spaces aside), no parameters, nothing appended.
    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == t)
            .ok_or_else(|| {
                let shown: String = s.chars().take(60).collect();
                format!(
                    "content_type must be one of {}; got {shown:?}",
                    Self::ALL.map(|v| v.as_str()).join(", ")
                )
            })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            VideoType::Mp4 => "video/mp4",
            VideoType::Webm => "video/webm",
            VideoType::Matroska => "video/x-matroska",
        }
    }

    /// The file extension for downloads.
    pub fn extension(self) -> &'static str {
        match self {
            VideoType::Mp4 => "mp4",
            VideoType::Webm => "webm",
            VideoType::Matroska => "mkv",
        }
    }

    /// Whether a file of `container` may be served as this type.
    pub fn fits(self, container: Container) -> bool {
        matches!(
            (self, container),
            (VideoType::Mp4, Container::Mp4)
                | (VideoType::Webm | VideoType::Matroska, Container::Matroska)
        )
    }
}

impl fmt::Display for VideoType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_mp4_and_matroska_pass() {
        let mut mp4 = vec![0, 0, 0, 0x20];
        mp4.extend_from_slice(b"ftypisom\0\0\x02\0");
        assert_eq!(sniff(&mp4), Some(Container::Mp4));
        assert_eq!(
            sniff(&[0x1A, 0x45, 0xDF, 0xA3, 1, 2]),
            Some(Container::Matroska)
        );
        assert_eq!(sniff(b"#EXTM3U\n#EXT-X-VERSION:3\n"), None);
        assert_eq!(sniff(b"<html><body>"), None);
        assert_eq!(
            sniff(&[0, 0, 0, 0x20, b'm', b'o', b'o', b'v', 0, 0, 0, 0]),
            None
        );
        let mut huge = vec![0x7f, 0, 0, 0];
        huge.extend_from_slice(b"ftypisom\0\0\0\0");
        assert_eq!(sniff(&huge), None, "an ftyp box of 2 GB is no ftyp box");
        assert_eq!(describe(b"#EXTM3U\nhttp://x"), "a playlist (#EXTM3U)");
    }

    #[test]
    fn media_types_are_exact() {
        assert_eq!(VideoType::parse("video/mp4"), Ok(VideoType::Mp4));
        assert_eq!(VideoType::parse(" Video/WebM "), Ok(VideoType::Webm));
        assert!(VideoType::parse("video/mp4, text/html").is_err());
        assert!(VideoType::parse("video/mp4; codecs=avc1").is_err());
        assert!(VideoType::parse("text/html").is_err());
        assert!(VideoType::parse("video/mp4\r\nX-Evil: 1").is_err());
        assert!(VideoType::Webm.fits(Container::Matroska));
        assert!(!VideoType::Mp4.fits(Container::Matroska));
    }
}
