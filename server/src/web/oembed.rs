//! `GET /api/oembed?url=…`: the oEmbed answer for a shared message URL (chat apps and wikis ask
//! it to embed the video). Only URLs that work through a share link without a password answer;
//! anything else is 404 and says nothing about the message.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use vidmsg_api::ErrorBody;

use crate::db::now_ms;
use crate::error::{AppError, AppResult};
use crate::extract::ApiQuery;
use crate::sharing;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OEmbedQuery {
    /// A shared message URL (`{public_url}/v/{id}?k=…`).
    pub url: String,
    pub maxwidth: Option<u32>,
    pub maxheight: Option<u32>,
}

/// oEmbed 1.0, type `video`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OEmbed {
    #[serde(rename = "type")]
    pub kind: String,
    pub version: String,
    pub title: String,
    pub author_name: String,
    pub provider_name: String,
    pub provider_url: String,
    pub html: String,
    pub width: u32,
    pub height: u32,
}

/// The (message id, key) a shared URL names.
fn parse(url_text: &str) -> Option<(i64, String)> {
    let url = url::Url::parse(url_text).ok()?;
    let mut segs = url.path_segments()?;
    if segs.next()? != "v" {
        return None;
    }
    let id = segs.next()?.parse().ok()?;
    let key = url.query_pairs().find(|(k, _)| k == "k")?.1.to_string();
    key.chars()
        .all(|c| c.is_ascii_hexdigit())
        .then_some((id, key))
}

/// oEmbed for a message shared by link.
#[utoipa::path(get, path = "/api/oembed", tag = "sharing", security(()), params(OEmbedQuery),
    responses((status = 200, body = OEmbed), (status = 404, body = ErrorBody)))]
pub async fn oembed(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<OEmbedQuery>,
) -> AppResult<Json<OEmbed>> {
    let (id, key) = parse(&q.url).ok_or(AppError::NotFound("shared video"))?;
    let message = state
        .db
        .message(id)
        .await?
        .ok_or(AppError::NotFound("shared video"))?;
    let link = state.db.thread_link(message.thread_id).await?;
    sharing::check(link.as_ref(), &key, None, now_ms())
        .map_err(|_| AppError::NotFound("shared video"))?;
    let width = q.maxwidth.unwrap_or(1280).clamp(200, 1920);
    let height = q
        .maxheight
        .unwrap_or(width * 9 / 16)
        .clamp(120, 1080)
        .min(width * 9 / 16);
    let src = format!("{}/embed/{id}?k={key}", state.public_url);
    Ok(Json(OEmbed {
        kind: "video".into(),
        version: "1.0".into(),
        html: format!(
            "<iframe src=\"{src}\" width=\"{width}\" height=\"{height}\" frameborder=\"0\" allow=\"fullscreen; picture-in-picture\" allowfullscreen></iframe>"
        ),
        title: message.title,
        author_name: message.author,
        provider_name: "vidmsg".into(),
        provider_url: state.public_url.clone(),
        width,
        height,
    }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_shared_message_urls_parse() {
        assert_eq!(
            super::parse("http://h:1/v/12?k=abc123"),
            Some((12, "abc123".into()))
        );
        assert_eq!(super::parse("http://h/v/12"), None);
        assert_eq!(super::parse("http://h/x/12?k=ab"), None);
        assert_eq!(super::parse("http://h/v/12?k=<x>"), None);
    }
}
