//! The player app (eframe): sign-in, an inbox of threads with unread counts, a thread's
//! messages with nested replies and honest status, playback into a texture with captions, a
//! transcript that follows playback (click to seek), search over every transcript (a hit opens
//! the message at that second), text and video replies, timestamped comments and reactions, and
//! views. Server push keeps it current.
//!
//! Shape: [`State`] is what is drawn; `crate::ui` draws `&State` and pushes [`Action`]s;
//! [`PlayerApp::apply`] (in `apply`) is the one place they change state; background work
//! ([`library`]) answers with typed [`Loaded`](library::Loaded) messages applied in `updates`;
//! playback control is in `playing`.

mod action;
mod apply;
// The inbox of people and spaces (#11): sidebar spaces, people's hours, invites, New video.
pub mod inbox;
pub mod library;
mod new_video;
mod people;
mod spaces;
// Notifications and the user's hours (#11): badge, list, desktop popups; time zone, quiet hours.
pub mod hours;
pub mod notifications;
mod playing;
pub mod settings;
// Sharing a thread by link (#12).
pub mod posters;
pub mod sharing;
mod state;
// The suggested title of a video posted without one (#14).
mod titles;
// Fixing a wrong word in a transcript (#14).
pub mod transcript_edit;
mod updates;
pub mod vtt;

use std::path::PathBuf;
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use eframe::egui;
use vidmsg_api::Id;

use library::{Library, Loaded};
use settings::Settings;

pub use action::Action;
pub use state::{Current, State, View};

#[derive(Debug, Clone, Default)]
pub struct AppOptions {
    pub settings_path: Option<PathBuf>,
    pub server: Option<String>,
    pub token: Option<String>,
    /// Open this message (its thread too) and play it.
    pub open: Option<Id>,
    /// Audio output element (`fakesink` where there is no sound); None: the desktop's default.
    pub audio_sink: Option<String>,
    /// Print a JSON status line (frames shown, position) to stderr every second.
    pub report: bool,
}

/// The app: its [`State`] (readable through `Deref`, changed only by [`PlayerApp::apply`] and
/// by answers from background work) and the machinery around it.
pub struct PlayerApp {
    state: State,
    ctx: egui::Context,
    settings_path: PathBuf,
    rt: tokio::runtime::Runtime,
    /// Answers once a sign-out's revoke request is done.
    signing_out: Option<std::sync::mpsc::Receiver<()>>,
    lib: Option<Library>,
    tx: mpsc::Sender<Loaded>,
    rx: mpsc::Receiver<Loaded>,
    wake: library::Wake,
    audio_sink: Option<String>,
    open_on_start: Option<Id>,
    /// A message being fetched to open, and where to start.
    pending_open: Option<(Id, Duration)>,
    report: bool,
    last_report: Instant,
    /// When the app started, and when it first showed a video frame (for the benchmark).
    started_at: Instant,
    first_frame_since_start: Option<Duration>,
    /// Shows delivered notifications on the desktop (its own thread; started on first use).
    desktop_notifier: Option<crate::notify::DesktopNotifier>,
}

impl std::ops::Deref for PlayerApp {
    type Target = State;

    fn deref(&self) -> &State {
        &self.state
    }
}

impl PlayerApp {
    pub fn new(ctx: &egui::Context, options: AppOptions) -> anyhow::Result<Self> {
        let settings_path = options
            .settings_path
            .clone()
            .unwrap_or_else(Settings::default_path);
        let mut settings = Settings::load(&settings_path)?;
        let mut changed = false;
        if let Some(s) = options.server.filter(|s| !s.is_empty()) {
            settings.server = s.trim_end_matches('/').to_string();
            changed = true;
        }
        if let Some(t) = options.token.filter(|t| !t.is_empty()) {
            settings.token = t;
            changed = true;
        }
        if changed {
            settings.save(&settings_path)?;
        }
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let (tx, rx) = mpsc::channel();
        let ctx2 = ctx.clone();
        let wake: library::Wake = Arc::new(move || ctx2.request_repaint());
        let mut app = Self {
            state: State::new(settings),
            ctx: ctx.clone(),
            settings_path,
            rt,
            lib: None,
            tx,
            rx,
            wake,
            audio_sink: options.audio_sink,
            signing_out: None,
            open_on_start: options.open,
            pending_open: None,
            report: options.report,
            last_report: Instant::now(),
            started_at: Instant::now(),
            first_frame_since_start: None,
            desktop_notifier: None,
        };
        if app.state.settings.signed_in() {
            // Saved credentials: check them in the background, show the library meanwhile.
            app.sign_in();
        }
        Ok(app)
    }
}

impl eframe::App for PlayerApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        self.poll();
        self.refresh_people_when_due();
        self.update_texture(&ctx);
        let mut actions = Vec::new();
        crate::ui::show(ui, &self.state, &mut actions);
        for action in actions {
            self.apply(action);
        }
        if self.state.is_playing() || self.report {
            // The seek bar, the transcript highlight and the captions follow the clock.
            ctx.request_repaint_after(Duration::from_millis(200));
        }
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.report_view();
    }
}

impl Drop for PlayerApp {
    /// A sign-out still revoking its token gets a moment to finish before the runtime goes.
    fn drop(&mut self) {
        if let Some(wait) = self.signing_out.take() {
            let _ = wait.recv_timeout(SIGN_OUT_PATIENCE);
        }
    }
}

/// How long closing the app waits for a sign-out's revoke request.
const SIGN_OUT_PATIENCE: Duration = Duration::from_secs(3);
