//! The session cookie: an opaque random token (only its hash is stored),
//! HttpOnly, SameSite=Lax, and `__Host-` + Secure in production.

use crate::config::Mode;
use axum::http::header::COOKIE;
use axum::http::HeaderMap;

pub fn session_cookie_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Production => "__Host-hallpass_session",
        Mode::Development => "hallpass_session",
    }
}

/// The value of cookie `name` in the request, if present.
pub fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A `Set-Cookie` value for the session token; `max_age` 0 clears it.
pub fn session_cookie(mode: Mode, token: &str, max_age_secs: u64) -> String {
    let secure = if mode == Mode::Production { "; Secure" } else { "" };
    format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}",
        session_cookie_name(mode)
    )
}

pub fn clear_session_cookie(mode: Mode) -> String {
    session_cookie(mode, "", 0)
}
