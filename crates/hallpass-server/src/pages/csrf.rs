//! CSRF protection for the forms: a random token in a SameSite=Strict cookie,
//! repeated in a hidden field; a POST whose two copies differ is refused.

use crate::config::Mode;
use crate::http::cookies::{self, SetCookie};
use axum::http::HeaderMap;
use axum::response::Response;
use hallpass_core::rng::{random_token, Rng};

fn name(mode: Mode) -> &'static str {
    match mode {
        Mode::Production => "__Host-hallpass_csrf",
        Mode::Development => "hallpass_csrf",
    }
}

/// The token for a form: the browser's existing one, or a fresh one.
pub fn token(headers: &HeaderMap, mode: Mode, rng: &dyn Rng) -> String {
    cookies::read(headers, name(mode))
        .filter(|t| t.len() == 43)
        .unwrap_or_else(|| random_token(rng))
}

/// Sets (or refreshes) the cookie that goes with `token`.
pub fn attach(response: Response, mode: Mode, token: &str) -> Response {
    SetCookie::new(mode, name(mode), token, 3600).strict().add_to(response)
}

/// Whether the form's token matches the cookie's.
pub fn verify(headers: &HeaderMap, mode: Mode, submitted: Option<&str>) -> bool {
    match (cookies::read(headers, name(mode)), submitted) {
        (Some(cookie), Some(form)) if cookie.len() == 43 => {
            cookie.len() == form.len() && cookie.bytes().zip(form.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
        }
        _ => false,
    }
}
