//! The two cookies: the session (tokens and user, sealed) and the sign-in
//! transaction (state, nonce, PKCE verifier, where to return; sealed, ten
//! minutes). Both HttpOnly, SameSite=Lax, Path=/, and `__Host-` + Secure
//! when the app is on HTTPS.

use super::Settings;
use crate::{Tokens, User};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use serde::{Deserialize, Serialize};

/// What the session cookie holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StoredSession {
    pub(crate) user: User,
    pub(crate) sid: Option<String>,
    pub(crate) tokens: Tokens,
}

/// What the transaction cookie holds between `/login` and `/callback`.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Transaction {
    pub(crate) state: String,
    pub(crate) nonce: String,
    pub(crate) verifier: String,
    pub(crate) return_to: String,
}

pub(crate) const TRANSACTION_MAX_AGE: u64 = 600;

pub(crate) fn session_name(settings: &Settings) -> &'static str {
    if settings.secure() {
        "__Host-hallpass_app"
    } else {
        "hallpass_app"
    }
}

pub(crate) fn transaction_name(settings: &Settings) -> &'static str {
    if settings.secure() {
        "__Host-hallpass_tx"
    } else {
        "hallpass_tx"
    }
}

/// The value of cookie `name` in the request, if any.
pub(crate) fn read<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value; `max_age` 0 deletes the cookie.
pub(crate) fn set(settings: &Settings, name: &str, value: &str, max_age: u64) -> Option<HeaderValue> {
    let secure = if settings.secure() { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .ok()
}

pub(crate) fn append(headers: &mut HeaderMap, cookie: Option<HeaderValue>) {
    if let Some(cookie) = cookie {
        headers.append(SET_COOKIE, cookie);
    }
}
