//! The decoder child, `vidmsg-server decode-audio` (hidden): the worker starts one per
//! attempt. It reads the clip's location (a presigned URL: a secret, so never in argv) from
//! stdin, caps its own address space, dies with its parent, decodes the audio with the fixed
//! pipeline of [`vidmsg_media::AudioDecoder`] and writes the samples to stdout as frames of
//! [`super::decode_wire`]. A clip that crashes or hangs GStreamer takes only this process down.

use std::io::{self, BufRead as _, BufWriter, Read as _, Write};
use std::time::Duration;

use vidmsg_media::{AudioDecoder, Containers, MediaError};

use super::decode_wire::{Failure, FailureKind, Frame, write_frame};

/// Longest location accepted on stdin.
const MAX_LOCATION_BYTES: u64 = 64 * 1024;

/// Runs the child: `memory_mb` caps the address space (0: no cap); `parent` is the worker's
/// process id, if it gave it; `containers` what the decoder accepts. Returns when the clip is
/// decoded or has failed (the failure is in the output); an error only when stdout is gone.
pub fn run(memory_mb: u64, parent: Option<u32>, containers: Containers) -> io::Result<()> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let location = match setup(memory_mb, parent) {
        Ok(location) => location,
        Err(e) => {
            let failure = Failure {
                kind: FailureKind::Setup,
                message: "the decoder could not start".into(),
                detail: e.to_string(),
            };
            write_frame(&mut out, &Frame::Failed(failure))?;
            return out.flush();
        }
    };
    decode(&location, containers, &mut out)?;
    out.flush()
}

/// Dies with the parent, caps memory, reads the location (the poster child does the same).
pub(super) fn setup(memory_mb: u64, parent: Option<u32>) -> io::Result<String> {
    #[cfg(target_os = "linux")]
    {
        rustix::process::set_parent_process_death_signal(Some(rustix::process::Signal::KILL))?;
        // The parent may have died before the line above: then nobody reads our output.
        let ppid = rustix::process::getppid().map(|p| p.as_raw_nonzero().get());
        if parent.is_some_and(|p| i32::try_from(p).ok() != ppid) {
            return Err(io::Error::other(
                "the worker that started the decoder is gone",
            ));
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = parent;
    if memory_mb > 0 {
        let bytes = memory_mb.saturating_mul(1024 * 1024);
        rustix::process::setrlimit(
            rustix::process::Resource::As,
            rustix::process::Rlimit {
                current: Some(bytes),
                maximum: Some(bytes),
            },
        )?;
    }
    let mut line = String::new();
    io::stdin()
        .lock()
        .take(MAX_LOCATION_BYTES)
        .read_line(&mut line)?;
    let location = line.trim_end_matches(['\r', '\n']).to_string();
    if location.is_empty() {
        return Err(io::Error::other("no location on stdin"));
    }
    Ok(location)
}

fn decode(location: &str, containers: Containers, out: &mut impl Write) -> io::Result<()> {
    let mut decoder = match AudioDecoder::open_with(location, containers) {
        Ok(d) => d,
        Err(e) => return fail(out, &e),
    };
    let mut sent_duration = None;
    loop {
        let next = decoder.next_chunk(Duration::from_secs(3600));
        let duration = decoder.duration().map(|d| d.as_millis());
        if duration.is_some() && duration != sent_duration {
            sent_duration = duration;
            let ms = duration.and_then(|d| u64::try_from(d).ok()).unwrap_or(0);
            write_frame(out, &Frame::DurationMs(ms))?;
        }
        match next {
            Ok(Some(chunk)) => {
                write_frame(out, &Frame::Chunk(chunk))?;
                out.flush()?;
            }
            Ok(None) => return write_frame(out, &Frame::End),
            Err(e) => return fail(out, &e),
        }
    }
}

fn fail(out: &mut impl Write, e: &MediaError) -> io::Result<()> {
    tracing::debug!(error = %e.detail(), "decoding stopped");
    write_frame(out, &Frame::Failed(failure(e)))
}

/// What a media error means for the worker.
pub(super) fn failure(e: &MediaError) -> Failure {
    let kind = match e {
        MediaError::NoAudio => FailureKind::NoAudio,
        MediaError::Source(_) => FailureKind::Source,
        MediaError::Timeout(_) => FailureKind::Timeout,
        MediaError::MissingPlugins(_) | MediaError::MissingElement { .. } => {
            FailureKind::MissingPlugins
        }
        // A decoder opens no devices; a failure of one (or of a pipeline) is the machine's.
        MediaError::Init(_)
        | MediaError::Build(_)
        | MediaError::DeviceBusy { .. }
        | MediaError::DeviceUnavailable { .. }
        | MediaError::Failed(_) => FailureKind::Setup,
        MediaError::UnsupportedLocation(_)
        | MediaError::NotAVideo { .. }
        | MediaError::Damaged(_) => FailureKind::Decode,
    };
    Failure {
        kind,
        message: e.to_string(),
        detail: e.detail(),
    }
}
