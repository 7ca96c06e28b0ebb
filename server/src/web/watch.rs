//! A message's page (`/v/{id}`), its bare embed (`/embed/{id}`), and the share link's password
//! form (`/v/{id}/unlock`). Each answers only a signed-in viewer or a holder of the share link
//! (see [`super::access`]); what the page's player fetches besides is in [`super::media`].
//! The message's author (or an admin) gets the transcript's editing controls.

use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use vidmsg_api::{Id, MessageKind, MessageStatus};

use super::access::{self, Opened, Refused};
use super::cookies;
use super::pages::{
    self, ChapterItem, Chrome, CommentItem, Notice, OpenGraph, Password, ReactionItem, SegmentItem,
    ThreadItem, Watch, WatchView,
};
use crate::error::AppError;
use crate::routes::messages::to_api;
use crate::sharing;
use crate::state::AppState;

/// Reactions the page offers (any short symbol is accepted by the API).
const EMOJIS: [&str; 6] = ["👍", "❤️", "😂", "🎉", "🤔", "👀"];

#[derive(Debug, Default, Deserialize)]
pub struct WatchQuery {
    /// Start here (seconds).
    pub t: Option<f64>,
    /// The share link's key.
    pub k: Option<String>,
}

/// What the page shows instead of a message it may not show.
pub fn refused(refusal: Refused, id: Id, key: Option<&str>) -> Response {
    match refusal {
        Refused::SignIn => Redirect::to(&format!("/signin?next=/v/{id}")).into_response(),
        Refused::NotFound => pages::render(
            StatusCode::NOT_FOUND,
            &Notice {
                chrome: Chrome::new(None),
                heading: "Not found".into(),
                text: "There is no such video, or it was not shared with you. Ask its author to \
                       add you to the thread or space."
                    .into(),
            },
        ),
        Refused::DeadLink => pages::render(
            StatusCode::GONE,
            &Notice {
                chrome: Chrome::new(None),
                heading: "This link no longer works".into(),
                text: "It was turned off, it expired, or it was mistyped. Ask whoever sent it \
                       for a new one."
                    .into(),
            },
        ),
        Refused::Password { .. } => pages::render(
            StatusCode::UNAUTHORIZED,
            &Password {
                chrome: Chrome::new(None),
                error: None,
                message_id: id,
                key: key.unwrap_or_default().to_string(),
            },
        ),
    }
}

/// `GET /v/{id}`: the message's page.
pub async fn page(
    State(state): State<AppState>,
    Path(id): Path<Id>,
    Query(q): Query<WatchQuery>,
    headers: HeaderMap,
) -> Response {
    match access::open(&state, &headers, id, q.k.as_deref()).await {
        Ok(Ok(opened)) => match view(&state, opened, q.t).await {
            Ok(page) => pages::render(StatusCode::OK, &page),
            Err(e) => e.into_response(),
        },
        Ok(Err(refusal)) => refused(refusal, id, q.k.as_deref()),
        Err(e) => e.into_response(),
    }
}

fn key_query(key: Option<&str>) -> String {
    key.map(|k| format!("?k={k}")).unwrap_or_default()
}

async fn view(state: &AppState, opened: Opened, t: Option<f64>) -> Result<Watch, AppError> {
    let Opened {
        message: row,
        session,
        link_key,
    } = opened;
    let id = row.id;
    let kq = key_query(link_key.as_deref());
    let thread = state
        .db
        .thread(row.thread_id)
        .await?
        .ok_or(AppError::NotFound("thread"))?;
    let author_id = row.author_id;
    let message = to_api(state, row).await?;
    let start_ms = t
        .filter(|t| t.is_finite() && *t >= 0.0)
        .map(|t| (t * 1000.0) as i64)
        .unwrap_or(0);
    let ready = message.kind == MessageKind::Video && message.status == MessageStatus::Ready;
    let segments = if ready {
        state.db.transcript(id).await?
    } else {
        Vec::new()
    };
    let transcript_edited = ready && state.db.transcript_edit(id).await?.is_some();
    // Fixing a wrong word (#14): the author or an admin, opened as a member of the thread (not
    // through the share link), may edit a transcript there is (the API checks the same).
    let can_edit = ready
        && !segments.is_empty()
        && link_key.is_none()
        && session
            .as_ref()
            .is_some_and(|s| s.user.id == author_id || s.user.is_admin());
    let comments = state.db.list_comments(id).await?;
    let reactions = state.db.list_reactions(id).await?;
    let views = state.db.list_views(id).await?.len() as i64;
    let all = state.db.list_messages(thread.id, None, 500).await?;
    let (date, date_iso) = pages::date(message.created_at_ms);
    let status_text = match message.status {
        MessageStatus::Uploading => "This video is still being uploaded.".to_string(),
        MessageStatus::Processing => {
            "This video is being prepared; it can be watched in a moment.".to_string()
        }
        MessageStatus::Failed => message
            .status_reason
            .clone()
            .unwrap_or_else(|| "This video could not be processed.".into()),
        MessageStatus::Ready => String::new(),
    };
    let video_src = message.video_url.as_ref().map(|u| {
        if start_ms > 0 {
            format!("{u}#t={:.1}", start_ms as f64 / 1000.0)
        } else {
            u.clone()
        }
    });
    // A video without a title its author gave is shown under the title suggested from its
    // transcript (#14).
    let title = message
        .suggested_title
        .clone()
        .unwrap_or_else(|| message.title.clone());
    let og = match &link_key {
        Some(k) => Some(OpenGraph {
            title: title.clone(),
            description: segments
                .first()
                .map(|s| first_sentence(&s.text))
                .unwrap_or_else(|| format!("A video message from {}", message.author)),
            url: sharing::message_url(&state.public_url, id, k),
            image: message
                .thumbnail_url
                .as_ref()
                .map(|_| format!("{}/v/{id}/poster.jpg{kq}", state.public_url)),
            video: message.video_url.clone(),
            embed: format!("{}/embed/{id}{kq}", state.public_url),
            oembed: format!(
                "{}/api/oembed?url={}",
                state.public_url,
                url::form_urlencoded::byte_serialize(
                    sharing::message_url(&state.public_url, id, k).as_bytes()
                )
                .collect::<String>()
            ),
        }),
        None => None,
    };
    let w = WatchView {
        id,
        thread_id: thread.id,
        title_suggested: message.suggested_title.is_some(),
        title,
        chapters: message
            .chapters
            .iter()
            .map(|c| ChapterItem {
                start_ms: c.start_ms,
                clock: pages::clock(c.start_ms),
                title: c.title.clone(),
            })
            .collect(),
        author: message.author.clone(),
        date,
        date_iso,
        duration: message.duration_ms.map(pages::clock),
        views,
        body: message.body.clone(),
        captions_src: (ready && message.video_url.is_some())
            .then(|| format!("/v/{id}/captions.vtt{kq}")),
        video_src,
        poster: message
            .thumbnail_url
            .as_ref()
            .map(|_| format!("/v/{id}/poster.jpg{kq}")),
        status_text,
        media_url: format!("/v/{id}/media{kq}"),
        expires_in_s: message.video_url_expires_in_s.unwrap_or(0),
        start_ms,
        can_post: session.is_some() && link_key.is_none(),
        can_edit,
        transcript_edited,
        here: format!("/v/{id}"),
        emojis: EMOJIS.to_vec(),
        comments: comments
            .into_iter()
            .map(|c| CommentItem {
                id: c.id,
                clock: pages::clock(c.at_ms),
                at_ms: c.at_ms,
                author: c.author,
                body: c.body,
            })
            .collect(),
        reactions: reactions
            .into_iter()
            .map(|r| ReactionItem {
                clock: pages::clock(r.at_ms),
                at_ms: r.at_ms,
                author: r.author,
                emoji: r.emoji,
            })
            .collect(),
        transcript_note: match message.status {
            MessageStatus::Ready => "Nothing was said in this video.".into(),
            _ if message.kind == MessageKind::Text => "A text message has no transcript.".into(),
            _ => "The transcript appears once the video is processed.".into(),
        },
        segments: segments
            .into_iter()
            .map(|s| SegmentItem {
                clock: pages::clock(s.start_ms),
                start_ms: s.start_ms,
                end_ms: s.end_ms,
                text: s.text,
            })
            .collect(),
        thread_title: thread.title.clone(),
        thread: thread_items(&all, id, &kq),
    };
    Ok(Watch {
        chrome: Chrome::new(session.as_ref()),
        w,
        og,
    })
}

/// The thread's messages in reply order (a reply right below what it answers), with depth.
fn thread_items(all: &[crate::db::MessageRow], current: Id, kq: &str) -> Vec<ThreadItem> {
    fn walk(
        all: &[crate::db::MessageRow],
        parent: Option<Id>,
        depth: usize,
        current: Id,
        kq: &str,
        out: &mut Vec<ThreadItem>,
    ) {
        for m in all.iter().filter(|m| m.parent_id == parent) {
            let (date, _) = pages::date(m.created_at_ms);
            out.push(ThreadItem {
                id: m.id,
                depth: depth.min(4),
                current: m.id == current,
                video: m.kind == MessageKind::Video,
                title: m.title.clone(),
                body: m.body.clone().unwrap_or_default(),
                author: m.author.clone(),
                date,
                href: format!("/v/{}{kq}", m.id),
            });
            if out.len() < 1000 {
                walk(all, Some(m.id), depth + 1, current, kq, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(all, None, 0, current, kq, &mut out);
    out
}

/// The first sentence of a transcript line (at most 200 characters), for unfurl cards.
fn first_sentence(text: &str) -> String {
    let t = text.trim();
    let sentence = match t.find(['.', '!', '?']) {
        Some(i) => &t[..=i],
        None => t,
    };
    sentence.chars().take(200).collect()
}

/// `GET /embed/{id}`: the bare player, for iframes (only through a share link or a session).
pub async fn embed(
    State(state): State<AppState>,
    Path(id): Path<Id>,
    Query(q): Query<WatchQuery>,
    headers: HeaderMap,
) -> Response {
    match access::open(&state, &headers, id, q.k.as_deref()).await {
        Ok(Ok(opened)) => {
            let key = opened.link_key.clone();
            match view(&state, opened, q.t).await {
                Ok(page) => {
                    let mut w = page.w;
                    w.here = match key {
                        Some(k) => sharing::message_url(&state.public_url, id, &k),
                        None => format!("{}/v/{id}", state.public_url),
                    };
                    pages::render(
                        StatusCode::OK,
                        &pages::Embed {
                            chrome: page.chrome,
                            w,
                        },
                    )
                }
                Err(e) => e.into_response(),
            }
        }
        Ok(Err(Refused::SignIn | Refused::NotFound)) => pages::render(
            StatusCode::NOT_FOUND,
            &Notice {
                chrome: Chrome::new(None),
                heading: "Not available".into(),
                text: "This video is not shared by link.".into(),
            },
        ),
        Ok(Err(refusal)) => refused(refusal, id, q.k.as_deref()),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
pub struct UnlockForm {
    pub k: String,
    pub password: String,
}

/// `POST /v/{id}/unlock`: the share link's password; a right one sets the unlock cookie.
/// Wrong ones are throttled per address like sign-ins.
pub async fn unlock(
    State(state): State<AppState>,
    Path(id): Path<Id>,
    axum::extract::ConnectInfo(addr): axum::extract::ConnectInfo<std::net::SocketAddr>,
    Form(form): Form<UnlockForm>,
) -> Response {
    let again = |error: &str, status: StatusCode| {
        pages::render(
            status,
            &Password {
                chrome: Chrome::new(None),
                error: Some(error.to_string()),
                message_id: id,
                key: form.k.clone(),
            },
        )
    };
    if let Some(wait) = state.throttle.sign_in_by_address.blocked(addr.ip()) {
        return again(
            &format!(
                "Too many wrong passwords: wait {} seconds, then try again.",
                wait.as_secs().max(1)
            ),
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    let link = match state.db.message(id).await {
        Ok(Some(m)) => state.db.thread_link(m.thread_id).await.ok().flatten(),
        _ => None,
    };
    let Some(link) = link else {
        return refused(Refused::DeadLink, id, None);
    };
    if sharing::check(Some(&link), &form.k, None, crate::db::now_ms()) == Err(sharing::Denied::Dead)
    {
        return refused(Refused::DeadLink, id, None);
    }
    let stored = link.password_hash.clone();
    let password = form.password.clone();
    let ok =
        tokio::task::spawn_blocking(move || crate::passwords::verify(&password, stored.as_deref()))
            .await
            .unwrap_or(false);
    if !ok {
        state.throttle.sign_in_by_address.record_failure(addr.ip());
        return again("That password is not right.", StatusCode::UNAUTHORIZED);
    }
    let mut resp = Redirect::to(&format!("/v/{id}?k={}", form.k)).into_response();
    cookies::add(
        resp.headers_mut(),
        &cookies::set(
            &cookies::unlock_name(link.thread_id),
            &sharing::unlock_token(&link),
            7 * 24 * 3600,
            state.public_url.starts_with("https://"),
        ),
    );
    resp
}
