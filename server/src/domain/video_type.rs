//! The media type of a video message: exactly one of the types the product records and plays,
//! parsed from what a client declares (no parameters, no lists, no header tricks), and how it
//! is served.

use std::fmt;

use super::DomainError;
use crate::videos::container::Container;

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
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        let t = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == t)
            .ok_or_else(|| {
                let shown: String = s.chars().take(60).collect();
                DomainError(format!(
                    "content_type must be one of {}; got {shown:?}",
                    Self::ALL.map(|v| v.as_str()).join(", ")
                ))
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
