//! The worker's side of making a poster: starts the poster child (`vidmsg-server
//! make-poster`, see [`super::poster_child`]) with the audio decoder's program and memory
//! limit, hands it the clip's location on stdin, and waits for its one frame. A child that
//! says nothing for the decoder's idle timeout is killed; one that dies without a word
//! crashed. Blocking: call it from a blocking thread.

use std::io::{BufReader, Write as _};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use super::decode_wire::{Frame, read_frame};
use super::decoder_process::{DecodeError, DecoderSettings, describe_exit};

/// Kills the child when dropped (a child already waited for is not signalled again).
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Makes the poster of the clip at `location`: the JPEG bytes.
pub fn make_poster(settings: &DecoderSettings, location: &str) -> Result<Vec<u8>, DecodeError> {
    let spawn_err = |source| DecodeError::Spawn {
        program: settings.program.display().to_string(),
        source,
    };
    let child = Command::new(&settings.program)
        .arg("make-poster")
        .args(["--memory-mb", &settings.memory_mb.to_string()])
        .args(["--parent-pid", &std::process::id().to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(spawn_err)?;
    let mut child = Killed(child);
    let (Some(mut stdin), Some(stdout)) = (child.0.stdin.take(), child.0.stdout.take()) else {
        return Err(spawn_err(std::io::Error::other("no pipes to the child")));
    };
    let (tx, rx) = mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name("poster-reader".into())
        .spawn(move || {
            let _ = tx.send(read_frame(&mut BufReader::new(stdout)));
        })
        .map_err(spawn_err)?;
    // A child that dies at once closes its stdin: that shows up as a crash when reading.
    let _ = writeln!(stdin, "{location}");
    drop(stdin);

    let limit = settings.idle_timeout.min(settings.total_timeout);
    let got = rx.recv_timeout(limit);
    let crashed = |child: &mut Killed, why: String| {
        // It closed its output: give it a moment to exit, to tell how it ended.
        let deadline = Instant::now() + Duration::from_secs(2);
        let status = loop {
            match child.0.try_wait() {
                Ok(Some(status)) => break describe_exit(status),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Ok(None) => break "it was still running".to_string(),
                Err(e) => break format!("its status is unknown: {e}"),
            }
        };
        DecodeError::Crashed(format!("{status}; {why}"))
    };
    match got {
        Ok(Ok(Some(Frame::Poster(jpeg)))) if jpeg.starts_with(&[0xFF, 0xD8]) => Ok(jpeg),
        Ok(Ok(Some(Frame::Failed(f)))) => Err(DecodeError::Failed(f)),
        Ok(Ok(Some(Frame::Poster(_)))) => Err(crashed(
            &mut child,
            "it sent something that is not a JPEG".into(),
        )),
        Ok(Ok(Some(_))) => Err(crashed(&mut child, "it sent an unexpected frame".into())),
        Ok(Ok(None)) | Err(RecvTimeoutError::Disconnected) => {
            Err(crashed(&mut child, "it said nothing".into()))
        }
        Ok(Err(e)) => Err(crashed(&mut child, e.to_string())),
        Err(RecvTimeoutError::Timeout) => Err(DecodeError::Hung(limit)),
    }
}
