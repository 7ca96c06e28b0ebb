//! The `/api` router: one module per area, each contributing its routes (and their OpenAPI
//! paths, from the same `#[utoipa::path]` annotations, so the spec cannot drift from the routes).

pub(crate) mod access;
mod events;
mod feedback;
mod health;
pub(crate) mod invites;
mod me;
pub(crate) mod messages;
pub(crate) mod pagination;
pub(crate) mod sessions;
mod shared_errors;
pub(crate) mod spaces;
mod threads;
mod transcript_edits;
mod transcripts;
mod uploads;
mod users;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::{Extension, Router};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::AppError;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "vidmsg API", description = "Threads of async video messages: uploads, playback, comments, views."),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The whole `/api` tree, with its spec served at `/api/openapi.json`.
pub fn api_router(state: AppState, max_body_bytes: usize) -> Router {
    let (router, mut spec) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::health))
        .routes(routes!(health::openapi_json))
        .routes(routes!(me::me, me::update_me))
        .routes(routes!(crate::notifications::route::list))
        .routes(routes!(crate::notifications::route::mark_seen))
        .routes(routes!(sessions::create_session))
        .routes(routes!(sessions::delete_current_session))
        .routes(routes!(invites::create_invite))
        .routes(routes!(invites::join))
        .routes(routes!(users::list_users))
        .routes(routes!(spaces::list_spaces, spaces::create_space))
        .routes(routes!(spaces::get_space))
        .routes(routes!(spaces::add_space_member))
        .routes(routes!(spaces::remove_space_member))
        .routes(routes!(threads::list_threads, threads::create_thread))
        .routes(routes!(threads::get_thread, threads::delete_thread))
        .routes(routes!(threads::add_member))
        .routes(routes!(threads::remove_member))
        .routes(routes!(threads::mark_read))
        .routes(routes!(
            crate::sharing::route::get_link,
            crate::sharing::route::set_link
        ))
        .routes(routes!(events::events))
        .routes(routes!(messages::list_messages, messages::create_message))
        .routes(routes!(
            messages::get_message,
            messages::update_message,
            messages::delete_message
        ))
        .routes(routes!(uploads::upload_state, uploads::abort_upload))
        .routes(routes!(uploads::presign_parts))
        .routes(routes!(uploads::complete_upload))
        .routes(routes!(feedback::list_comments, feedback::create_comment))
        .routes(routes!(feedback::list_reactions, feedback::create_reaction))
        .routes(routes!(feedback::list_views, feedback::record_view))
        .routes(routes!(
            transcripts::transcript,
            transcript_edits::edit_transcript
        ))
        .routes(routes!(transcript_edits::restore_transcript))
        .routes(routes!(transcripts::captions))
        .routes(routes!(transcripts::retranscribe))
        .routes(routes!(crate::search::route::search))
        .routes(routes!(crate::web::oembed::oembed))
        .split_for_parts();
    shared_errors::document(&mut spec);
    let spec = Arc::new(spec);
    router
        .route("/api", get(api_not_found))
        .route(
            "/api/{*rest}",
            get(api_not_found)
                .post(api_not_found)
                .put(api_not_found)
                .patch(api_not_found)
                .delete(api_not_found),
        )
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .layer(Extension(spec))
        .with_state(state)
}

async fn api_not_found() -> AppError {
    AppError::NotFound("route")
}
