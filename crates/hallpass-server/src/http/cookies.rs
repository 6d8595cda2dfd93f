//! Cookies: reading one from a request, and the one way Hallpass writes them
//! (HttpOnly always; `Secure` in production). The session cookie is an opaque
//! random token (only its hash is stored), SameSite=Lax, `__Host-` in production.

use crate::config::Mode;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;

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

/// A cookie to set: `Path=/`, `SameSite=Lax` unless changed; `max_age` 0 clears it.
pub struct SetCookie<'a> {
    name: &'a str,
    value: &'a str,
    path: &'a str,
    same_site: &'static str,
    max_age_secs: u64,
    secure: bool,
}

impl<'a> SetCookie<'a> {
    pub fn new(mode: Mode, name: &'a str, value: &'a str, max_age_secs: u64) -> SetCookie<'a> {
        SetCookie {
            name,
            value,
            path: "/",
            same_site: "Lax",
            max_age_secs,
            secure: mode == Mode::Production,
        }
    }

    /// Sent only to `path` and below.
    pub fn path(self, path: &'a str) -> SetCookie<'a> {
        SetCookie { path, ..self }
    }

    /// Not sent on any cross-site request, not even a top-level link.
    pub fn strict(self) -> SetCookie<'a> {
        SetCookie {
            same_site: "Strict",
            ..self
        }
    }

    fn header(&self) -> String {
        let SetCookie {
            name,
            value,
            path,
            same_site,
            max_age_secs,
            secure,
        } = self;
        let secure = if *secure { "; Secure" } else { "" };
        format!("{name}={value}; Path={path}; HttpOnly; SameSite={same_site}; Max-Age={max_age_secs}{secure}")
    }

    /// Adds the cookie to the response (a value no header can carry is left out).
    pub fn add_to(self, mut response: Response) -> Response {
        if let Ok(value) = HeaderValue::from_str(&self.header()) {
            response.headers_mut().append(SET_COOKIE, value);
        }
        response
    }
}

/// The session cookie carrying `token`, for `max_age_secs`.
pub fn set_session(response: Response, mode: Mode, token: &str, max_age_secs: u64) -> Response {
    SetCookie::new(mode, session_cookie_name(mode), token, max_age_secs).add_to(response)
}

/// Drops the browser's session cookie.
pub fn clear_session(response: Response, mode: Mode) -> Response {
    set_session(response, mode, "", 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_the_attributes_each_cookie_needs() {
        let session = SetCookie::new(Mode::Production, session_cookie_name(Mode::Production), "t", 60);
        assert_eq!(
            session.header(),
            "__Host-hallpass_session=t; Path=/; HttpOnly; SameSite=Lax; Max-Age=60; Secure"
        );
        let bound = SetCookie::new(Mode::Development, "hallpass_link", "s", 300).path("/login/link");
        assert_eq!(
            bound.header(),
            "hallpass_link=s; Path=/login/link; HttpOnly; SameSite=Lax; Max-Age=300"
        );
        let csrf = SetCookie::new(Mode::Development, "hallpass_csrf", "c", 3600).strict();
        assert_eq!(
            csrf.header(),
            "hallpass_csrf=c; Path=/; HttpOnly; SameSite=Strict; Max-Age=3600"
        );
    }
}
