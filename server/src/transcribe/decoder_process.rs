//! The worker's side of decoding: starts the decoder child (`vidmsg-server decode-audio`, see
//! [`super::decode_child`]), hands it the clip's location on stdin, reads its frames on a
//! thread, and enforces the limits. A child that sends nothing for `idle_timeout`, or keeps
//! the worker waiting longer than `total_timeout` in all, is killed; one that dies without an
//! `end` or `failed` frame crashed. Whisper stays in the worker and only ever sees samples.

use std::io::{BufReader, Write as _};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use vidmsg_media::AudioChunk;

use super::decode_wire::{Failure, FailureKind, Frame, WireError, read_frame};

/// Where the decoder child is and what it may use.
#[derive(Debug, Clone)]
pub struct DecoderSettings {
    /// The `vidmsg-server` binary (it has the hidden `decode-audio` command).
    pub program: PathBuf,
    /// The child is killed when it sends nothing for this long.
    pub idle_timeout: Duration,
    /// The child is killed when the worker has waited this long for it in all (time spent in
    /// whisper does not count).
    pub total_timeout: Duration,
    /// Address-space limit of the child in MiB (0: none).
    pub memory_mb: u64,
    /// Accept WAV besides MP4 and WebM: for an operator's own files, never for uploads.
    pub accept_wav: bool,
}

pub const DEFAULT_DECODE_TIMEOUT: Duration = Duration::from_secs(60);
pub const DEFAULT_DECODE_TOTAL: Duration = Duration::from_secs(30 * 60);
pub const DEFAULT_DECODE_MEMORY_MB: u64 = 2048;

impl Default for DecoderSettings {
    fn default() -> Self {
        Self {
            program: default_program(),
            idle_timeout: DEFAULT_DECODE_TIMEOUT,
            total_timeout: DEFAULT_DECODE_TOTAL,
            memory_mb: DEFAULT_DECODE_MEMORY_MB,
            accept_wav: false,
        }
    }
}

/// This executable when it is `vidmsg-server`; else a `vidmsg-server` beside it or in its
/// parent folder (a test binary in `target/debug/deps`); else `vidmsg-server` on the PATH.
pub fn default_program() -> PathBuf {
    let name = format!("vidmsg-server{}", std::env::consts::EXE_SUFFIX);
    let Ok(exe) = std::env::current_exe() else {
        return PathBuf::from(name);
    };
    if exe.file_name().is_some_and(|n| n == name.as_str()) {
        return exe;
    }
    let beside = exe.parent().map(|d| d.join(&name));
    let above = exe.parent().and_then(|d| d.parent()).map(|d| d.join(&name));
    [beside, above]
        .into_iter()
        .flatten()
        .find(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from(name))
}

#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// The child said why it stopped; `message` is for a person.
    #[error("{}", .0.message)]
    Failed(Failure),
    #[error("decoding made no progress for {} s and was stopped", .0.as_secs())]
    Hung(Duration),
    #[error("decoding took longer than {} s and was stopped", .0.as_secs())]
    TooLong(Duration),
    #[error("the decoder crashed ({0})")]
    Crashed(String),
    #[error("could not start the decoder {program}: {source}")]
    Spawn {
        program: String,
        source: std::io::Error,
    },
}

impl DecodeError {
    /// The child crashed, hung or ran too long: the clip may be hostile or damaged; counts as
    /// an attempt.
    pub fn is_crash_or_hang(&self) -> bool {
        matches!(
            self,
            DecodeError::Hung(_) | DecodeError::TooLong(_) | DecodeError::Crashed(_)
        )
    }

    /// Whether trying again could help.
    pub fn is_transient(&self) -> bool {
        match self {
            DecodeError::Failed(f) => matches!(
                f.kind,
                FailureKind::Source | FailureKind::Timeout | FailureKind::Setup
            ),
            _ => true,
        }
    }

    /// Everything known, GStreamer's words included: for logs.
    pub fn detail(&self) -> String {
        match self {
            DecodeError::Failed(f) => format!("{} [{}]", f.message, f.detail),
            e => e.to_string(),
        }
    }
}

/// A running decoder child. Dropping it kills the child.
pub struct DecoderProcess {
    child: Child,
    frames: Receiver<Result<Option<Frame>, WireError>>,
    settings: DecoderSettings,
    waited: Duration,
    duration: Option<Duration>,
    done: bool,
}

impl DecoderProcess {
    /// Starts the child and gives it `location` (on stdin: presigned URLs are secrets).
    pub fn spawn(settings: &DecoderSettings, location: &str) -> Result<Self, DecodeError> {
        let spawn_err = |source| DecodeError::Spawn {
            program: settings.program.display().to_string(),
            source,
        };
        let mut command = Command::new(&settings.program);
        command
            .arg("decode-audio")
            .args(["--memory-mb", &settings.memory_mb.to_string()])
            .args(["--parent-pid", &std::process::id().to_string()]);
        if settings.accept_wav {
            command.arg("--accept-wav");
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(spawn_err)?;
        let (stdin, stdout) = (child.stdin.take(), child.stdout.take());
        let this = |child: Child, rx| Self {
            child,
            frames: rx,
            settings: settings.clone(),
            waited: Duration::ZERO,
            duration: None,
            done: false,
        };
        let (tx, rx) = mpsc::sync_channel(16);
        let (Some(mut stdin), Some(stdout)) = (stdin, stdout) else {
            drop(this(child, rx)); // kills it
            return Err(spawn_err(std::io::Error::other("no pipes to the child")));
        };
        let reader = std::thread::Builder::new()
            .name("decoder-reader".into())
            .spawn(move || {
                let mut r = BufReader::with_capacity(256 * 1024, stdout);
                loop {
                    let frame = read_frame(&mut r);
                    let last = !matches!(frame, Ok(Some(Frame::Chunk(_) | Frame::DurationMs(_))));
                    if tx.send(frame).is_err() || last {
                        return;
                    }
                }
            });
        let process = this(child, rx);
        reader.map_err(spawn_err)?;
        // A child that dies at once closes its stdin: that shows up as a crash when reading.
        let _ = writeln!(stdin, "{location}");
        drop(stdin);
        Ok(process)
    }

    /// Length of the clip, once the child knows it.
    pub fn duration(&self) -> Option<Duration> {
        self.duration
    }

    /// Next decoded buffer; `Ok(None)` at the end of the clip.
    pub fn next_chunk(&mut self) -> Result<Option<AudioChunk>, DecodeError> {
        if self.done {
            return Ok(None);
        }
        loop {
            let left = self.settings.total_timeout.saturating_sub(self.waited);
            if left.is_zero() {
                return Err(self.stop(DecodeError::TooLong(self.settings.total_timeout)));
            }
            let wait = self.settings.idle_timeout.min(left);
            let t0 = Instant::now();
            let got = self.frames.recv_timeout(wait);
            self.waited += t0.elapsed();
            match got {
                Ok(Ok(Some(Frame::Chunk(c)))) => return Ok(Some(c)),
                Ok(Ok(Some(Frame::DurationMs(ms)))) => {
                    self.duration = Some(Duration::from_millis(ms));
                }
                Ok(Ok(Some(Frame::End))) => {
                    self.done = true;
                    self.reap();
                    return Ok(None);
                }
                Ok(Ok(Some(Frame::Failed(f)))) => {
                    self.done = true;
                    self.reap();
                    return Err(DecodeError::Failed(f));
                }
                Ok(Ok(None)) | Err(RecvTimeoutError::Disconnected) => {
                    let status = self.reap();
                    return Err(self.stop(DecodeError::Crashed(status)));
                }
                Ok(Err(e)) => {
                    let status = self.reap();
                    return Err(self.stop(DecodeError::Crashed(format!("{status}; {e}"))));
                }
                Ok(Ok(Some(Frame::Poster(_)))) => {
                    let status = self.reap();
                    return Err(self.stop(DecodeError::Crashed(format!(
                        "{status}; it sent a poster instead of audio"
                    ))));
                }
                Err(RecvTimeoutError::Timeout) if wait < self.settings.idle_timeout => {
                    return Err(self.stop(DecodeError::TooLong(self.settings.total_timeout)));
                }
                Err(RecvTimeoutError::Timeout) => {
                    return Err(self.stop(DecodeError::Hung(self.settings.idle_timeout)));
                }
            }
        }
    }

    /// Kills the child (if it still runs) and returns `e`.
    fn stop(&mut self, e: DecodeError) -> DecodeError {
        self.done = true;
        let _ = self.child.kill();
        let _ = self.child.wait();
        e
    }

    /// Waits a little for the child to exit (it has said its last word or closed its
    /// output), kills it if it does not, and describes how it ended.
    fn reap(&mut self) -> String {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return describe_exit(status),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Ok(None) => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    return "it stopped talking but did not exit, so it was killed".into();
                }
                Err(e) => return format!("its status is unknown: {e}"),
            }
        }
    }
}

impl Drop for DecoderProcess {
    fn drop(&mut self) {
        // A child already waited for is not signalled again (std keeps its status).
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(super) fn describe_exit(status: std::process::ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt as _;
        if let Some(sig) = status.signal() {
            let name = match sig {
                6 => " (SIGABRT: it aborted, e.g. out of its memory limit)",
                9 => " (SIGKILL)",
                11 => " (SIGSEGV)",
                _ => "",
            };
            return format!("killed by signal {sig}{name}");
        }
    }
    match status.code() {
        Some(code) => format!("it exited with code {code} without saying why"),
        None => format!("it ended: {status}"),
    }
}
