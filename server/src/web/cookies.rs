//! Browser sessions: the session cookie (the same kind of token the apps hold, HttpOnly and
//! SameSite=Lax, so page scripts never see it), the CSRF token derived from it (pages carry it,
//! state-changing requests send it back), and the cookies a sign-in form and an unlocked share
//! link use.

use axum::http::HeaderMap;
use axum::http::header::{COOKIE, SET_COOKIE};
use sha2::{Digest, Sha256};

/// The session cookie: an API token.
pub const SESSION: &str = "vidmsg_session";
/// A random value a sign-in or join form echoes back (before there is a session to derive from).
pub const FORM: &str = "vidmsg_form";
/// Header a page's script sends with every state-changing request.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The value of cookie `name`, if the request carries it.
pub fn get<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// The session token of a browser request.
pub fn session_token(headers: &HeaderMap) -> Option<&str> {
    get(headers, SESSION)
}

/// The CSRF token of a session: derived from its (secret, HttpOnly) token, so another site can
/// neither read nor compute it.
pub fn csrf_for(session_token: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"vidmsg csrf\0");
    h.update(session_token.as_bytes());
    hex::encode(&h.finalize()[..16])
}

/// True if the request's `X-CSRF-Token` (or a form's `_csrf`, passed as `form`) matches the
/// session.
pub fn csrf_ok(headers: &HeaderMap, session_token: &str, form: Option<&str>) -> bool {
    let expected = csrf_for(session_token);
    let sent = headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .or(form);
    sent.is_some_and(|s| Sha256::digest(s.as_bytes()) == Sha256::digest(expected.as_bytes()))
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, for the whole site; `Secure` when the server
/// is reached over https. `max_age_s: 0` deletes it.
pub fn set(name: &str, value: &str, max_age_s: u64, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_s}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// Adds a `Set-Cookie` header.
pub fn add(headers: &mut HeaderMap, cookie: &str) {
    if let Ok(v) = cookie.parse() {
        headers.append(SET_COOKIE, v);
    }
}

/// The cookie that remembers a share link's password for its thread.
pub fn unlock_name(thread: vidmsg_api::Id) -> String {
    format!("vidmsg_link_{thread}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_parse_and_csrf_matches_only_its_session() {
        let mut h = HeaderMap::new();
        h.insert(
            COOKIE,
            "a=1; vidmsg_session=vm_abc ; b=2".parse().expect("header"),
        );
        assert_eq!(session_token(&h), Some("vm_abc"));
        assert_eq!(get(&h, "b"), Some("2"));
        assert_eq!(get(&h, "c"), None);
        let csrf = csrf_for("vm_abc");
        assert_ne!(csrf, csrf_for("vm_abd"));
        assert!(!csrf_ok(&h, "vm_abc", None));
        assert!(csrf_ok(&h, "vm_abc", Some(&csrf)));
        h.insert(CSRF_HEADER, csrf.parse().expect("header"));
        assert!(csrf_ok(&h, "vm_abc", None));
        assert!(!csrf_ok(&h, "vm_other", None));
        assert!(set("x", "y", 0, true).ends_with("Max-Age=0; Secure"));
    }
}
