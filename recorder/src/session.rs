//! One recording, start to link: create the message, capture into the spool folder while the
//! uploader sends parts, stop (SIGINT, duration, or a pipeline error), send the tail, complete.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use serde::Serialize;
use tokio::sync::Mutex;
use vidmsg_api::{Client, CreateMessage, CreateThread, Id, MessageKind};

use crate::capture::{Capture, CaptureSpec};
use crate::recipients::Recipients;
use crate::upload::{UploadState, Uploader};

/// Where the recording goes.
#[derive(Debug, Clone)]
pub enum Destination {
    /// A new thread titled like the recording, with only the author.
    NewThread,
    /// A new thread titled like the recording, in a space or with people.
    To(Recipients),
    Thread(Id),
    /// A reply to this message, in its thread.
    ReplyTo(Id),
}

#[derive(Debug, Clone)]
pub struct SessionSpec {
    pub server: String,
    pub token: String,
    pub title: String,
    pub destination: Destination,
    pub max_duration: Option<Duration>,
    pub capture: CaptureSpec,
    /// Parent folder of the per-recording spool folders.
    pub recordings_dir: PathBuf,
    /// Seconds of 3-2-1 before capture starts.
    pub countdown: u32,
    /// Mark the message urgent: its notifications go out at once, even during the recipients'
    /// quiet hours.
    pub urgent: bool,
}

/// The address to share for a message: its web page on the server (it opens in any browser for
/// those who see the thread; the player opens it too).
pub fn message_url(server: &str, message_id: Id) -> String {
    format!("{}/v/{}", server.trim_end_matches('/'), message_id)
}

/// What a recording reports while it runs. The CLI prints each as a JSON line on stderr
/// (`{"event":"progress",…}`); the app shows them.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The message exists; its folder holds the spool file.
    Created {
        message_id: Id,
        thread_id: Id,
        spool: PathBuf,
    },
    Countdown {
        seconds: u32,
    },
    Recording {
        message_id: Id,
        encoder: String,
    },
    /// Once a second.
    Progress {
        message_id: Id,
        recorded_ms: u64,
        spooled_bytes: u64,
        /// None while a part is being sent.
        uploaded_bytes: Option<u64>,
        mic_db: Option<f64>,
        camera_frames: Option<u64>,
        paused: bool,
    },
    Warning {
        message: String,
    },
    Paused {
        recorded_ms: u64,
    },
    Resumed {
        recorded_ms: u64,
    },
    /// Capture stopped; the tail and `complete` are on their way.
    Finishing {
        recorded_ms: u64,
    },
    /// An upload attempt failed; the recording is safe on disk and the upload will catch up.
    UploadBehind {
        error: String,
    },
}

/// Where events go.
pub type Events = Arc<dyn Fn(&Event) + Send + Sync>;

/// The line the CLI prints.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub message_id: Id,
    pub thread_id: Id,
    pub url: String,
    pub duration_ms: i64,
    pub spool: PathBuf,
    /// Seconds from stop to the server answering `complete`.
    pub stop_to_link_s: f64,
    /// Where it was sent (`space:eng`, `user:bob,user:carol`), when `--to` chose.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// The server marked the message urgent (as asked with `--urgent`).
    pub urgent: bool,
}

/// Turns input readings (one a second) into warnings: a microphone quieter than −60 dBFS for
/// 3 s, a camera that delivered no frame for 2 s. Each warning is given once until it clears.
#[derive(Debug, Default)]
struct InputWatch {
    silent_s: u32,
    warned_silent: bool,
    last_frames: Option<u64>,
    still_s: u32,
    warned_camera: bool,
}

impl InputWatch {
    fn check(&mut self, inputs: crate::capture::InputStatus) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(db) = inputs.mic_db {
            if db < -60.0 {
                self.silent_s += 1;
                if self.silent_s >= 3 && !self.warned_silent {
                    self.warned_silent = true;
                    out.push(format!("the microphone is silent ({db:.0} dBFS): check the input device and mute switch"));
                }
            } else {
                self.silent_s = 0;
                self.warned_silent = false;
            }
        }
        if let Some(frames) = inputs.camera_frames {
            if self.last_frames == Some(frames) {
                self.still_s += 1;
                if self.still_s >= 2 && !self.warned_camera {
                    self.warned_camera = true;
                    out.push(
                        "the camera delivers no frames: check that no other app holds it"
                            .to_string(),
                    );
                }
            } else {
                self.still_s = 0;
                self.warned_camera = false;
            }
            self.last_frames = Some(frames);
        }
        out
    }
}

/// `$XDG_DATA_HOME/vidmsg/recordings`, else `~/.local/share/vidmsg/recordings`.
pub fn default_recordings_dir() -> PathBuf {
    if let Some(x) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(x).join("vidmsg/recordings");
    }
    std::env::var_os("HOME")
        .map(|h| PathBuf::from(h).join(".local/share/vidmsg/recordings"))
        .unwrap_or_else(|| PathBuf::from("vidmsg-recordings"))
}

/// Records until `stop` resolves (or the max duration, or a capture error), then finishes.
/// Each value received on `pause` toggles pause/resume.
pub async fn record(
    spec: SessionSpec,
    stop: impl std::future::Future<Output = ()>,
    mut pause: tokio::sync::mpsc::UnboundedReceiver<()>,
    events: Events,
) -> anyhow::Result<Outcome> {
    let client = Client::new(&spec.server, Some(spec.token.clone()))?;
    let to = match &spec.destination {
        Destination::To(r) => Some(r.label()),
        _ => None,
    };
    let (thread_id, parent_id) = match &spec.destination {
        Destination::Thread(t) => (*t, None),
        Destination::ReplyTo(m) => (
            client
                .get_message(*m)
                .await
                .context("the message to reply to")?
                .thread_id,
            Some(*m),
        ),
        Destination::To(recipients) => {
            // Checked before anything is created or recorded: a wrong name records nothing.
            let new = recipients.resolve(&client, &spec.title).await?;
            (
                client
                    .new_thread(&new)
                    .await
                    .context("creating the thread")?
                    .id,
                None,
            )
        }
        Destination::NewThread => {
            let t = client
                .create_thread(&CreateThread {
                    title: spec.title.clone(),
                    members: vec![],
                })
                .await?;
            (t.id, None)
        }
    };
    let msg = client
        .create_message(
            thread_id,
            &CreateMessage {
                kind: MessageKind::Video,
                title: Some(spec.title.clone()),
                body: None,
                parent_id,
                content_type: None,
                urgent: spec.urgent,
            },
        )
        .await
        .context("creating the message")?;
    if spec.urgent && !msg.urgent {
        events(&Event::Warning {
            message: "the server did not mark the message urgent (it may not know urgent \
                      messages yet): recipients are notified as usual"
                .to_string(),
        });
    }
    let dir = spec.recordings_dir.join(format!("{}", msg.id));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let spool = dir.join("recording.mp4");
    let state_path = dir.join("upload.json");
    let state = UploadState {
        server: spec.server.clone(),
        message_id: msg.id,
        thread_id,
        title: Some(spec.title.clone()),
        started_at: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0),
        ..Default::default()
    };
    state.save(&state_path)?;
    events(&Event::Created {
        message_id: msg.id,
        thread_id,
        spool: spool.clone(),
    });
    if spec.countdown > 0 {
        for n in (1..=spec.countdown).rev() {
            events(&Event::Countdown { seconds: n });
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
    let capture = match Capture::start(&spec.capture, &spool) {
        Ok(c) => c,
        Err(e) => {
            // Nothing was recorded: take the message back so no empty upload lingers.
            if let Err(abort) = client.abort_upload(msg.id).await {
                tracing::warn!(error = %abort, "could not withdraw message {}", msg.id);
            }
            let _ = std::fs::remove_dir_all(&dir);
            return Err(e.into());
        }
    };
    tracing::info!(message = msg.id, spool = %spool.display(), "recording");
    events(&Event::Recording {
        message_id: msg.id,
        encoder: capture.encoder().to_string(),
    });

    // Upload parts as they fill, until told to stop.
    let uploader = Arc::new(Mutex::new(Uploader::new(
        client.clone(),
        spool.clone(),
        state_path,
        state,
    )));
    let (done_tx, mut done_rx) = tokio::sync::watch::channel(false);
    let background = {
        let uploader = uploader.clone();
        let events = events.clone();
        tokio::spawn(async move {
            loop {
                if let Err(e) = uploader.lock().await.send_ready(false).await {
                    tracing::warn!(error = %e, "upload is behind; the recording is safe on disk and will catch up");
                    events(&Event::UploadBehind {
                        error: format!("{e:#}"),
                    });
                }
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_millis(500)) => {}
                    _ = done_rx.changed() => return,
                }
            }
        })
    };

    // The server states the longest recording it takes; never record past it.
    let server_max = match client.me_with_limits().await {
        Ok(me) => Some(Duration::from_secs(me.limits.max_recording_secs.max(1))),
        Err(e) => {
            tracing::debug!(error = %e, "could not read the server's limits");
            None
        }
    };
    let max = match (spec.max_duration, server_max) {
        (Some(own), Some(server)) => own.min(server),
        (own, server) => own.or(server).unwrap_or(Duration::from_secs(4 * 3600)),
    };
    let progress_uploader = uploader.clone();
    let spool_for_progress = spool.clone();
    let watch_capture = async {
        let mut last_report = std::time::Instant::now();
        let mut paused = false;
        let mut warnings = InputWatch::default();
        // Watchdog: a capture that stops producing video while not paused is an error, not a
        // recording that never ends.
        let (mut last_encoded, mut last_progress) = (capture.encoded(), std::time::Instant::now());
        loop {
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(100)) => {}
                Some(()) = pause.recv() => {
                    paused = !paused;
                    capture.set_paused(paused)?;
                    let recorded_ms = capture.encoded().as_millis() as u64;
                    events(&if paused { Event::Paused { recorded_ms } } else { Event::Resumed { recorded_ms } });
                }
            }
            if last_report.elapsed() >= Duration::from_secs(1) {
                last_report = std::time::Instant::now();
                let inputs = capture.inputs();
                events(&Event::Progress {
                    message_id: msg.id,
                    recorded_ms: capture.encoded().as_millis() as u64,
                    spooled_bytes: std::fs::metadata(&spool_for_progress)
                        .map(|m| m.len())
                        .unwrap_or(0),
                    uploaded_bytes: progress_uploader
                        .try_lock()
                        .map(|u| u.state.sent_bytes())
                        .ok(),
                    mic_db: inputs.mic_db,
                    camera_frames: inputs.camera_frames,
                    paused,
                });
                if !paused {
                    for w in warnings.check(inputs) {
                        tracing::warn!("{w}");
                        events(&Event::Warning { message: w });
                    }
                }
            }
            if let Some(e) = capture.error() {
                return Err(e.into());
            }
            let now_encoded = capture.encoded();
            if paused || now_encoded != last_encoded {
                (last_encoded, last_progress) = (now_encoded, std::time::Instant::now());
            } else if last_progress.elapsed() > Duration::from_secs(15) {
                anyhow::bail!(
                    "capture stalled: no video for 15 s (the recording so far is kept in the spool folder)"
                );
            }
            if capture.encoded() >= max {
                return Ok(());
            }
        }
    };
    let result = tokio::select! {
        r = watch_capture => r,
        () = stop => Ok(()),
    };
    let stopped_at = std::time::Instant::now();
    let encoded =
        tokio::task::spawn_blocking(move || capture.stop(Duration::from_secs(10))).await??;
    result?;
    events(&Event::Finishing {
        recorded_ms: encoded.as_millis() as u64,
    });
    let _ = done_tx.send(true);
    let _ = background.await;
    let duration_ms = i64::try_from(encoded.as_millis()).unwrap_or(i64::MAX);
    let finished = uploader
        .lock()
        .await
        .finish(Some(duration_ms), Duration::from_secs(600))
        .await?;
    let stop_to_link_s = stopped_at.elapsed().as_secs_f64();
    Ok(Outcome {
        message_id: finished.id,
        thread_id: finished.thread_id,
        url: message_url(&spec.server, finished.id),
        duration_ms,
        spool,
        stop_to_link_s,
        to,
        urgent: msg.urgent || finished.urgent,
    })
}

#[cfg(test)]
mod tests {
    use super::InputWatch;
    use crate::capture::InputStatus;

    #[test]
    fn silence_and_frozen_cameras_warn_once_until_they_clear() {
        let mut w = InputWatch::default();
        let quiet = InputStatus {
            mic_db: Some(-90.0),
            camera_frames: Some(10),
        };
        assert!(w.check(quiet).is_empty());
        assert!(w.check(quiet).is_empty());
        let third = w.check(quiet);
        assert!(
            third.iter().any(|m| m.contains("camera")),
            "no new frame for 2 s: {third:?}"
        );
        assert!(
            third.iter().any(|m| m.contains("microphone")),
            "silent for 3 s: {third:?}"
        );
        assert!(w.check(quiet).is_empty(), "each warning once");
        let loud = InputStatus {
            mic_db: Some(-20.0),
            camera_frames: Some(40),
        };
        assert!(w.check(loud).is_empty());
        let no_mic = InputStatus {
            mic_db: None,
            camera_frames: None,
        };
        assert!(w.check(no_mic).is_empty());
    }
}
