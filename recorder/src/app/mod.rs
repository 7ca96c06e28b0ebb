//! The recorder app (eframe): first-run sign-in, source pickers with a live preview, record /
//! pause / resume / stop with a timer, level meter and upload progress, the link when done
//! (copied to the clipboard), recent recordings (with recovery of unfinished ones), and settings
//! saved between runs. The recording itself is [`crate::session::record`], the same code the
//! headless CLI runs.

pub mod recent;
pub mod runner;
pub mod settings;

use std::path::PathBuf;
use std::sync::{Arc, mpsc};
use std::time::Duration;

use vidmsg_api::Id;
use vidmsg_media::devices::Device;

use crate::capture::Preview;
use crate::session::{Destination, Event, SessionSpec};
use recent::Recent;
use runner::{Running, Update};
use settings::Settings;

/// How the app is started.
#[derive(Debug, Clone, Default)]
pub struct AppOptions {
    /// Settings file (default: [`Settings::default_path`]).
    pub settings_path: Option<PathBuf>,
    /// Record a reply to this message.
    pub reply_to: Option<Id>,
    /// Sign in with these instead of the saved ones (and save them).
    pub server: Option<String>,
    pub token: Option<String>,
    /// Run the live preview (on by default in the app).
    pub preview: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    SignIn,
    Main,
    Settings,
}

/// A recording in progress, as the UI shows it.
pub struct Recording {
    pub running: Running,
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

pub enum Phase {
    Idle,
    Recording(Box<Recording>),
    Done {
        url: String,
        message_id: Id,
        stop_to_link_s: f64,
        duration_ms: i64,
    },
    Failed(String),
}

pub struct RecorderApp {
    pub settings: Settings,
    /// What the settings and sign-in forms edit until saved.
    pub draft: Settings,
    pub settings_path: PathBuf,
    pub view: View,
    pub phase: Phase,
    pub title: String,
    pub reply_to: Option<Id>,
    pub devices: Vec<Device>,
    pub encoders: Vec<String>,
    /// Monitors of the display (record one instead of the whole desktop).
    pub monitors: Vec<crate::capture::monitors::Monitor>,
    pub recent: Vec<Recent>,
    pub notice: Option<String>,
    pub signing_in: Option<mpsc::Receiver<Result<(String, u64), String>>>,
    pub signed_in_as: Option<String>,
    /// Longest recording the server accepts, in seconds (from `GET /api/me`).
    pub server_max_secs: Option<u64>,
    pub recovering: Option<mpsc::Receiver<Result<Id, String>>>,
    pub preview_enabled: bool,
    pub preview: Option<Preview>,
    pub preview_key: String,
    pub preview_error: Option<String>,
    pub preview_texture: Option<egui::TextureHandle>,
    /// The preview camera's frame count and when it last changed (for the frozen-camera warning).
    pub preview_camera: Option<(u64, std::time::Instant)>,
    pub rt: tokio::runtime::Runtime,
    /// The window was asked to close while recording: finish the upload first, then close.
    pub close_when_done: bool,
    wake: Option<Arc<dyn Fn() + Send + Sync>>,
}

pub use eframe::egui;

impl RecorderApp {
    pub fn new(ctx: &egui::Context, options: AppOptions) -> anyhow::Result<Self> {
        let settings_path = options
            .settings_path
            .clone()
            .unwrap_or_else(Settings::default_path);
        let mut settings = Settings::load(&settings_path)?;
        let mut overridden = false;
        if let Some(s) = options.server.filter(|s| !s.is_empty()) {
            settings.server = s.trim_end_matches('/').to_string();
            overridden = true;
        }
        if let Some(t) = options.token.filter(|t| !t.is_empty()) {
            settings.token = t;
            overridden = true;
        }
        if overridden {
            settings.save(&settings_path)?;
        }
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let view = if settings.signed_in() {
            View::Main
        } else {
            View::SignIn
        };
        let ctx2 = ctx.clone();
        let wake: Arc<dyn Fn() + Send + Sync> = Arc::new(move || ctx2.request_repaint());
        let mut app = Self {
            draft: settings.clone(),
            settings,
            settings_path,
            view,
            phase: Phase::Idle,
            title: if options.reply_to.is_some() {
                "Reply".into()
            } else {
                String::new()
            },
            reply_to: options.reply_to,
            devices: vidmsg_media::devices::list().unwrap_or_default(),
            encoders: vidmsg_media::devices::h264_encoders(),
            monitors: std::env::var("DISPLAY")
                .ok()
                .and_then(|d| crate::capture::monitors::list(&d).ok())
                .unwrap_or_default(),
            recent: Vec::new(),
            notice: None,
            signing_in: None,
            signed_in_as: None,
            server_max_secs: None,
            recovering: None,
            preview_enabled: options.preview,
            preview: None,
            preview_key: String::new(),
            preview_error: None,
            preview_texture: None,
            preview_camera: None,
            rt,
            close_when_done: false,
            wake: Some(wake),
        };
        app.refresh_recent();
        Ok(app)
    }

    fn wake(&self) -> Arc<dyn Fn() + Send + Sync> {
        self.wake.clone().unwrap_or_else(|| Arc::new(|| {}))
    }

    pub fn refresh_recent(&mut self) {
        self.recent = recent::list(&self.settings.recordings_dir(), 10);
    }

    pub fn is_recording(&self) -> bool {
        matches!(self.phase, Phase::Recording(_))
    }

    /// Checks the server and token in the draft; on success they are saved.
    pub fn sign_in(&mut self) {
        let (tx, rx) = mpsc::channel();
        let (server, token) = (
            self.draft.server.trim().trim_end_matches('/').to_string(),
            self.draft.token.trim().to_string(),
        );
        let wake = self.wake();
        self.rt.spawn(async move {
            let result = match vidmsg_api::Client::new(&server, Some(token)) {
                Ok(c) => c
                    .me_with_limits()
                    .await
                    .map(|me| (me.user.name, me.limits.max_recording_secs))
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            let _ = tx.send(result);
            wake();
        });
        self.signing_in = Some(rx);
        self.notice = None;
    }

    /// The longest this recording may run: the setting, capped by what the server accepts.
    pub fn max_recording_secs(&self) -> u64 {
        let own = u64::from(self.settings.max_minutes.max(1)) * 60;
        self.server_max_secs
            .map_or(own, |server| own.min(server.max(1)))
    }

    pub fn sign_out(&mut self) {
        self.settings.token.clear();
        self.draft = self.settings.clone();
        self.save_settings();
        self.signed_in_as = None;
        self.view = View::SignIn;
    }

    pub fn save_settings(&mut self) {
        if let Err(e) = self.settings.save(&self.settings_path) {
            self.notice = Some(format!("Could not save settings: {e:#}"));
        }
    }

    /// Applies the settings form.
    pub fn apply_draft(&mut self) {
        self.draft.server = self.draft.server.trim().trim_end_matches('/').to_string();
        if let Err(e) = self.draft.capture_spec() {
            self.notice = Some(format!("Screen: {e}"));
            return;
        }
        self.settings = self.draft.clone();
        self.save_settings();
        self.refresh_recent();
        self.view = View::Main;
    }

    /// Starts recording with the current settings.
    pub fn start_recording(&mut self) {
        let capture = match self.settings.capture_spec() {
            Ok(c) => c,
            Err(e) => {
                self.phase = Phase::Failed(format!("Screen: {e}"));
                return;
            }
        };
        // The preview holds the camera and the screen: let the recording have them.
        self.preview = None;
        self.preview_key.clear();
        let title = if self.title.trim().is_empty() {
            default_title()
        } else {
            self.title.trim().to_string()
        };
        let spec = SessionSpec {
            server: self.settings.server.clone(),
            token: self.settings.token.clone(),
            title,
            destination: match self.reply_to {
                Some(m) => Destination::ReplyTo(m),
                None => Destination::NewThread,
            },
            max_duration: Some(Duration::from_secs(self.max_recording_secs())),
            capture,
            recordings_dir: self.settings.recordings_dir(),
            countdown: self.settings.countdown.min(10),
        };
        let running = Running::start(&self.rt, spec, self.wake());
        self.phase = Phase::Recording(Box::new(Recording {
            running,
            message_id: None,
            countdown: None,
            recorded_ms: 0,
            spooled_bytes: 0,
            uploaded_bytes: 0,
            mic_db: None,
            paused: false,
            finishing: false,
            warnings: Vec::new(),
            upload_behind: None,
            encoder: String::new(),
        }));
    }

    pub fn toggle_pause(&mut self) {
        if let Phase::Recording(r) = &mut self.phase
            && !r.finishing
        {
            r.running.toggle_pause();
        }
    }

    pub fn stop_recording(&mut self) {
        if let Phase::Recording(r) = &mut self.phase {
            r.running.stop();
            r.finishing = true;
        }
    }

    /// Finishes an unfinished recording (cut to its last whole second, upload the rest).
    pub fn recover(&mut self, folder: PathBuf) {
        let Ok(state) = crate::upload::UploadState::load(&folder.join("upload.json")) else {
            return;
        };
        let (tx, rx) = mpsc::channel();
        let token = self.settings.token.clone();
        let wake = self.wake();
        self.rt.spawn(async move {
            let r = crate::upload::recover::recover(&folder, state, &token)
                .await
                .map(|m| m.id)
                .map_err(|e| format!("{e:#}"));
            let _ = tx.send(r);
            wake();
        });
        self.recovering = Some(rx);
    }

    /// Applies what background work reported since the last frame.
    pub fn poll(&mut self, ctx: &egui::Context) {
        if let Some(rx) = &self.signing_in
            && let Ok(result) = rx.try_recv()
        {
            self.signing_in = None;
            match result {
                Ok((name, max_secs)) => {
                    self.server_max_secs = Some(max_secs);
                    self.settings.server =
                        self.draft.server.trim().trim_end_matches('/').to_string();
                    self.settings.token = self.draft.token.trim().to_string();
                    self.draft = self.settings.clone();
                    self.save_settings();
                    self.signed_in_as = Some(name);
                    self.view = View::Main;
                }
                Err(e) => self.notice = Some(format!("Could not sign in: {e}")),
            }
        }
        if let Some(rx) = &self.recovering
            && let Ok(result) = rx.try_recv()
        {
            self.recovering = None;
            self.notice = Some(match result {
                Ok(id) => format!("Recovered and uploaded message {id}"),
                Err(e) => format!("Could not recover: {e}"),
            });
            self.refresh_recent();
        }
        let mut finished = None;
        if let Phase::Recording(r) = &mut self.phase {
            while let Ok(update) = r.running.updates.try_recv() {
                match update {
                    Update::Event(e) => apply_event(r, e),
                    Update::Done(result) => finished = Some(result),
                }
            }
        }
        if let Some(result) = finished {
            self.phase = match result {
                Ok(o) => {
                    // The link goes to the clipboard, as Loom and Cap do.
                    ctx.copy_text(o.url.clone());
                    Phase::Done {
                        url: o.url,
                        message_id: o.message_id,
                        stop_to_link_s: o.stop_to_link_s,
                        duration_ms: o.duration_ms,
                    }
                }
                Err(e) => Phase::Failed(e),
            };
            self.refresh_recent();
        }
        self.keep_preview(ctx);
    }

    /// Runs the preview while idle on the main view, restarting it when the sources change.
    fn keep_preview(&mut self, ctx: &egui::Context) {
        let wanted = self.preview_enabled && self.view == View::Main && !self.is_recording();
        if !wanted {
            self.preview = None;
            self.preview_key.clear();
            return;
        }
        let Ok(spec) = self.settings.capture_spec() else {
            return;
        };
        let key = format!("{spec:?}");
        if key == self.preview_key {
            if let Some(e) = self.preview.as_ref().and_then(|p| p.error()) {
                self.preview = None;
                self.preview_error = Some(e);
            }
            return;
        }
        self.preview = None;
        self.preview_key = key;
        match Preview::start(&spec, 480, 10) {
            Ok(p) => {
                let ctx = ctx.clone();
                p.frames.set_waker(move || ctx.request_repaint());
                self.preview = Some(p);
                self.preview_error = None;
            }
            Err(e) => self.preview_error = Some(e.to_string()),
        }
    }
}

fn apply_event(r: &mut Recording, e: Event) {
    match e {
        Event::Created { message_id, .. } => r.message_id = Some(message_id),
        Event::Countdown { seconds } => r.countdown = Some(seconds),
        Event::Recording { encoder, .. } => {
            r.countdown = None;
            r.encoder = encoder;
        }
        Event::Progress {
            recorded_ms,
            spooled_bytes,
            uploaded_bytes,
            mic_db,
            paused,
            ..
        } => {
            r.recorded_ms = recorded_ms;
            r.spooled_bytes = spooled_bytes;
            if let Some(u) = uploaded_bytes {
                if u > r.uploaded_bytes {
                    r.upload_behind = None;
                }
                r.uploaded_bytes = u;
            }
            r.mic_db = mic_db;
            r.paused = paused;
        }
        Event::Warning { message } => r.warnings.push(message),
        Event::Paused { recorded_ms } => {
            r.paused = true;
            r.recorded_ms = recorded_ms;
        }
        Event::Resumed { recorded_ms } => {
            r.paused = false;
            r.recorded_ms = recorded_ms;
        }
        Event::Finishing { recorded_ms } => {
            r.finishing = true;
            r.recorded_ms = recorded_ms;
        }
        Event::UploadBehind { error } => r.upload_behind = Some(error),
    }
}

fn default_title() -> String {
    let now = time_now_label();
    format!("Recording {now}")
}

/// `YYYY-MM-DD HH:MM` (UTC), without a time-zone database.
fn time_now_label() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    crate::ui::format::date_time(secs)
}

impl eframe::App for RecorderApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        if ctx.input(|i| i.viewport().close_requested()) && self.is_recording() {
            // Closing mid-recording stops it properly: the tail is uploaded and the link made.
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.stop_recording();
            self.close_when_done = true;
        }
        self.poll(&ctx);
        if self.close_when_done && !self.is_recording() {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        crate::ui::show(self, ui);
        if let Phase::Recording(_) = self.phase {
            // The timer ticks even when no event arrives.
            ctx.request_repaint_after(Duration::from_millis(250));
        }
    }
}
