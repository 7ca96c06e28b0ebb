//! What a message page's player fetches besides the page: fresh short-lived media URLs
//! (`/v/{id}/media`), the captions (`/v/{id}/captions.vtt`) and a stable poster address for
//! unfurl cards (`/v/{id}/poster.jpg`, a redirect to a fresh URL). Each answers only those who
//! may open the page (see [`super::access`]); to anyone else it does not exist.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use vidmsg_api::{Id, Message, MessageStatus};

use super::access::{self, Opened};
use super::watch::WatchQuery;
use crate::error::AppError;
use crate::routes::messages::to_api;
use crate::state::AppState;
use crate::transcribe::vtt;

/// The message, if this browser may open its page; else 404 naming `what`.
async fn opened(
    state: &AppState,
    headers: &HeaderMap,
    id: Id,
    q: &WatchQuery,
    what: &'static str,
) -> Result<Opened, AppError> {
    access::open(state, headers, id, q.k.as_deref())
        .await?
        .map_err(|_| AppError::NotFound(what))
}

async fn message(
    state: &AppState,
    headers: &HeaderMap,
    id: Id,
    q: &WatchQuery,
    what: &'static str,
) -> Result<Message, AppError> {
    let o = opened(state, headers, id, q, what).await?;
    to_api(state, o.message).await
}

/// `GET /v/{id}/media`: fresh short-lived URLs for the page's player.
pub async fn media(
    State(state): State<AppState>,
    Path(id): Path<Id>,
    Query(q): Query<WatchQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let m = message(&state, &headers, id, &q, "message").await?;
    Ok(Json(serde_json::json!({
        "video_url": m.video_url,
        "expires_in_s": m.video_url_expires_in_s,
        "status": m.status,
    }))
    .into_response())
}

/// `GET /v/{id}/poster.jpg`: a stable address for the poster (unfurl cards keep it), answered
/// with a redirect to a fresh short-lived URL.
pub async fn poster(
    State(state): State<AppState>,
    Path(id): Path<Id>,
    Query(q): Query<WatchQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let m = message(&state, &headers, id, &q, "poster").await?;
    let url = m.thumbnail_url.ok_or(AppError::NotFound("poster"))?;
    Ok(Redirect::temporary(&url).into_response())
}

/// `GET /v/{id}/captions.vtt`, once the message is transcribed.
pub async fn captions(
    State(state): State<AppState>,
    Path(id): Path<Id>,
    Query(q): Query<WatchQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let o = opened(&state, &headers, id, &q, "captions").await?;
    if o.message.status != MessageStatus::Ready {
        return Err(AppError::NotFound("captions"));
    }
    let segments = state.db.transcript(id).await?;
    Ok((
        [(header::CONTENT_TYPE, "text/vtt; charset=utf-8")],
        vtt::render(&segments),
    )
        .into_response())
}
