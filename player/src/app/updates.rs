//! Applying what arrived since the last frame: server answers (typed [`Loaded`] messages, their
//! errors turned into text only here, where they become notices), pushed events, and the
//! playback pipeline's bus messages; and the views and status reports that follow from them.

use std::time::{Duration, Instant};

use vidmsg_api::{Comment, Message, MessageStatus, Reaction, ServerEvent};
use vidmsg_media::PlaybackEvent;

use super::library::Loaded;
use super::{PlayerApp, View};

impl PlayerApp {
    /// Applies answers and events, and watches playback.
    pub(super) fn poll(&mut self) {
        while let Ok(loaded) = self.rx.try_recv() {
            self.apply_loaded(loaded);
        }
        if let Some(c) = self.state.current.as_mut()
            && let Some(p) = c.playback.as_mut()
        {
            for ev in p.poll() {
                match ev {
                    PlaybackEvent::Error(e) => {
                        c.error = Some(e.to_string());
                    }
                    PlaybackEvent::Prerolled => {
                        if !c.prerolled {
                            c.prerolled = true;
                            if let Some(pos) = c.pending_seek.take() {
                                p.seek(pos);
                            }
                            if (self.state.settings.speed - 1.0).abs() > 1e-3 {
                                p.set_rate(self.state.settings.speed);
                            }
                            if c.autoplay {
                                p.play();
                            }
                        }
                    }
                    PlaybackEvent::EndOfStream | PlaybackEvent::Buffering(_) => {}
                }
            }
            if let Some(pos) = p.position() {
                c.watched_ms = c.watched_ms.max(pos.as_millis() as i64);
            }
        }
        if self
            .state
            .current
            .as_ref()
            .is_some_and(|c| c.last_view_report.elapsed() > Duration::from_secs(5))
        {
            self.report_view();
        }
        if self.report && self.last_report.elapsed() >= Duration::from_secs(1) {
            self.last_report = Instant::now();
            let c = self.state.current.as_ref();
            eprintln!(
                "{}",
                serde_json::json!({
                    "event": "player",
                    "message_id": c.map(|c| c.message.id),
                    "frames_shown": c.map_or(0, |c| c.frames_shown),
                    "position_ms": self.state.position_ms(),
                    "first_frame_ms": c.and_then(|c| c.first_frame_after).map(|d| d.as_millis() as u64),
                    "first_frame_since_start_ms": self.first_frame_since_start.map(|d| d.as_millis() as u64),
                    "error": c.and_then(|c| c.error.clone()),
                })
            );
        }
    }

    fn apply_loaded(&mut self, loaded: Loaded) {
        match loaded {
            Loaded::SignedIn(r) => {
                self.state.signing_in = false;
                match r {
                    Ok(user) => {
                        let name = user.name.clone();
                        self.state.signed_in_admin = user.is_admin();
                        self.state.settings.server = self
                            .state
                            .signin
                            .server
                            .trim()
                            .trim_end_matches('/')
                            .to_string();
                        self.state.settings.token = self.state.signin.token.trim().to_string();
                        self.state.signin.forget_secrets();
                        self.save_settings();
                        self.state.signed_in_as = Some(name);
                        self.state.view = View::Library;
                        if let Some(lib) = &self.lib {
                            lib.threads();
                            lib.follow_events();
                            if let Some(id) = self.open_on_start.take() {
                                self.pending_open = Some((id, Duration::ZERO));
                                lib.open(id);
                            }
                        }
                        self.load_inbox();
                        self.load_notifications();
                        self.load_hours();
                    }
                    Err(e) => {
                        self.lib = None;
                        self.state.view = View::SignIn;
                        self.state.notice = Some(format!("Could not sign in: {e}"));
                    }
                }
            }
            Loaded::Session { request, result } => match result {
                Ok(created) => {
                    // The new token is checked and saved exactly like a pasted one.
                    let s = &mut self.state.signin;
                    s.server = request.server().to_string();
                    s.token = created.token;
                    s.forget_secrets();
                    self.sign_in();
                }
                Err(e) => {
                    self.state.signing_in = false;
                    self.state.view = View::SignIn;
                    self.state.notice = Some(vidmsg_desktop::signin::refusal(&request, &e));
                }
            },
            Loaded::Threads(Ok(t)) => {
                self.state.threads = t;
                self.state.threads_error = None;
                // The open thread is read (its mark-read may have raced this list), and so
                // is not counted in its space's unread either.
                let open = self.state.selected_thread;
                for t in self.state.threads.iter_mut().filter(|t| Some(t.id) == open) {
                    t.unread_count = 0;
                }
            }
            Loaded::Threads(Err(e)) => self.state.threads_error = Some(e),
            Loaded::Messages(thread, Ok(m)) if Some(thread) == self.state.selected_thread => {
                if let Some(c) = self.state.current.as_mut()
                    && let Some(fresh) = m.iter().find(|x| x.id == c.message.id)
                {
                    c.message.status = fresh.status;
                    c.message.status_reason = fresh.status_reason.clone();
                }
                self.state.messages = m;
                self.request_posters();
            }
            Loaded::Messages(_, Ok(_)) => {}
            Loaded::Messages(_, Err(e)) => {
                self.state.notice = Some(format!("Could not load messages: {e}"))
            }
            Loaded::Open(Ok(m)) => {
                let start = self
                    .pending_open
                    .take()
                    .filter(|(id, _)| *id == m.id)
                    .map(|(_, s)| s);
                self.open_fetched_message(m, start, true);
            }
            Loaded::Open(Err(e)) => {
                self.state.notice = Some(format!("Could not open the message: {e}"))
            }
            Loaded::Transcript(id, r) => {
                if let Some(c) = self.state.current.as_mut().filter(|c| c.message.id == id) {
                    match r {
                        Ok(t) => {
                            c.edited = super::transcript_edit::Edited::of(&t);
                            c.transcript = t.segments;
                        }
                        Err(e) => tracing::debug!(error = %e, "no transcript"),
                    }
                }
            }
            Loaded::Captions(id, r) => {
                if let (Some(c), Ok(cues)) = (
                    self.state.current.as_mut().filter(|c| c.message.id == id),
                    r,
                ) {
                    c.cues = cues;
                }
            }
            Loaded::Comments(id, r) => {
                if let (Some(c), Ok(list)) = (
                    self.state.current.as_mut().filter(|c| c.message.id == id),
                    r,
                ) {
                    c.comments = list;
                }
            }
            Loaded::Reactions(id, r) => {
                if let (Some(c), Ok(list)) = (
                    self.state.current.as_mut().filter(|c| c.message.id == id),
                    r,
                ) {
                    c.reactions = list;
                }
            }
            Loaded::Search(q, r) => {
                if q == self.state.search_query.trim() {
                    match r {
                        Ok(h) => self.state.search_hits = Some(h),
                        Err(e) => self.state.notice = Some(format!("Search failed: {e}")),
                    }
                }
            }
            Loaded::Posted(Ok(m)) => {
                self.state.reply_text.clear();
                self.upsert_message(m);
            }
            Loaded::Posted(Err(e)) => {
                self.state.notice = Some(format!("Could not send the reply: {e}"))
            }
            Loaded::CommentPosted(Ok(cm)) => {
                self.state.comment_text.clear();
                self.add_comment(cm);
            }
            Loaded::ReactionPosted(Ok(r)) => self.add_reaction(r),
            Loaded::CommentPosted(Err(e)) | Loaded::ReactionPosted(Err(e)) => {
                self.state.notice = Some(format!("Could not post: {e}"))
            }
            Loaded::Event(ev) => self.apply_event(ev),
            Loaded::Feed(up) => self.state.feed_connected = up,
            Loaded::Inbox(l) => self.apply_inbox_loaded(l),
            Loaded::Notifications(l) => self.apply_notifications_loaded(l),
            Loaded::Hours(l) => self.apply_hours_loaded(l),
            Loaded::Share(l) => self.apply_share_loaded(l),
            Loaded::TranscriptEdit(l) => self.apply_transcript_loaded(l),
            Loaded::Titled(r) => self.titled(r),
            Loaded::Poster(id, image) => self.poster_loaded(id, image),
        }
    }

    fn apply_event(&mut self, ev: ServerEvent) {
        match ev {
            ServerEvent::Thread { mut thread } => {
                self.note_thread_space(&thread);
                if self.state.selected_thread == Some(thread.id) {
                    thread.unread_count = 0;
                    if let Some(lib) = &self.lib {
                        lib.mark_read(thread.id);
                    }
                }
                self.state.threads.retain(|t| t.id != thread.id);
                self.state.threads.push(thread);
                self.state
                    .threads
                    .sort_by_key(|t| std::cmp::Reverse((t.updated_at_ms, t.id)));
            }
            ServerEvent::Message { message } => self.upsert_message(*message),
            ServerEvent::Comment { comment } => self.add_comment(comment),
            ServerEvent::Reaction { reaction } => self.add_reaction(reaction),
            ServerEvent::Notification { notification } => self.notification_delivered(notification),
        }
    }

    pub(super) fn upsert_message(&mut self, m: Message) {
        if let Some(c) = self.state.current.as_mut().filter(|c| c.message.id == m.id) {
            let became_ready =
                c.message.status != MessageStatus::Ready && m.status == MessageStatus::Ready;
            // A ready message that changed again may have had its transcript edited or restored
            // (#14): its transcript and captions are read anew.
            let changed_when_ready = c.message.status == MessageStatus::Ready
                && m.status == MessageStatus::Ready
                && m.updated_at_ms != c.message.updated_at_ms;
            let got_video = c.message.video_url.is_none() && m.video_url.is_some();
            c.message = m.clone();
            if got_video && c.playback.is_none() {
                let mut cur = self.state.current.take();
                if let Some(cur) = cur.as_mut() {
                    self.start_playback(cur);
                }
                self.state.current = cur;
            }
            if became_ready && let Some(lib) = &self.lib {
                lib.details(m.id, true);
            } else if changed_when_ready && let Some(lib) = &self.lib {
                lib.transcript(m.id);
                lib.captions(m.id);
            }
        }
        if Some(m.thread_id) == self.state.selected_thread {
            match self.state.messages.iter_mut().find(|x| x.id == m.id) {
                Some(x) => *x = m,
                None => {
                    self.state.messages.push(m);
                    self.state.messages.sort_by_key(|x| x.id);
                }
            }
            self.request_posters();
        }
    }

    fn add_comment(&mut self, cm: Comment) {
        if let Some(c) = self
            .state
            .current
            .as_mut()
            .filter(|c| c.message.id == cm.message_id)
            && !c.comments.iter().any(|x| x.id == cm.id)
        {
            c.comments.push(cm);
            c.comments.sort_by_key(|x| (x.at_ms, x.id));
        }
    }

    fn add_reaction(&mut self, r: Reaction) {
        if let Some(c) = self
            .state
            .current
            .as_mut()
            .filter(|c| c.message.id == r.message_id)
            && !c.reactions.iter().any(|x| x.id == r.id)
        {
            c.reactions.push(r);
        }
    }
}
