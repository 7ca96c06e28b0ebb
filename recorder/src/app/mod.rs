//! The recorder app (eframe): first-run sign-in, source pickers with a live preview, record /
//! pause / resume / stop with a timer, level meter and upload progress, the link when done
//! (copied to the clipboard), recent recordings (with recovery of unfinished ones), and settings
//! saved between runs. The recording itself is [`crate::session::record`], the same code the
//! headless CLI runs.
//!
//! Each frame: background answers are applied ([`updates`]), the preview is kept ([`preview`]),
//! the UI draws a read-only [`State`] and pushes [`Action`]s, and [`RecorderApp::apply`] carries
//! them out. Blocking work (network, device listing, folder scans) runs in [`background`].

pub mod action;
pub mod apply;
pub mod background;
pub mod preview;
pub mod recent;
pub mod runner;
pub mod send_to;
pub mod settings;
pub mod state;
pub mod updates;

use std::path::PathBuf;
use std::time::Duration;

use vidmsg_api::Id;
use vidmsg_desktop::SignInDraft;

pub use action::Action;
use background::Background;
use preview::LivePreview;
use runner::Running;
use settings::Settings;
pub use state::{Phase, PreviewView, Recording, Sources, State, View};

pub use eframe::egui;

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
    /// Send to this instead of the remembered choice (`app --to …`); checked once the lists
    /// load.
    pub to: Option<crate::recipients::Recipients>,
    /// Start with "Urgent" on (`app --urgent`).
    pub urgent: bool,
}

pub struct RecorderApp {
    state: State,
    settings_path: PathBuf,
    background: Background,
    /// The recording in progress, controlled through channels.
    running: Option<Running>,
    preview: LivePreview,
    ctx: egui::Context,
}

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
        let background = Background::new(ctx)?;
        let view = if settings.signed_in() {
            View::Main
        } else {
            View::SignIn
        };
        background.list_sources(true);
        background.list_recent(settings.recordings_dir());
        if settings.signed_in() {
            background.list_recipients(settings.server.clone(), settings.token.clone());
        }
        let asked = options.reply_to.is_none().then_some(options.to).flatten();
        let send_to = send_to::SendTo {
            loading: settings.signed_in(),
            origin: if asked.is_some() {
                send_to::Origin::CommandLine
            } else {
                send_to::Origin::Saved
            },
            choice: asked.or_else(|| settings.send_to.clone()),
            urgent: options.urgent,
            ..Default::default()
        };
        let signin = SignInDraft::from_saved(&settings.server, &settings.token);
        let state = State {
            draft: settings.clone(),
            settings,
            view,
            phase: Phase::Idle,
            title: if options.reply_to.is_some() {
                "Reply".into()
            } else {
                String::new()
            },
            reply_to: options.reply_to,
            sources: Sources {
                looking: true,
                ..Sources::default()
            },
            recent: Vec::new(),
            notice: None,
            signin,
            signing_in: false,
            signed_in_as: None,
            server_max_secs: None,
            recovering: false,
            preview: PreviewView::default(),
            close_when_done: false,
            send_to,
            sending_to: None,
            sending_urgent: false,
        };
        Ok(Self {
            state,
            settings_path,
            background,
            running: None,
            preview: LivePreview::new(options.preview),
            ctx: ctx.clone(),
        })
    }

    /// What the UI shows.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The running live preview, if any.
    pub fn preview(&self) -> Option<&crate::capture::Preview> {
        self.preview.get()
    }
}

impl eframe::App for RecorderApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        if ctx.input(|i| i.viewport().close_requested()) && self.state.is_recording() {
            self.apply(Action::CloseRequested);
        }
        self.poll();
        if self.state.close_when_done && !self.state.is_recording() {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        let mut actions = Vec::new();
        crate::ui::show(&self.state, ui, &mut actions);
        if !actions.is_empty() {
            // Show what they changed in the next frame.
            ctx.request_repaint();
        }
        for action in actions {
            self.apply(action);
        }
        if self.state.is_recording() {
            // The timer ticks even when no event arrives.
            ctx.request_repaint_after(Duration::from_millis(250));
        }
    }
}
