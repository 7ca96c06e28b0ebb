//! Signing a browser in and out: the sign-in form, joining with an invite link (`/join/{code}`,
//! the URL invites carry), and signing out. A session is an API token in an HttpOnly cookie.
//! The forms carry a random value that must match a cookie set with the form (a page on another
//! site cannot read it), so no other site can sign a browser into an account of its choosing.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use vidmsg_api::{CreateSession, JoinRequest};

use super::access;
use super::cookies;
use super::pages::{self, Chrome, Join, SignIn};
use crate::extract::ApiJson;
use crate::routes::sessions::{self, SessionError};
use crate::state::AppState;

/// How long a browser session lasts.
const SESSION_MAX_AGE_S: u64 = 30 * 24 * 3600;

#[derive(Debug, Default, Deserialize)]
pub struct NextQuery {
    pub next: Option<String>,
}

/// A local path to go back to after signing in; anything else (another site) is `/`.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

fn new_form_token() -> String {
    crate::sharing::new_key()
}

fn secure(state: &AppState) -> bool {
    state.public_url.starts_with("https://")
}

fn with_form_cookie(state: &AppState, token: &str, page: Response) -> Response {
    let mut page = page;
    cookies::add(
        page.headers_mut(),
        &cookies::set(cookies::FORM, token, 3600, secure(state)),
    );
    page
}

fn signin_page(
    state: &AppState,
    status: StatusCode,
    error: Option<String>,
    next: String,
    name: String,
) -> Response {
    let token = new_form_token();
    let page = pages::render(
        status,
        &SignIn {
            chrome: Chrome::new(None),
            error,
            form_token: token.clone(),
            next,
            name,
        },
    );
    with_form_cookie(state, &token, page)
}

/// `GET /signin`.
pub async fn form(
    State(state): State<AppState>,
    Query(q): Query<NextQuery>,
    headers: HeaderMap,
) -> Response {
    let next = safe_next(q.next.as_deref());
    if let Ok(Some(_)) = access::session(&state, &headers).await {
        return Redirect::to(&next).into_response();
    }
    signin_page(&state, StatusCode::OK, None, next, String::new())
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(rename = "_form", default)]
    pub form: String,
    #[serde(default)]
    pub next: String,
    pub name: String,
    pub password: String,
}

fn form_ok(headers: &HeaderMap, sent: &str) -> bool {
    !sent.is_empty() && cookies::get(headers, cookies::FORM) == Some(sent)
}

/// A session cookie for `token`, and off to `next`.
fn signed_in(state: &AppState, token: &str, next: &str) -> Response {
    let mut resp = Redirect::to(next).into_response();
    cookies::add(
        resp.headers_mut(),
        &cookies::set(cookies::SESSION, token, SESSION_MAX_AGE_S, secure(state)),
    );
    cookies::add(
        resp.headers_mut(),
        &cookies::set(cookies::FORM, "", 0, secure(state)),
    );
    resp
}

fn session_error_text(e: &SessionError) -> (StatusCode, String) {
    match e {
        SessionError::WrongCredentials => (
            StatusCode::UNAUTHORIZED,
            "Wrong name or password.".to_string(),
        ),
        SessionError::InviteInvalid => (StatusCode::GONE, sessions::INVITE_INVALID.to_string()),
        SessionError::TooMany(t) => (StatusCode::TOO_MANY_REQUESTS, t.message.clone()),
        SessionError::App(a) => (a.status_code(), a.to_string()),
    }
}

/// `POST /signin`.
pub async fn submit(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<SignInForm>,
) -> Response {
    let next = safe_next(Some(&f.next));
    if !form_ok(&headers, &f.form) {
        return signin_page(
            &state,
            StatusCode::FORBIDDEN,
            Some("The form expired; please sign in again.".into()),
            next,
            f.name,
        );
    }
    let body = CreateSession {
        name: f.name.clone(),
        password: f.password,
    };
    match sessions::create_session(State(state.clone()), ConnectInfo(addr), ApiJson(body)).await {
        Ok((_, created)) => signed_in(&state, &created.0.token, &next),
        Err(e) => {
            let (status, text) = session_error_text(&e);
            signin_page(&state, status, Some(text), next, f.name)
        }
    }
}

#[derive(Deserialize)]
pub struct SignOutForm {
    #[serde(rename = "_csrf", default)]
    pub csrf: String,
}

/// `POST /signout`: revokes the session's token and clears the cookie.
pub async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<SignOutForm>,
) -> Response {
    if let Some(token) = cookies::session_token(&headers) {
        if !cookies::csrf_ok(&headers, token, Some(&f.csrf)) {
            return (
                StatusCode::FORBIDDEN,
                "This sign-out did not come from a vidmsg page; reload the page and try again.",
            )
                .into_response();
        }
        if let Err(e) = state
            .db
            .revoke_token_hash(&crate::accounts::hash_token(token), crate::db::now_ms())
            .await
        {
            return crate::error::AppError::from(e).into_response();
        }
    }
    let mut resp = Redirect::to("/signin").into_response();
    cookies::add(
        resp.headers_mut(),
        &cookies::set(cookies::SESSION, "", 0, secure(&state)),
    );
    resp
}

fn join_page(
    state: &AppState,
    status: StatusCode,
    code: String,
    error: Option<String>,
    name: String,
) -> Response {
    let token = new_form_token();
    let page = pages::render(
        status,
        &Join {
            chrome: Chrome::new(None),
            error,
            form_token: token.clone(),
            code,
            name,
        },
    );
    with_form_cookie(state, &token, page)
}

/// `GET /join/{code}`: the invite link's page.
pub async fn join_form(State(state): State<AppState>, Path(code): Path<String>) -> Response {
    let code: String = code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(128)
        .collect();
    join_page(&state, StatusCode::OK, code, None, String::new())
}

#[derive(Deserialize)]
pub struct JoinForm {
    #[serde(rename = "_form", default)]
    pub form: String,
    pub name: String,
    pub password: String,
}

/// `POST /join/{code}`: creates the account and signs the browser in.
pub async fn join(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path(code): Path<String>,
    headers: HeaderMap,
    Form(f): Form<JoinForm>,
) -> Response {
    if !form_ok(&headers, &f.form) {
        return join_page(
            &state,
            StatusCode::FORBIDDEN,
            code,
            Some("The form expired; please try again.".into()),
            f.name,
        );
    }
    let body = JoinRequest {
        code: code.clone(),
        name: f.name.clone(),
        password: f.password,
    };
    match crate::routes::invites::join(State(state.clone()), ConnectInfo(addr), ApiJson(body)).await
    {
        Ok((_, created)) => signed_in(&state, &created.0.token, "/"),
        Err(e) => {
            let (status, text) = session_error_text(&e);
            join_page(&state, status, code, Some(text), f.name)
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(super::safe_next(Some("/v/3?t=2")), "/v/3?t=2");
        for bad in ["//evil.example", "https://evil.example", "/\\evil", ""] {
            assert_eq!(super::safe_next(Some(bad)), "/");
        }
        assert_eq!(super::safe_next(None), "/");
    }
}
