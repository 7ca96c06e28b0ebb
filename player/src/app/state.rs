//! What the player shows: the sign-in draft, the library (threads, the selected thread's
//! messages, search hits), the open message with its playback, and the drafts of the reply and
//! comment boxes. The UI reads it (`&State`) and never writes it; only
//! [`PlayerApp::apply`](super::PlayerApp::apply) and the answers from background work change it.

use std::time::{Duration, Instant};

use eframe::egui;
use vidmsg_api::{ClientError, Comment, Id, Message, Reaction, SearchHit, Segment, Thread};
use vidmsg_desktop::SignInDraft;
use vidmsg_media::Playback;

use super::settings::Settings;
use super::vtt::Cue;

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
    /// Who edited the transcript by hand, and when (`None`: the machine transcript).
    pub edited: Option<super::transcript_edit::Edited>,
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
}

impl Current {
    /// A message just opened, nothing loaded yet; playback starts at `start` (if any).
    pub fn new(message: Message, start: Option<Duration>, autoplay: bool) -> Self {
        Self {
            message,
            playback: None,
            error: None,
            texture: None,
            frames_shown: 0,
            transcript: Vec::new(),
            edited: None,
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
        }
    }

    pub fn is_playing(&self) -> bool {
        self.playback.as_ref().is_some_and(|p| p.is_playing())
    }

    pub fn position_ms(&self) -> Option<i64> {
        self.playback
            .as_ref()
            .and_then(|p| p.position())
            .map(|d| d.as_millis() as i64)
    }

    /// The length as the pipeline knows it.
    pub fn duration_ms(&self) -> Option<i64> {
        self.playback
            .as_ref()
            .and_then(|p| p.duration())
            .map(|d| d.as_millis() as i64)
    }
}

/// Everything the player draws.
pub struct State {
    pub settings: Settings,
    pub view: View,
    /// The sign-in form's draft, and whether a request of it is under way.
    pub signin: SignInDraft,
    pub signing_in: bool,
    pub signed_in_as: Option<String>,
    /// The signed-in user is an admin (offered to fix any transcript, as authors are theirs).
    pub signed_in_admin: bool,
    pub threads: Vec<Thread>,
    pub threads_error: Option<ClientError>,
    pub selected_thread: Option<Id>,
    pub messages: Vec<Message>,
    pub current: Option<Current>,
    pub search_query: String,
    pub search_hits: Option<Vec<SearchHit>>,
    pub reply_text: String,
    pub comment_text: String,
    pub notice: Option<String>,
    pub feed_connected: bool,
    pub fullscreen: bool,
    pub muted: bool,
    /// Spaces, people and invites (the inbox of #11).
    pub inbox: super::inbox::Inbox,
    /// Notifications (badge, list) and the user's hours (#11).
    pub notifications: super::notifications::NotificationCenter,
    pub hours: super::hours::Hours,
    /// The "Share by link" window (#12).
    pub share: super::sharing::Share,
    /// Posters of the listed messages (#12).
    pub posters: super::posters::Posters,
    /// "Edit transcript" drafts (#14).
    pub transcript_editor: super::transcript_edit::TranscriptEditor,
}

impl State {
    pub fn new(settings: Settings) -> Self {
        Self {
            signin: SignInDraft::from_saved(&settings.server, &settings.token),
            settings,
            view: View::SignIn,
            signing_in: false,
            signed_in_as: None,
            signed_in_admin: false,
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
            fullscreen: false,
            muted: false,
            inbox: Default::default(),
            notifications: Default::default(),
            hours: Default::default(),
            share: Default::default(),
            posters: Default::default(),
            transcript_editor: Default::default(),
        }
    }

    /// The open message's playback position.
    pub fn position_ms(&self) -> Option<i64> {
        self.current.as_ref().and_then(Current::position_ms)
    }

    pub fn is_playing(&self) -> bool {
        self.current.as_ref().is_some_and(Current::is_playing)
    }
}
