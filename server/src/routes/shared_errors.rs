//! The error answers that every operation shares, written into the spec once after the routes
//! are collected instead of into each `#[utoipa::path]`: a client (and `scripts/fuzz-api`, which
//! checks every answer against the spec) must find each status it can get documented, and 401
//! or a malformed id are not news about any one route.
//!
//! What each answer comes from:
//! - 400: `ApiPath`/`ApiQuery`/`ApiJson` reject a malformed path parameter, query string or body
//!   (not JSON, or no `Content-Type: application/json`).
//! - 401 and 429: `AuthUser` on a route that needs a token (429 once an address sent too many
//!   wrong tokens; a right token still works).
//! - 413 and 422: `ApiJson` on a route with a body (over `--max-body-bytes`, or JSON of the wrong
//!   shape).
//! - 503: the database stayed busy or could not be reached (`AppError::Busy`), on every route
//!   that reads it.
//!
//! A route's own annotation wins: an answer it documents already keeps its description.

use utoipa::openapi::path::Operation;
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{Content, OpenApi, Ref, RefOr, Response, ResponseBuilder};

/// The one operation that touches neither a token nor the database.
const SPEC_PATH: &str = "/api/openapi.json";

/// Adds the shared error answers to every operation of `spec`.
pub(crate) fn document(spec: &mut OpenApi) {
    for (path, item) in spec.paths.paths.iter_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            if path != SPEC_PATH {
                document_operation(operation);
            }
        }
    }
}

fn document_operation(op: &mut Operation) {
    let has_params = op.parameters.as_ref().is_some_and(|p| !p.is_empty());
    let has_body = op.request_body.is_some();
    if has_params || has_body {
        add(
            op,
            "400",
            "A malformed path parameter or query string, or a body that is not JSON",
        );
    }
    if needs_token(op) {
        add(op, "401", "Missing, unknown or revoked bearer token");
        add(
            op,
            "429",
            "Too many wrong tokens from this address lately (see Retry-After)",
        );
    }
    if has_body {
        add(
            op,
            "413",
            "The request body is larger than the server accepts",
        );
        add(
            op,
            "422",
            "The JSON body does not have the documented shape",
        );
    }
    add(
        op,
        "503",
        "The database is busy or unreachable; try again in a few seconds",
    );
}

/// True unless the operation opted out of the spec's global bearer requirement with
/// `security(())` (which utoipa writes as one empty requirement).
fn needs_token(op: &Operation) -> bool {
    match &op.security {
        None => true,
        Some(reqs) => reqs.iter().any(|r| *r != SecurityRequirement::default()),
    }
}

fn add(op: &mut Operation, status: &str, description: &str) {
    op.responses
        .responses
        .entry(status.to_string())
        .or_insert_with(|| error_response(description));
}

fn error_response(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            Content::new(Some(Ref::from_schema_name("ErrorBody"))),
        )
        .build()
        .into()
}
