//! Talks to the server for the app: each request runs on the app's tokio runtime and its answer
//! comes back on a channel as a [`Loaded`], followed by a repaint request. The event feed (server
//! push) runs the same way and reconnects by itself.

use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use vidmsg_api::{
    Client, ClientError, Comment, CreateComment, CreateInvite, CreateMessage, CreateReaction, Id,
    Message, MessageKind, PageQuery, Reaction, SearchHit, SearchQuery, ServerEvent, SessionCreated,
    Thread, Transcript, User,
};

use vidmsg_desktop::SignInRequest;

use super::inbox::{InboxLoaded, MemberChange};
use super::vtt::{self, Cue};

/// An answer from the server; errors stay typed until they are drawn.
#[derive(Debug)]
pub enum Loaded {
    /// The token signs in this user (or was refused).
    SignedIn(Result<User, ClientError>),
    /// A name and password, or an invite, were answered with a new token (or refused).
    Session {
        request: SignInRequest,
        result: Result<SessionCreated, ClientError>,
    },
    Threads(Result<Vec<Thread>, ClientError>),
    Messages(Id, Result<Vec<Message>, ClientError>),
    Transcript(Id, Result<Transcript, ClientError>),
    Captions(Id, Result<Vec<Cue>, ClientError>),
    Comments(Id, Result<Vec<Comment>, ClientError>),
    Reactions(Id, Result<Vec<Reaction>, ClientError>),
    Search(String, Result<Vec<SearchHit>, ClientError>),
    /// A message to open (from `--open` or a link).
    Open(Result<Message, ClientError>),
    Posted(Result<Message, ClientError>),
    CommentPosted(Result<Comment, ClientError>),
    ReactionPosted(Result<Reaction, ClientError>),
    Event(ServerEvent),
    /// The event feed connected (true) or dropped (false).
    Feed(bool),
    /// Spaces, people, invites and thread members (the inbox of #11).
    Inbox(InboxLoaded),
    /// Notifications and the desktop notifier's reports, and the user's hours (#11).
    Notifications(super::notifications::NotificationLoaded),
    Hours(super::hours::HoursLoaded),
    /// A thread's share link (#12).
    Share(super::sharing::ShareLoaded),
    /// A transcript after a save or a restore (#14).
    TranscriptEdit(super::transcript_edit::TranscriptLoaded),
    /// A message after its author changed its title (#14).
    Titled(Result<Message, ClientError>),
    /// A message's poster, decoded (#12).
    Poster(Id, Result<eframe::egui::ColorImage, String>),
}

pub type Wake = Arc<dyn Fn() + Send + Sync>;

/// Sends `request` (no token needed) on `rt`; answers `Loaded::Session`.
pub fn open_session(
    rt: &tokio::runtime::Handle,
    request: SignInRequest,
    tx: mpsc::Sender<Loaded>,
    wake: Wake,
) {
    rt.spawn(async move {
        let result = vidmsg_api::session::sign_in(&request).await;
        let _ = tx.send(Loaded::Session { request, result });
        wake();
    });
}

#[derive(Clone)]
pub struct Library {
    rt: tokio::runtime::Handle,
    pub client: Client,
    tx: mpsc::Sender<Loaded>,
    wake: Wake,
}

impl Library {
    pub fn new(
        rt: tokio::runtime::Handle,
        server: &str,
        token: &str,
        tx: mpsc::Sender<Loaded>,
        wake: Wake,
    ) -> Result<Self, ClientError> {
        let client = Client::new(
            server.trim().trim_end_matches('/'),
            Some(token.trim().to_string()),
        )?;
        Ok(Self {
            rt,
            client,
            tx,
            wake,
        })
    }

    pub(super) fn spawn<F>(&self, work: impl FnOnce(Client) -> F + Send + 'static)
    where
        F: std::future::Future<Output = Loaded> + Send + 'static,
    {
        let (client, tx, wake) = (self.client.clone(), self.tx.clone(), self.wake.clone());
        self.rt.spawn(async move {
            let loaded = work(client).await;
            let _ = tx.send(loaded);
            wake();
        });
    }

    pub fn sign_in(&self) {
        self.spawn(|c| async move { Loaded::SignedIn(c.me().await) });
    }

    pub fn threads(&self) {
        self.spawn(|c| async move {
            let mut all = Vec::new();
            let mut q = PageQuery {
                limit: Some(200),
                cursor: None,
            };
            loop {
                match c.list_threads(&q).await {
                    Ok(page) => {
                        all.extend(page.items);
                        match page.next_cursor {
                            Some(next) if all.len() < 1000 => q.cursor = Some(next),
                            _ => return Loaded::Threads(Ok(all)),
                        }
                    }
                    Err(e) => return Loaded::Threads(Err(e)),
                }
            }
        });
    }

    pub fn messages(&self, thread: Id) {
        self.spawn(move |c| async move {
            let mut all = Vec::new();
            let mut q = PageQuery {
                limit: Some(200),
                cursor: None,
            };
            loop {
                match c.list_messages(thread, &q).await {
                    Ok(page) => {
                        all.extend(page.items);
                        match page.next_cursor {
                            Some(next) => q.cursor = Some(next),
                            None => return Loaded::Messages(thread, Ok(all)),
                        }
                    }
                    Err(e) => return Loaded::Messages(thread, Err(e)),
                }
            }
        });
    }

    pub fn mark_read(&self, thread: Id) {
        let c = self.client.clone();
        self.rt.spawn(async move {
            if let Err(e) = c.mark_read(thread).await {
                tracing::warn!(error = %e, "marking thread {thread} read");
            }
        });
    }

    pub fn open(&self, message: Id) {
        self.spawn(move |c| async move { Loaded::Open(c.get_message(message).await) });
    }

    /// Transcript, captions, comments and reactions of a message.
    pub fn details(&self, message: Id, transcribed: bool) {
        if transcribed {
            self.transcript(message);
            self.captions(message);
        }
        self.spawn(
            move |c| async move { Loaded::Comments(message, c.list_comments(message).await) },
        );
        self.spawn(
            move |c| async move { Loaded::Reactions(message, c.list_reactions(message).await) },
        );
    }

    /// The transcript (segments, and whether it was edited by hand).
    pub fn transcript(&self, message: Id) {
        self.spawn(
            move |c| async move { Loaded::Transcript(message, c.transcript(message).await) },
        );
    }

    pub fn captions(&self, message: Id) {
        self.spawn(move |c| async move {
            Loaded::Captions(
                message,
                c.captions_vtt(message).await.map(|v| vtt::parse(&v)),
            )
        });
    }

    pub fn search(&self, q: String) {
        self.spawn(move |c| async move {
            let r = c
                .search(&SearchQuery {
                    q: q.clone(),
                    limit: Some(50),
                    ..Default::default()
                })
                .await
                .map(|r| r.hits);
            Loaded::Search(q, r)
        });
    }

    pub fn post_text(&self, thread: Id, parent: Option<Id>, body: String) {
        self.spawn(move |c| async move {
            let title: String = body
                .lines()
                .next()
                .unwrap_or_default()
                .chars()
                .take(80)
                .collect();
            let new = CreateMessage {
                kind: MessageKind::Text,
                title: Some(title),
                body: Some(body),
                parent_id: parent,
                content_type: None,
                urgent: false,
            };
            Loaded::Posted(c.create_message(thread, &new).await)
        });
    }

    pub fn comment(&self, message: Id, at_ms: i64, body: String) {
        self.spawn(move |c| async move {
            Loaded::CommentPosted(
                c.create_comment(message, &CreateComment { at_ms, body })
                    .await,
            )
        });
    }

    pub fn react(&self, message: Id, at_ms: i64, emoji: String) {
        self.spawn(move |c| async move {
            Loaded::ReactionPosted(
                c.create_reaction(message, &CreateReaction { at_ms, emoji })
                    .await,
            )
        });
    }

    /// Records how far the user watched (fire and forget).
    pub fn view(&self, message: Id, watched_ms: i64) {
        let c = self.client.clone();
        self.rt.spawn(async move {
            if let Err(e) = c.record_view(message, watched_ms).await {
                tracing::debug!(error = %e, "recording a view");
            }
        });
    }

    /// Follows the server's event feed for as long as the app runs, reconnecting after drops
    /// (asking for what changed while it was away).
    pub fn follow_events(&self) {
        let (c, tx, wake) = (self.client.clone(), self.tx.clone(), self.wake.clone());
        self.rt.spawn(async move {
            let mut since: Option<i64> = None;
            loop {
                match c.events(since).await {
                    Ok(mut stream) => {
                        if tx.send(Loaded::Feed(true)).is_err() {
                            return;
                        }
                        wake();
                        while let Some(ev) = stream.next().await {
                            match ev {
                                Ok(ev) => {
                                    if tx.send(Loaded::Event(ev)).is_err() {
                                        return;
                                    }
                                    wake();
                                }
                                Err(e) => {
                                    tracing::debug!(error = %e, "event feed");
                                    break;
                                }
                            }
                        }
                    }
                    Err(e) => tracing::debug!(error = %e, "event feed unavailable"),
                }
                if tx.send(Loaded::Feed(false)).is_err() {
                    return;
                }
                wake();
                // Ask for what changed since just before the drop (the server sends each change
                // once per connection; the app tolerates a repeat).
                since = Some(now_ms() - 5_000);
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        });
    }
}

/// Spaces, people, invites and thread members (the inbox of #11).
impl Library {
    pub fn spaces(&self) {
        self.spawn(|c| async move { Loaded::Inbox(InboxLoaded::Spaces(c.list_spaces().await)) });
    }

    pub fn people(&self) {
        self.spawn(|c| async move { Loaded::Inbox(InboxLoaded::People(c.list_users().await)) });
    }

    pub fn join_space(&self, space: Id) {
        self.spawn(move |c| async move {
            Loaded::Inbox(InboxLoaded::Joined(c.join_space(space).await))
        });
    }

    /// Leaves `space` (removes `me` from it).
    pub fn leave_space(&self, space: Id, me: String) {
        self.spawn(move |c| async move {
            let result = c.remove_space_member(space, &me).await;
            Loaded::Inbox(InboxLoaded::Left { space, result })
        });
    }

    /// A single-use invite link, into `spaces` (names) if any.
    pub fn create_invite(&self, spaces: Vec<String>) {
        self.spawn(move |c| async move {
            Loaded::Inbox(InboxLoaded::Invite(
                c.create_invite(&CreateInvite { spaces }).await,
            ))
        });
    }

    /// Adds `name` to a direct thread (or removes them), answering with the thread after.
    pub fn change_members(&self, thread: Id, name: String, add: bool) {
        self.spawn(move |c| async move {
            let result = if add {
                c.add_member(thread, &name).await
            } else {
                match c.remove_member(thread, &name).await {
                    Ok(()) => c.get_thread(thread).await,
                    Err(e) => Err(e),
                }
            };
            let change = if add {
                MemberChange::Added(name)
            } else {
                MemberChange::Removed(name)
            };
            Loaded::Inbox(InboxLoaded::Members { change, result })
        });
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
