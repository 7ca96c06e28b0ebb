//! The player app (eframe): sign-in, an inbox of threads with unread counts, a thread's
//! messages with nested replies and honest status, playback into a texture with captions, a
//! transcript that follows playback (click to seek), search over every transcript (a hit opens
//! the message at that second), text and video replies, timestamped comments and reactions, and
//! views. Server push keeps it current. Background work is in [`library`]; drawing in `ui`.

pub mod library;
mod playing;
pub mod settings;
mod updates;
pub mod vtt;

use std::path::PathBuf;
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use eframe::egui;
use vidmsg_api::{Comment, Id, Message, MessageStatus, Reaction, SearchHit, Segment, Thread};
use vidmsg_media::Playback;

use library::{Library, Loaded};
use settings::Settings;
use vtt::Cue;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    SignIn,
    Library,
}

/// The open message and its playback.
pub struct Current {
    pub message: Message,
    pub playback: Option<Playback>,
    pub error: Option<String>,
    pub texture: Option<egui::TextureHandle>,
    /// Frames shown on screen so far.
    pub frames_shown: u64,
    pub transcript: Vec<Segment>,
    pub cues: Vec<Cue>,
    pub comments: Vec<Comment>,
    pub reactions: Vec<Reaction>,
    /// A seek to make once the first frame is ready, and whether to play then.
    pub pending_seek: Option<Duration>,
    pub autoplay: bool,
    pub prerolled: bool,
    pub watched_ms: i64,
    pub reported_ms: i64,
    pub last_view_report: Instant,
    pub opened_at: Instant,
    /// Time from opening to the first frame on screen.
    pub first_frame_after: Option<Duration>,
    /// The transcript segment last scrolled into view (scrolled once per segment, so the
    /// panel can be scrolled by hand meanwhile).
    pub followed_segment: Option<usize>,
}

pub struct PlayerApp {
    pub settings: Settings,
    pub settings_path: PathBuf,
    pub draft_server: String,
    pub draft_token: String,
    pub view: View,
    pub signed_in_as: Option<String>,
    pub signing_in: bool,
    pub rt: tokio::runtime::Runtime,
    pub lib: Option<Library>,
    tx: mpsc::Sender<Loaded>,
    rx: mpsc::Receiver<Loaded>,
    wake: library::Wake,
    pub threads: Vec<Thread>,
    pub threads_error: Option<String>,
    pub selected_thread: Option<Id>,
    pub messages: Vec<Message>,
    pub current: Option<Current>,
    pub search_query: String,
    pub search_hits: Option<Vec<SearchHit>>,
    pub reply_text: String,
    pub comment_text: String,
    pub notice: Option<String>,
    pub feed_connected: bool,
    pub audio_sink: Option<String>,
    pub fullscreen: bool,
    pub muted: bool,
    open_on_start: Option<Id>,
    /// A message being fetched to open, and where to start.
    pub pending_open: Option<(Id, Duration)>,
    report: bool,
    last_report: Instant,
    /// When the app started, and when it first showed a video frame (for the benchmark).
    started_at: Instant,
    first_frame_since_start: Option<Duration>,
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
            draft_server: settings.server.clone(),
            draft_token: settings.token.clone(),
            view: View::SignIn,
            signed_in_as: None,
            signing_in: false,
            settings,
            settings_path,
            rt,
            lib: None,
            tx,
            rx,
            wake,
            threads: Vec::new(),
            threads_error: None,
            selected_thread: None,
            messages: Vec::new(),
            current: None,
            search_query: String::new(),
            search_hits: None,
            reply_text: String::new(),
            comment_text: String::new(),
            notice: None,
            feed_connected: false,
            audio_sink: options.audio_sink,
            fullscreen: false,
            muted: false,
            open_on_start: options.open,
            pending_open: None,
            report: options.report,
            last_report: Instant::now(),
            started_at: Instant::now(),
            first_frame_since_start: None,
        };
        if app.settings.signed_in() {
            // Saved credentials: check them in the background, show the library meanwhile.
            app.draft_server = app.settings.server.clone();
            app.draft_token = app.settings.token.clone();
            app.sign_in();
        }
        Ok(app)
    }

    /// Checks the drafted server and token.
    pub fn sign_in(&mut self) {
        match Library::new(
            self.rt.handle().clone(),
            &self.draft_server,
            &self.draft_token,
            self.tx.clone(),
            self.wake.clone(),
        ) {
            Ok(lib) => {
                lib.sign_in();
                self.lib = Some(lib);
                self.signing_in = true;
                self.notice = None;
            }
            Err(e) => self.notice = Some(format!("Could not sign in: {e}")),
        }
    }

    pub fn sign_out(&mut self) {
        self.settings.token.clear();
        self.draft_token.clear();
        let _ = self.settings.save(&self.settings_path);
        self.lib = None;
        self.current = None;
        self.threads.clear();
        self.messages.clear();
        self.selected_thread = None;
        self.signed_in_as = None;
        self.view = View::SignIn;
    }

    pub fn save_settings(&mut self) {
        if let Err(e) = self.settings.save(&self.settings_path) {
            self.notice = Some(format!("Could not save settings: {e:#}"));
        }
    }

    pub fn select_thread(&mut self, id: Id) {
        if self.selected_thread != Some(id) {
            self.messages.clear();
        }
        self.selected_thread = Some(id);
        if let Some(lib) = &self.lib {
            lib.messages(id);
            lib.mark_read(id);
        }
        if let Some(t) = self.threads.iter_mut().find(|t| t.id == id) {
            t.unread_count = 0;
        }
    }

    /// Opens a message: its video paused on the first frame (or playing from `start` with
    /// `autoplay`), and its transcript, captions, comments and reactions.
    pub fn open_message(&mut self, message: Message, start: Option<Duration>, autoplay: bool) {
        // Playback URLs live minutes: one from a list loaded long ago is fetched anew first.
        if let (Some(url), Some(lib)) = (&message.video_url, &self.lib)
            && vidmsg_api::media_url::is_stale(url, vidmsg_api::media_url::now_unix(), 30)
        {
            self.pending_open = Some((message.id, start.unwrap_or_default()));
            lib.open(message.id);
            return;
        }
        self.open_fetched_message(message, start, autoplay);
    }

    /// Opens a message just fetched from the server (its URL is fresh).
    pub fn open_fetched_message(
        &mut self,
        message: Message,
        start: Option<Duration>,
        autoplay: bool,
    ) {
        self.report_view();
        if self.selected_thread != Some(message.thread_id) {
            self.select_thread(message.thread_id);
        }
        let mut current = Current {
            playback: None,
            error: None,
            texture: None,
            frames_shown: 0,
            transcript: Vec::new(),
            cues: Vec::new(),
            comments: Vec::new(),
            reactions: Vec::new(),
            pending_seek: start,
            autoplay,
            prerolled: false,
            watched_ms: 0,
            reported_ms: 0,
            last_view_report: Instant::now(),
            opened_at: Instant::now(),
            first_frame_after: None,
            followed_segment: None,
            message,
        };
        self.start_playback(&mut current);
        if let Some(lib) = &self.lib {
            lib.details(
                current.message.id,
                current.message.status == MessageStatus::Ready,
            );
        }
        self.current = Some(current);
    }

    pub fn run_search(&mut self) {
        let q = self.search_query.trim().to_string();
        if q.is_empty() {
            self.search_hits = None;
            return;
        }
        if let Some(lib) = &self.lib {
            lib.search(q);
        }
    }

    /// Opens a search hit: its thread, its message, playing from the hit's second.
    pub fn open_hit(&mut self, hit: &SearchHit) {
        let start = Duration::from_millis(hit.start_ms.max(0) as u64);
        match self
            .messages
            .iter()
            .find(|m| m.id == hit.message_id)
            .cloned()
        {
            Some(m) => self.open_message(m, Some(start), true),
            None => {
                self.select_thread(hit.thread_id);
                self.pending_open = Some((hit.message_id, start));
                if let Some(lib) = &self.lib {
                    lib.open(hit.message_id);
                }
            }
        }
    }

    pub fn send_reply(&mut self) {
        let body = self.reply_text.trim().to_string();
        let Some(thread) = self.selected_thread else {
            return;
        };
        if body.is_empty() {
            return;
        }
        let parent = self
            .current
            .as_ref()
            .filter(|c| c.message.thread_id == thread)
            .map(|c| c.message.id);
        if let Some(lib) = &self.lib {
            lib.post_text(thread, parent, body);
        }
    }

    pub fn post_comment(&mut self) {
        let body = self.comment_text.trim().to_string();
        let at = self.position_ms().unwrap_or(0);
        if let (false, Some(c), Some(lib)) = (body.is_empty(), &self.current, &self.lib) {
            lib.comment(c.message.id, at, body);
        }
    }

    pub fn react(&mut self, emoji: &str) {
        let at = self.position_ms().unwrap_or(0);
        if let (Some(c), Some(lib)) = (&self.current, &self.lib) {
            lib.react(c.message.id, at, emoji.to_string());
        }
    }

    /// Starts the recorder in reply mode; the reply shows up here when it lands (server push).
    pub fn record_video_reply(&mut self) {
        let Some(parent) = self
            .current
            .as_ref()
            .map(|c| c.message.id)
            .or_else(|| self.messages.last().map(|m| m.id))
        else {
            self.notice = Some("Open a message to reply to first.".into());
            return;
        };
        let exe = std::env::current_exe()
            .ok()
            .map(|p| p.with_file_name("vidmsg-recorder"))
            .filter(|p| p.exists())
            .unwrap_or_else(|| PathBuf::from("vidmsg-recorder"));
        match std::process::Command::new(&exe)
            .args([
                "--reply-to",
                &parent.to_string(),
                "--server",
                &self.settings.server,
                "--token",
                &self.settings.token,
            ])
            .spawn()
        {
            Ok(_) => {
                self.notice = Some(format!(
                    "Recording a reply to message {parent} in the recorder window."
                ))
            }
            Err(e) => self.notice = Some(format!("Could not start {}: {e}", exe.display())),
        }
    }

    /// Sends how far the user watched, at most every 5 s.
    pub(super) fn report_view(&mut self) {
        if let (Some(c), Some(lib)) = (self.current.as_mut(), &self.lib)
            && c.watched_ms > c.reported_ms
        {
            lib.view(c.message.id, c.watched_ms);
            c.reported_ms = c.watched_ms;
            c.last_view_report = Instant::now();
        }
    }
}

impl eframe::App for PlayerApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        self.poll();
        self.update_texture(&ctx);
        crate::ui::show(self, ui);
        if self
            .current
            .as_ref()
            .and_then(|c| c.playback.as_ref())
            .is_some_and(|p| p.is_playing())
            || self.report
        {
            // The seek bar, the transcript highlight and the captions follow the clock.
            ctx.request_repaint_after(Duration::from_millis(200));
        }
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.report_view();
    }
}
