//! `/`: a signed-in browser's library — its threads (newest first, with unread counts) and a
//! search over every transcript it may see, where a hit opens the message at that second.
//! `/?partial=threads` is the spaces and threads alone, drawn by the same template: the page's
//! script (`assets/library.js`) fetches it again when the event feed reports a change.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use vidmsg_api::ThreadVisibility;

use super::access;
use super::pages::{
    self, Chrome, Library, LibraryHit, LibrarySpace, LibraryThread, LibraryThreads,
};
use crate::db::SearchSpec;
use crate::error::AppError;
use crate::search::syntax;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct LibraryQuery {
    #[serde(default)]
    pub q: String,
    /// Show only this space's threads.
    pub space: Option<vidmsg_api::Id>,
    /// `threads`: only the spaces and threads (the live list's refresh), no page around them.
    pub partial: Option<String>,
}

/// Splits a hit's snippet (words wrapped in `<mark>…</mark>`) into (text, marked) pieces, so
/// the page escapes the text and draws the marks itself.
pub fn snippet_parts(snippet: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut rest = snippet;
    while let Some(open) = rest.find("<mark>") {
        if open > 0 {
            out.push((rest[..open].to_string(), false));
        }
        let after = &rest[open + 6..];
        let close = after.find("</mark>").unwrap_or(after.len());
        out.push((after[..close].to_string(), true));
        rest = after.get(close + 7..).unwrap_or("");
    }
    if !rest.is_empty() {
        out.push((rest.to_string(), false));
    }
    out
}

/// `GET /` (`?q=` searches; `?partial=threads` is the list alone).
pub async fn page(
    State(state): State<AppState>,
    Query(q): Query<LibraryQuery>,
    headers: HeaderMap,
) -> Response {
    let partial = match q.partial.as_deref() {
        None => false,
        Some("threads") => true,
        Some(other) => {
            return AppError::BadRequest(format!(
                "partial={other} is not a part of this page; the only one is partial=threads"
            ))
            .into_response();
        }
    };
    let session = match access::session(&state, &headers).await {
        Ok(Some(s)) => s,
        // The script asking for the list gets a status, not the sign-in page to paste in.
        Ok(None) if partial => return AppError::Unauthorized.into_response(),
        Ok(None) => return Redirect::to("/signin").into_response(),
        Err(e) => return e.into_response(),
    };
    // The list alone needs no search: it is built without the query.
    let query = if partial { "" } else { q.q.trim() };
    match build(&state, &session, query, q.space).await {
        Ok(page) if partial => pages::render(
            StatusCode::OK,
            &LibraryThreads {
                spaces: page.spaces,
                shown: page.shown,
                threads: page.threads,
            },
        ),
        Ok(page) => pages::render(StatusCode::OK, &page),
        Err(e) => e.into_response(),
    }
}

async fn build(
    state: &AppState,
    session: &access::Session,
    query: &str,
    space: Option<vidmsg_api::Id>,
) -> Result<Library, AppError> {
    let user = session.user.id;
    let unread = state.db.unread_counts(user).await?;
    let all = state.db.list_threads(user, None, 200).await?;
    // The spaces the user is in, with the unread messages of their threads.
    let spaces: Vec<LibrarySpace> = state
        .db
        .list_spaces(user)
        .await?
        .into_iter()
        .filter(|s| s.joined)
        .map(|s| LibrarySpace {
            href: format!("/?space={}", s.id),
            current: space == Some(s.id),
            unread: all
                .iter()
                .filter(|t| t.space_id == Some(s.id))
                .map(|t| unread.get(&t.id).copied().unwrap_or(0))
                .sum(),
            name: s.name,
        })
        .collect();
    let shown = spaces.iter().find(|s| s.current).map(|s| s.name.clone());
    let mut threads = Vec::new();
    for t in all
        .into_iter()
        .filter(|t| space.is_none() || t.space_id == space)
        .take(100)
    {
        let first = state.db.first_message(t.id).await?;
        let poster = match first {
            Some(m) => state
                .db
                .message(m)
                .await?
                .and_then(|row| row.poster_key.map(|_| format!("/v/{m}/poster.jpg"))),
            None => None,
        };
        threads.push(LibraryThread {
            id: t.id,
            href: first.map(|m| format!("/v/{m}")),
            poster,
            place: match (&t.visibility, &t.space) {
                (ThreadVisibility::Space, Some(s)) => format!("#{s}"),
                _ => t.members.join(", "),
            },
            count: match t.message_count {
                1 => "1 message".to_string(),
                n => format!("{n} messages"),
            },
            unread: unread.get(&t.id).copied().unwrap_or(0),
            date: pages::date(t.updated_at_ms).0,
            title: t.title,
        });
    }
    let (mut hits, mut error) = (Vec::new(), None);
    if !query.is_empty() {
        match syntax::parse(query) {
            None => error = Some("Type some words to search for.".to_string()),
            Some(query) => {
                let spec = SearchSpec {
                    query,
                    user,
                    thread: None,
                    limit: 50,
                    offset: 0,
                };
                let mut found = state.db.search(&spec).await?;
                crate::search::word_hit::point_at_words(&state.db, &mut found).await?;
                hits = found
                    .into_iter()
                    .map(|h| LibraryHit {
                        href: format!("/v/{}?t={:.1}", h.message_id, h.start_ms as f64 / 1000.0),
                        clock: pages::clock(h.start_ms),
                        parts: snippet_parts(&h.snippet),
                        title: h.title,
                        author: h.author,
                        thread_title: h.thread_title,
                    })
                    .collect();
            }
        }
    }
    Ok(Library {
        chrome: Chrome::new(Some(session)),
        spaces,
        shown,
        query: query.to_string(),
        error,
        hits,
        threads,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn marks_become_pieces_and_text_stays_text() {
        assert_eq!(
            super::snippet_parts("a <mark>deploy</mark> <script> b"),
            vec![
                ("a ".to_string(), false),
                ("deploy".to_string(), true),
                (" <script> b".to_string(), false)
            ]
        );
    }
}
