//! The pipe between the worker and its decoder child (`vidmsg-server decode-audio`): framed
//! binary messages on the child's stdout. A frame is a tag byte, a little-endian `u32` payload
//! length, then the payload:
//!
//! - `1` chunk: `u64` offset (samples at 16 kHz), then the samples as `f32`;
//! - `2` duration: `u64` milliseconds, whenever the clip's length becomes known or changes;
//! - `3` failed: `u8` kind, `u32` message length, the message (for a person), the detail (for
//!   the logs: GStreamer's element path, error and debug string);
//! - `4` end: the clip was decoded to its end;
//! - `5` poster: a JPEG (the poster child, `vidmsg-server make-poster`, sends it instead of
//!   `end`).
//!
//! The child ends with exactly one `failed`, `end` or `poster` frame; a pipe that closes without one
//! means the child crashed.

use std::io::{self, Read, Write};

use vidmsg_media::AudioChunk;

/// Largest payload a frame may announce: a corrupted stream cannot make the reader allocate
/// more than this.
pub const MAX_FRAME_BYTES: usize = 16 * 1024 * 1024;

const TAG_CHUNK: u8 = 1;
const TAG_DURATION: u8 = 2;
const TAG_FAILED: u8 = 3;
const TAG_END: u8 = 4;
const TAG_POSTER: u8 = 5;

/// Why the child stopped decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// The clip has no audio track.
    NoAudio = 1,
    /// The clip cannot be decoded: damaged, truncated, not MP4/WebM.
    Decode = 2,
    /// The clip could not be read (network, store): may work later.
    Source = 3,
    /// The pipeline produced nothing for too long.
    Timeout = 4,
    /// This machine lacks a GStreamer plugin.
    MissingPlugins = 5,
    /// The child could not set itself up (stdin, limits).
    Setup = 6,
}

impl FailureKind {
    fn from_u8(v: u8) -> Option<Self> {
        Some(match v {
            1 => Self::NoAudio,
            2 => Self::Decode,
            3 => Self::Source,
            4 => Self::Timeout,
            5 => Self::MissingPlugins,
            6 => Self::Setup,
            _ => return None,
        })
    }
}

/// A failure the child reports: what kind, a sentence for a person, the detail for logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub kind: FailureKind,
    pub message: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    Chunk(AudioChunk),
    DurationMs(u64),
    Failed(Failure),
    End,
    /// A poster image (JPEG bytes).
    Poster(Vec<u8>),
}

#[derive(Debug, thiserror::Error)]
pub enum WireError {
    #[error("reading the decoder's output: {0}")]
    Io(#[from] io::Error),
    #[error("the decoder's output is malformed: {0}")]
    Malformed(String),
}

/// Writes one frame (not flushed).
pub fn write_frame(w: &mut impl Write, frame: &Frame) -> io::Result<()> {
    let mut payload = Vec::new();
    let tag = match frame {
        Frame::Chunk(c) => {
            payload.reserve(8 + c.samples.len() * 4);
            payload.extend_from_slice(&c.offset.to_le_bytes());
            for s in &c.samples {
                payload.extend_from_slice(&s.to_le_bytes());
            }
            TAG_CHUNK
        }
        Frame::DurationMs(ms) => {
            payload.extend_from_slice(&ms.to_le_bytes());
            TAG_DURATION
        }
        Frame::Failed(f) => {
            payload.push(f.kind as u8);
            let len = u32::try_from(f.message.len()).unwrap_or(u32::MAX);
            payload.extend_from_slice(&len.to_le_bytes());
            payload.extend_from_slice(f.message.as_bytes());
            payload.extend_from_slice(f.detail.as_bytes());
            payload.truncate(MAX_FRAME_BYTES);
            TAG_FAILED
        }
        Frame::End => TAG_END,
        Frame::Poster(jpeg) => {
            payload.extend_from_slice(jpeg);
            TAG_POSTER
        }
    };
    let len = u32::try_from(payload.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "frame too large"))?;
    w.write_all(&[tag])?;
    w.write_all(&len.to_le_bytes())?;
    w.write_all(&payload)
}

/// Reads the next frame; `Ok(None)` when the stream ends cleanly between frames.
pub fn read_frame(r: &mut impl Read) -> Result<Option<Frame>, WireError> {
    let mut tag = [0u8; 1];
    match r.read_exact(&mut tag) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e.into()),
    }
    let mut len = [0u8; 4];
    r.read_exact(&mut len)?;
    let len = usize::try_from(u32::from_le_bytes(len)).unwrap_or(usize::MAX);
    if len > MAX_FRAME_BYTES {
        return Err(WireError::Malformed(format!("a frame of {len} bytes")));
    }
    let mut payload = vec![0u8; len];
    r.read_exact(&mut payload)?;
    let frame = match tag[0] {
        TAG_CHUNK => {
            let (offset, samples) = split_u64(&payload)?;
            if samples.len() % 4 != 0 {
                return Err(WireError::Malformed("a partial sample".into()));
            }
            Frame::Chunk(AudioChunk {
                offset,
                samples: samples
                    .chunks_exact(4)
                    .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                    .collect(),
            })
        }
        TAG_DURATION => Frame::DurationMs(split_u64(&payload)?.0),
        TAG_FAILED => {
            let (&kind, rest) = payload
                .split_first()
                .ok_or_else(|| WireError::Malformed("an empty failure".into()))?;
            let kind = FailureKind::from_u8(kind)
                .ok_or_else(|| WireError::Malformed(format!("failure kind {kind}")))?;
            let (len, rest) = rest
                .split_first_chunk::<4>()
                .ok_or_else(|| WireError::Malformed("a failure without a message".into()))?;
            let len = usize::try_from(u32::from_le_bytes(*len)).unwrap_or(usize::MAX);
            if len > rest.len() {
                return Err(WireError::Malformed("a failure message too long".into()));
            }
            let (message, detail) = rest.split_at(len);
            Frame::Failed(Failure {
                kind,
                message: String::from_utf8_lossy(message).into_owned(),
                detail: String::from_utf8_lossy(detail).into_owned(),
            })
        }
        TAG_END => Frame::End,
        TAG_POSTER => Frame::Poster(payload),
        other => return Err(WireError::Malformed(format!("frame tag {other}"))),
    };
    Ok(Some(frame))
}

fn split_u64(payload: &[u8]) -> Result<(u64, &[u8]), WireError> {
    let (head, rest) = payload
        .split_first_chunk::<8>()
        .ok_or_else(|| WireError::Malformed("a frame too short".into()))?;
    Ok((u64::from_le_bytes(*head), rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_garbage_is_refused() {
        let frames = vec![
            Frame::DurationMs(12_345),
            Frame::Chunk(AudioChunk {
                offset: 16_000,
                samples: vec![0.0, -0.5, 0.25],
            }),
            Frame::Failed(Failure {
                kind: FailureKind::Decode,
                message: "the video is damaged".into(),
                detail: "qtdemux0: no moov".into(),
            }),
            Frame::End,
            Frame::Poster(vec![0xFF, 0xD8, 0xFF, 0xD9]),
        ];
        let mut buf = Vec::new();
        for f in &frames {
            write_frame(&mut buf, f).expect("write");
        }
        let mut r = buf.as_slice();
        for f in &frames {
            assert_eq!(read_frame(&mut r).expect("read").as_ref(), Some(f));
        }
        assert!(read_frame(&mut r).expect("clean end").is_none());

        let mut r = &buf[..buf.len() - 3];
        for f in &frames[..frames.len() - 1] {
            assert_eq!(read_frame(&mut r).expect("read").as_ref(), Some(f));
        }
        assert!(
            read_frame(&mut r).is_err(),
            "a frame cut short is an error, not a frame nor a clean end"
        );
        let mut huge: &[u8] = &[1, 0xff, 0xff, 0xff, 0xff];
        assert!(matches!(
            read_frame(&mut huge),
            Err(WireError::Malformed(_))
        ));
    }
}
