//! The poster child, `vidmsg-server make-poster` (hidden): the worker starts one per clip,
//! beside the audio decoder and under the same rules. It reads the clip's location (a
//! presigned URL: a secret, so never in argv) from stdin, caps its own address space, dies
//! with its parent, makes the poster with the fixed pipeline of [`vidmsg_media::make_poster`]
//! and writes one [`super::decode_wire`] frame to stdout: `poster` (the JPEG) or `failed`.

use std::io::{self, BufWriter, Write};

use vidmsg_media::{PosterError, PosterOptions, make_poster};

use super::decode_child::{failure, setup};
use super::decode_wire::{Failure, FailureKind, Frame, MAX_FRAME_BYTES, write_frame};

/// Runs the child: `memory_mb` caps the address space (0: no cap); `parent` is the worker's
/// process id, if it gave it. An error only when stdout is gone.
pub fn run(memory_mb: u64, parent: Option<u32>) -> io::Result<()> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let frame = match setup(memory_mb, parent) {
        Ok(location) => poster_frame(&location),
        Err(e) => Frame::Failed(Failure {
            kind: FailureKind::Setup,
            message: "the poster maker could not start".into(),
            detail: e.to_string(),
        }),
    };
    write_frame(&mut out, &frame)?;
    out.flush()
}

fn poster_frame(location: &str) -> Frame {
    match make_poster(location, &PosterOptions::default()) {
        Ok(poster) if poster.jpeg.len() <= MAX_FRAME_BYTES => {
            tracing::debug!(
                width = poster.width,
                height = poster.height,
                at_ms = poster.at.as_millis(),
                luma = poster.mean_luma,
                all_black = poster.all_black,
                "poster made"
            );
            Frame::Poster(poster.jpeg)
        }
        Ok(poster) => Frame::Failed(Failure {
            kind: FailureKind::Decode,
            message: "the poster came out too large".into(),
            detail: format!("{} bytes", poster.jpeg.len()),
        }),
        Err(PosterError::NoVideo) => Frame::Failed(Failure {
            kind: FailureKind::Decode,
            message: PosterError::NoVideo.to_string(),
            detail: String::new(),
        }),
        Err(PosterError::Media(e)) => {
            tracing::debug!(error = %e.detail(), "no poster");
            Frame::Failed(failure(&e))
        }
    }
}
