//! The pages' templates (`server/templates/`, checked at compile time by askama) and the values
//! they show, already formatted: a template only places text, it never computes.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::assets;

/// What every page's frame shows: assets, who is signed in, the CSRF token.
pub struct Chrome {
    pub css: String,
    pub icon: String,
    pub watch_js: String,
    pub library_js: String,
    pub signed_in_as: Option<String>,
    pub csrf: Option<String>,
}

impl Chrome {
    pub fn new(session: Option<&super::access::Session>) -> Self {
        Self {
            css: assets::url("vidmsg.css"),
            icon: assets::url("icon.svg"),
            watch_js: assets::url("watch.js"),
            library_js: assets::url("library.js"),
            signed_in_as: session.map(|s| s.user.name.clone()),
            csrf: session.map(|s| s.csrf.clone()),
        }
    }
}

#[derive(Template)]
#[template(path = "signin.html")]
pub struct SignIn {
    pub chrome: Chrome,
    pub error: Option<String>,
    pub form_token: String,
    pub next: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "join.html")]
pub struct Join {
    pub chrome: Chrome,
    pub error: Option<String>,
    pub form_token: String,
    pub code: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "notice.html")]
pub struct Notice {
    pub chrome: Chrome,
    pub heading: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "password.html")]
pub struct Password {
    pub chrome: Chrome,
    pub error: Option<String>,
    pub message_id: i64,
    pub key: String,
}

#[derive(Template)]
#[template(path = "watch.html")]
pub struct Watch {
    pub chrome: Chrome,
    pub w: WatchView,
    pub og: Option<OpenGraph>,
}

/// A message's page.
pub struct WatchView {
    pub id: i64,
    pub thread_id: i64,
    pub title: String,
    pub author: String,
    pub date: String,
    pub date_iso: String,
    pub duration: Option<String>,
    pub views: i64,
    pub body: Option<String>,
    pub video_src: Option<String>,
    pub poster: Option<String>,
    pub captions_src: Option<String>,
    pub status_text: String,
    pub media_url: String,
    pub expires_in_s: u64,
    pub start_ms: i64,
    pub can_post: bool,
    /// The viewer may fix the transcript's words (the author or an admin, signed in as a
    /// member of the thread).
    pub can_edit: bool,
    /// The transcript was edited by hand (the machine one is kept).
    pub transcript_edited: bool,
    /// This page's path (for "sign in and come back").
    pub here: String,
    pub emojis: Vec<&'static str>,
    pub comments: Vec<CommentItem>,
    pub reactions: Vec<ReactionItem>,
    pub segments: Vec<SegmentItem>,
    /// `title` is the one suggested from the transcript (the video has no title its author
    /// gave).
    pub title_suggested: bool,
    /// Chapters of a long recording (#14), under the video.
    pub chapters: Vec<ChapterItem>,
    pub transcript_note: String,
    pub thread_title: String,
    pub thread: Vec<ThreadItem>,
}

pub struct CommentItem {
    pub id: i64,
    pub author: String,
    pub at_ms: i64,
    pub clock: String,
    pub body: String,
}

pub struct ReactionItem {
    pub author: String,
    pub at_ms: i64,
    pub clock: String,
    pub emoji: String,
}

pub struct ChapterItem {
    pub start_ms: i64,
    pub clock: String,
    pub title: String,
}

pub struct SegmentItem {
    pub start_ms: i64,
    pub end_ms: i64,
    pub clock: String,
    pub text: String,
}

pub struct ThreadItem {
    pub id: i64,
    pub depth: usize,
    pub current: bool,
    pub video: bool,
    pub title: String,
    pub body: String,
    pub author: String,
    pub date: String,
    pub href: String,
}

/// Unfurl tags: only on pages opened through a share link (a private page tells nothing).
pub struct OpenGraph {
    pub title: String,
    pub description: String,
    pub url: String,
    pub image: Option<String>,
    pub video: Option<String>,
    pub embed: String,
    pub oembed: String,
}

/// Renders a page with a status; a template error is a 500 with a plain message.
pub fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "rendering a page failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the page could not be shown",
            )
                .into_response()
        }
    }
}

/// `m:ss` or `h:mm:ss`.
pub fn clock(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    let (h, m, s) = (s / 3600, (s / 60) % 60, s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// `2026-11-25 16:45 UTC` (and the ISO form for `<time datetime>`).
pub fn date(ms: i64) -> (String, String) {
    match jiff::Timestamp::from_millisecond(ms) {
        Ok(t) => (
            t.strftime("%Y-%m-%d %H:%M UTC").to_string(),
            t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        ),
        Err(_) => (String::new(), String::new()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn clocks_and_dates() {
        assert_eq!(super::clock(65_400), "1:05");
        assert_eq!(super::clock(3_725_000), "1:02:05");
        assert_eq!(super::date(0).0, "1970-01-01 00:00 UTC");
    }
}

#[derive(Template)]
#[template(path = "library.html")]
pub struct Library {
    pub chrome: Chrome,
    /// The spaces the user is in; `shown`: the one whose threads are listed (else all).
    pub spaces: Vec<LibrarySpace>,
    pub shown: Option<String>,
    pub query: String,
    pub error: Option<String>,
    pub hits: Vec<LibraryHit>,
    pub threads: Vec<LibraryThread>,
}

/// The library's spaces and threads alone (`/?partial=threads`): what `assets/library.js`
/// fetches again when the event feed says something changed. The full page includes the same
/// template, so one renderer draws the list with and without JavaScript.
#[derive(Template)]
#[template(path = "library_threads.html")]
pub struct LibraryThreads {
    pub spaces: Vec<LibrarySpace>,
    pub shown: Option<String>,
    pub threads: Vec<LibraryThread>,
}

pub struct LibrarySpace {
    pub name: String,
    pub href: String,
    pub unread: i64,
    pub current: bool,
}

pub struct LibraryHit {
    pub href: String,
    pub clock: String,
    pub title: String,
    pub author: String,
    pub thread_title: String,
    /// The snippet as (text, marked) pieces.
    pub parts: Vec<(String, bool)>,
}

pub struct LibraryThread {
    pub id: i64,
    pub href: Option<String>,
    /// The first message's poster, when it has one.
    pub poster: Option<String>,
    pub title: String,
    /// `#space` or the people.
    pub place: String,
    /// "1 message", "3 messages".
    pub count: String,
    pub unread: i64,
    pub date: String,
}

#[derive(Template)]
#[template(path = "embed.html")]
pub struct Embed {
    pub chrome: Chrome,
    pub w: WatchView,
}
