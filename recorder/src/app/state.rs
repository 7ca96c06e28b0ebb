//! What the recorder app shows: the screen it is on, the recording's phase and progress, the
//! sources found, recent recordings, sign-in and notices. The UI reads it (`&State`) and never
//! changes it; only [`RecorderApp::apply`](super::RecorderApp::apply) and the answers of
//! background work do.

use eframe::egui;
use vidmsg_api::Id;
use vidmsg_desktop::SignInDraft;
use vidmsg_media::devices::Device;

use super::recent::Recent;
use super::settings::Settings;
use crate::capture::monitors::Monitor;
use crate::session::Event;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    SignIn,
    Main,
    Settings,
}

/// A recording in progress, as the UI shows it.
#[derive(Debug, Clone, Default)]
pub struct Recording {
    pub message_id: Option<Id>,
    pub countdown: Option<u32>,
    pub recorded_ms: u64,
    pub spooled_bytes: u64,
    pub uploaded_bytes: u64,
    pub mic_db: Option<f64>,
    pub paused: bool,
    pub finishing: bool,
    pub warnings: Vec<String>,
    pub upload_behind: Option<String>,
    pub encoder: String,
}

#[derive(Debug, Clone)]
pub enum Phase {
    Idle,
    Recording(Box<Recording>),
    Done {
        url: String,
        message_id: Id,
        stop_to_link_s: f64,
        duration_ms: i64,
        /// The server marked the message urgent.
        urgent: bool,
    },
    /// What went wrong, worded for the person (the UI's edge).
    Failed(String),
}

/// Cameras, microphones, encoders and monitors: listed in the background at start (and on
/// "Refresh devices"), so the window never waits for them.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// A device listing is under way ("Looking for devices…").
    pub looking: bool,
    pub devices: Vec<Device>,
    pub encoders: Vec<String>,
    /// Monitors of the display (record one instead of the whole desktop).
    pub monitors: Vec<Monitor>,
}

/// The live preview as the main view shows it (the pipeline itself belongs to the app).
#[derive(Default)]
pub struct PreviewView {
    /// A preview is running.
    pub running: bool,
    /// The latest preview frame.
    pub texture: Option<egui::TextureHandle>,
    /// The preview's microphone level.
    pub mic_db: Option<f64>,
    pub error: Option<String>,
}

pub struct State {
    pub settings: Settings,
    /// What the settings and sign-in forms edit until saved.
    pub draft: Settings,
    pub view: View,
    pub phase: Phase,
    pub title: String,
    pub reply_to: Option<Id>,
    pub sources: Sources,
    pub recent: Vec<Recent>,
    pub notice: Option<String>,
    /// The sign-in form's way in, name, password and invite link; its server URL and API
    /// token are `draft`'s.
    pub signin: SignInDraft,
    /// A sign-in (or join) is under way.
    pub signing_in: bool,
    pub signed_in_as: Option<String>,
    /// Longest recording the server accepts, in seconds (from `GET /api/me`).
    pub server_max_secs: Option<u64>,
    /// An unfinished recording is being recovered.
    pub recovering: bool,
    pub preview: PreviewView,
    /// The window was asked to close while recording: finish the upload first, then close.
    pub close_when_done: bool,
    /// "Send to": the lists, the filter and the choice for the next recording.
    pub send_to: super::send_to::SendTo,
    /// Where the current (or just finished) recording goes, as shown (`#eng`, `bob, carol`).
    pub sending_to: Option<String>,
    /// The current recording was asked to be urgent.
    pub sending_urgent: bool,
}

impl State {
    pub fn is_recording(&self) -> bool {
        matches!(self.phase, Phase::Recording(_))
    }

    /// The longest this recording may run: the setting, capped by what the server accepts.
    pub fn max_recording_secs(&self) -> u64 {
        let own = u64::from(self.settings.max_minutes.max(1)) * 60;
        self.server_max_secs
            .map_or(own, |server| own.min(server.max(1)))
    }

    /// The recording has sound (a microphone or the system's audio).
    pub fn has_audio(&self) -> bool {
        self.settings.mic != "none" || self.settings.system_audio
    }
}

impl Recording {
    /// Takes in what the session reported.
    pub fn on_event(&mut self, e: Event) {
        match e {
            Event::Created { message_id, .. } => self.message_id = Some(message_id),
            Event::Countdown { seconds } => self.countdown = Some(seconds),
            Event::Recording { encoder, .. } => {
                self.countdown = None;
                self.encoder = encoder;
            }
            Event::Progress {
                recorded_ms,
                spooled_bytes,
                uploaded_bytes,
                mic_db,
                paused,
                ..
            } => {
                self.recorded_ms = recorded_ms;
                self.spooled_bytes = spooled_bytes;
                if let Some(u) = uploaded_bytes {
                    if u > self.uploaded_bytes {
                        self.upload_behind = None;
                    }
                    self.uploaded_bytes = u;
                }
                self.mic_db = mic_db;
                self.paused = paused;
            }
            Event::Warning { message } => self.warnings.push(message),
            Event::Paused { recorded_ms } => {
                self.paused = true;
                self.recorded_ms = recorded_ms;
            }
            Event::Resumed { recorded_ms } => {
                self.paused = false;
                self.recorded_ms = recorded_ms;
            }
            Event::Finishing { recorded_ms } => {
                self.finishing = true;
                self.recorded_ms = recorded_ms;
            }
            Event::UploadBehind { error } => self.upload_behind = Some(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_after_an_upload_stall_clears_it_and_the_server_caps_the_length() {
        let mut r = Recording::default();
        r.on_event(Event::UploadBehind {
            error: "503".into(),
        });
        r.on_event(Event::Progress {
            message_id: 1,
            recorded_ms: 1_500,
            spooled_bytes: 10,
            uploaded_bytes: Some(5),
            mic_db: Some(-20.0),
            camera_frames: None,
            paused: false,
        });
        assert_eq!((r.recorded_ms, r.uploaded_bytes), (1_500, 5));
        assert!(r.upload_behind.is_none());

        let settings = Settings {
            max_minutes: 10,
            ..Settings::default()
        };
        let mut state = State {
            draft: settings.clone(),
            settings,
            view: View::Main,
            phase: Phase::Recording(Box::new(r)),
            title: String::new(),
            reply_to: None,
            sources: Sources::default(),
            recent: Vec::new(),
            notice: None,
            signin: SignInDraft::default(),
            signing_in: false,
            signed_in_as: None,
            server_max_secs: None,
            recovering: false,
            preview: PreviewView::default(),
            close_when_done: false,
            send_to: Default::default(),
            sending_to: None,
            sending_urgent: false,
        };
        assert!(state.is_recording());
        assert_eq!(state.max_recording_secs(), 600);
        state.server_max_secs = Some(120);
        assert_eq!(state.max_recording_secs(), 120);
    }
}
