//! The one place the user's [`Action`]s change the player's state: signing in and out, choosing
//! threads and messages, searching, posting, and playback control (the last through `playing`).
//! Work that takes time is handed to the [`Library`] (the app's runtime), never done here.

use std::time::{Duration, Instant};

use eframe::egui;
use vidmsg_api::{Id, Message, MessageStatus, SearchHit};
use vidmsg_desktop::{SignInAction, SignInDraft, SignInRequest};

use super::library::{self, Library};
use super::{Action, Current, PlayerApp, View};

impl PlayerApp {
    /// Carries out what the user asked for.
    pub fn apply(&mut self, action: Action) {
        match action {
            Action::SignIn(SignInAction::Edit(draft)) => self.state.signin = draft,
            Action::SignIn(SignInAction::Submit { draft, request }) => {
                self.state.signin = draft;
                match request {
                    SignInRequest::Token { .. } => self.sign_in(),
                    request => self.open_session(request),
                }
            }
            Action::SignOut => self.sign_out(),
            Action::DismissNotice => self.state.notice = None,
            Action::EditSearch(q) => self.state.search_query = q,
            Action::Search => self.run_search(),
            Action::ClearSearch => self.state.search_hits = None,
            Action::OpenHit(hit) => self.open_hit(&hit),
            Action::SelectThread(id) => self.select_thread(id),
            Action::OpenMessage(m) => self.open_message(m, None, true),
            Action::EditReply(text) => self.state.reply_text = text,
            Action::SendReply => self.send_reply(),
            Action::RecordVideoReply => self.record_video_reply(),
            Action::TogglePlay => self.toggle_play(),
            Action::Seek { to, play } => self.seek_to(to, play),
            Action::Skip(delta_ms) => self.skip(delta_ms),
            Action::SetSpeed(speed) => self.set_speed(speed),
            Action::SetVolume(v) => self.set_volume(v),
            Action::ToggleMute => self.toggle_mute(),
            Action::ToggleCaptions => {
                self.state.settings.captions = !self.state.settings.captions;
                self.save_settings();
            }
            Action::ToggleFullscreen => {
                self.state.fullscreen = !self.state.fullscreen;
                self.ctx
                    .send_viewport_cmd(egui::ViewportCommand::Fullscreen(self.state.fullscreen));
            }
            Action::EditComment(text) => self.state.comment_text = text,
            Action::PostComment => self.post_comment(),
            Action::React(emoji) => self.react(emoji),
            Action::Inbox(a) => self.apply_inbox(a),
            Action::Notifications(a) => self.apply_notifications(a),
            Action::Hours(a) => self.apply_hours(a),
            Action::Share(a) => self.apply_share(a),
            Action::Transcript(a) => self.apply_transcript(a),
            Action::UseSuggestedTitle => self.use_suggested_title(),
        }
    }

    /// Signs in with a name and password, or joins with an invite (in the background; the
    /// answer is `Session`, whose token is then checked like a pasted one).
    fn open_session(&mut self, request: SignInRequest) {
        library::open_session(
            self.rt.handle(),
            request,
            self.tx.clone(),
            self.wake.clone(),
        );
        self.state.signing_in = true;
        self.state.notice = None;
    }

    /// Checks the drafted server and token (in the background; the answer is `SignedIn`).
    pub(super) fn sign_in(&mut self) {
        match Library::new(
            self.rt.handle().clone(),
            &self.state.signin.server,
            &self.state.signin.token,
            self.tx.clone(),
            self.wake.clone(),
        ) {
            Ok(lib) => {
                lib.sign_in();
                self.lib = Some(lib);
                self.state.signing_in = true;
                self.state.notice = None;
            }
            Err(e) => self.state.notice = Some(format!("Could not sign in: {e}")),
        }
    }

    /// Revokes the token on the server (best effort, in the background) and forgets it here
    /// whatever the server says.
    fn sign_out(&mut self) {
        if let Some(lib) = self.lib.take() {
            let client = lib.client.clone();
            let (done, wait) = std::sync::mpsc::channel();
            self.rt.spawn(async move {
                if let Err(e) = client.sign_out().await {
                    tracing::warn!("the server did not revoke the token on sign-out: {e}");
                }
                let _ = done.send(());
            });
            // Closing the app right after signing out still revokes the token (see Drop).
            self.signing_out = Some(wait);
        }
        let s = &mut self.state;
        s.settings.token.clear();
        s.signin = SignInDraft::from_saved(&s.settings.server, "");
        s.signing_in = false;
        if let Err(e) = s.settings.save(&self.settings_path) {
            s.notice = Some(format!("Could not save settings: {e:#}"));
        }
        s.current = None;
        s.threads.clear();
        s.messages.clear();
        s.selected_thread = None;
        s.signed_in_as = None;
        s.inbox = Default::default();
        s.notifications = Default::default();
        s.hours = Default::default();
        s.share = Default::default();
        s.transcript_editor = Default::default();
        s.signed_in_admin = false;
        s.posters = Default::default();
        s.view = View::SignIn;
    }

    pub(super) fn save_settings(&mut self) {
        if let Err(e) = self.state.settings.save(&self.settings_path) {
            self.state.notice = Some(format!("Could not save settings: {e:#}"));
        }
    }

    pub(super) fn select_thread(&mut self, id: Id) {
        if self.state.selected_thread != Some(id) {
            self.state.messages.clear();
        }
        self.state.selected_thread = Some(id);
        if let Some(lib) = &self.lib {
            lib.messages(id);
            lib.mark_read(id);
        }
        if let Some(t) = self.state.threads.iter_mut().find(|t| t.id == id) {
            t.unread_count = 0;
        }
        // Reading the thread sees its notifications (the server does the same on mark_read).
        self.notifications_read_in(id);
        // The header shows its people's local times as of now.
        self.load_people();
    }

    /// Opens a message: its video paused on the first frame (or playing from `start` with
    /// `autoplay`), and its transcript, captions, comments and reactions.
    fn open_message(&mut self, message: Message, start: Option<Duration>, autoplay: bool) {
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
    pub(super) fn open_fetched_message(
        &mut self,
        message: Message,
        start: Option<Duration>,
        autoplay: bool,
    ) {
        self.report_view();
        if self.state.selected_thread != Some(message.thread_id) {
            self.select_thread(message.thread_id);
        }
        let mut current = Current::new(message, start, autoplay);
        self.start_playback(&mut current);
        if let Some(lib) = &self.lib {
            lib.details(
                current.message.id,
                current.message.status == MessageStatus::Ready,
            );
        }
        self.state.current = Some(current);
    }

    pub(super) fn run_search(&mut self) {
        let q = self.state.search_query.trim().to_string();
        if q.is_empty() {
            self.state.search_hits = None;
            return;
        }
        if let Some(lib) = &self.lib {
            lib.search(q);
        }
    }

    /// Opens a search hit: its thread, its message, playing from the hit's second.
    fn open_hit(&mut self, hit: &SearchHit) {
        let start = Duration::from_millis(hit.start_ms.max(0) as u64);
        match self
            .state
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

    fn send_reply(&mut self) {
        let body = self.state.reply_text.trim().to_string();
        let Some(thread) = self.state.selected_thread else {
            return;
        };
        if body.is_empty() {
            return;
        }
        let parent = self
            .state
            .current
            .as_ref()
            .filter(|c| c.message.thread_id == thread)
            .map(|c| c.message.id);
        if let Some(lib) = &self.lib {
            lib.post_text(thread, parent, body);
        }
    }

    fn post_comment(&mut self) {
        let body = self.state.comment_text.trim().to_string();
        let at = self.state.position_ms().unwrap_or(0);
        if let (false, Some(c), Some(lib)) = (body.is_empty(), &self.state.current, &self.lib) {
            lib.comment(c.message.id, at, body);
        }
    }

    fn react(&mut self, emoji: &str) {
        let at = self.state.position_ms().unwrap_or(0);
        if let (Some(c), Some(lib)) = (&self.state.current, &self.lib) {
            lib.react(c.message.id, at, emoji.to_string());
        }
    }

    /// Starts the recorder in reply mode; the reply shows up here when it lands (server push).
    fn record_video_reply(&mut self) {
        let Some(parent) = self
            .state
            .current
            .as_ref()
            .map(|c| c.message.id)
            .or_else(|| self.state.messages.last().map(|m| m.id))
        else {
            self.state.notice = Some("Open a message to reply to first.".into());
            return;
        };
        let exe = super::new_video::recorder_program();
        // Spawning returns at once; the recorder runs on its own.
        match std::process::Command::new(&exe)
            .args([
                "--reply-to",
                &parent.to_string(),
                "--server",
                &self.state.settings.server,
                "--token",
                &self.state.settings.token,
            ])
            .spawn()
        {
            Ok(_) => {
                self.state.notice = Some(format!(
                    "Recording a reply to message {parent} in the recorder window."
                ))
            }
            Err(e) => self.state.notice = Some(format!("Could not start {}: {e}", exe.display())),
        }
    }

    /// Sends how far the user watched, at most every 5 s.
    pub(super) fn report_view(&mut self) {
        if let (Some(c), Some(lib)) = (self.state.current.as_mut(), &self.lib)
            && c.watched_ms > c.reported_ms
        {
            lib.view(c.message.id, c.watched_ms);
            c.reported_ms = c.watched_ms;
            c.last_view_report = Instant::now();
        }
    }
}
