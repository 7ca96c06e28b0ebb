//! The web pages: a shared link opens in any browser. `/v/{id}` is a message's page (video with
//! captions, transcript following playback, the thread, comments and reactions), `/embed/{id}`
//! its bare player for iframes, `/` the library and transcript search, `/signin` and
//! `/join/{code}` sign a browser in. Pages are server-rendered from compile-time-checked
//! templates (`server/templates/`) and show everything without JavaScript; small scripts add the
//! rest: `assets/watch.js` the player's keys, transcript sync, posting, live comments and the
//! author's transcript editing (which needs it), `assets/library.js` the library's live list.
//!
//! Every page is sent with a Content-Security-Policy that allows no inline script, no framing
//! (but the embed), and no referrer (a share link's key never leaks to another site).

pub mod access;
pub mod assets;
pub mod cookies;
pub mod library;
pub mod media;
pub mod oembed;
pub mod pages;
pub mod signin;
pub mod watch;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::{get, post};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::state::AppState;

const CSP_PAGES: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' data: http: https:; media-src 'self' blob: http: https:; connect-src 'self'; \
    object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const CSP_EMBED: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' data: http: https:; media-src 'self' blob: http: https:; connect-src 'self'; \
    object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors *";

fn headers<S: Clone + Send + Sync + 'static>(router: Router<S>, csp: &'static str) -> Router<S> {
    router
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("x-frame-options"),
            HeaderValue::from_static(if csp == CSP_EMBED { "ALLOWALL" } else { "DENY" }),
        ))
}

/// The pages' routes (merged beside `/api`; the embedded S3 endpoint stays the fallback).
pub fn router(state: AppState) -> Router {
    let pages = Router::new()
        .route("/", get(library::page))
        .route("/signin", get(signin::form).post(signin::submit))
        .route("/signout", post(signin::sign_out))
        .route("/join/{code}", get(signin::join_form).post(signin::join))
        .route("/v/{id}", get(watch::page))
        .route("/v/{id}/media", get(media::media))
        .route("/v/{id}/captions.vtt", get(media::captions))
        .route("/v/{id}/poster.jpg", get(media::poster))
        .route("/v/{id}/unlock", post(watch::unlock));
    let embed = Router::new().route("/embed/{id}", get(watch::embed));
    headers(pages, CSP_PAGES)
        .merge(headers(embed, CSP_EMBED))
        .route("/assets/{file}", get(assets::serve))
        .with_state(state)
}
