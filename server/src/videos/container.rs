//! What an uploaded video may be: the containers the product records and plays, told by their
//! first bytes (the exact media types they are served as are [`crate::domain::VideoType`]).
//! Anything else (a playlist, a page, random bytes) is refused before a decoder or a browser
//! ever sees it.

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
}
