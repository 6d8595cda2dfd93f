//! The hosted pages: sign in, sign up, account, and (in development) the
//! outbox. Server-rendered with minijinja; they work without JavaScript.
//! Each handler reads the form, calls one `hallpass_core::signin` service and
//! renders the result.

pub mod account;
pub mod code;
pub(crate) mod csrf;
mod device;
pub use device::ClientDevice;
pub mod errors;
mod extract;
mod forwarded;
pub mod home;
pub mod invitations;
mod limits;
pub mod login;
pub mod logout;
pub mod outbox;
pub mod password;
pub mod saml;
pub mod signup;
pub mod sso;
mod state;
mod templates;

pub use extract::{MaybeSession, SignInForm};
pub use limits::{Guess, Limits, Outcome, RetryAfter, Who};
pub use state::{HostedPages, PageParts, PageState};
pub use templates::Pages;

use crate::http::cookies::{self, SetCookie};

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// Where a finished sign-in may send the browser: back into an authorization
/// request, the admin console (a one-time link from `hallpass admins add`),
/// or the account page. Anything else is an open redirect.
pub fn safe_return_to(value: Option<&str>) -> String {
    match value {
        Some(v) if v.starts_with("/oauth/authorize?") && !v.contains(['\r', '\n', '\\']) => v.to_owned(),
        Some("/admin") => "/admin".to_owned(),
        _ => "/account".to_owned(),
    }
}

/// A 303 after a successful form, with the new session cookie.
pub fn signed_in(state: &PageState, token: &str, return_to: &str) -> Response {
    let max_age = state.policy().session_absolute.as_secs();
    let response = (
        StatusCode::SEE_OTHER,
        [(LOCATION, return_to), (CACHE_CONTROL, "no-store")],
    )
        .into_response();
    cookies::set_session(response, state.mode(), token, max_age)
}

/// Gives the browser a secret that what it asked for (a magic link, a sign-up
/// code) only works with, for as long as that lives; `path` is where it is used.
pub fn bind_to_browser(state: &PageState, response: Response, name: &str, path: &str, secret: &str) -> Response {
    let max_age = state.signin_policy().code_ttl.as_secs();
    SetCookie::new(state.mode(), name, secret, max_age)
        .path(path)
        .add_to(response)
}

/// A guess at an account's password or code (`None`: a reset link, whose
/// account is known only once it is redeemed), or the 429 that refuses it.
pub fn guess<'a>(
    state: &'a PageState,
    device: &hallpass_core::sessions::Device,
    account: Option<&str>,
) -> Result<Guess<'a>, Box<Response>> {
    state
        .limits()
        .guess(who(device, account))
        .map_err(|refused| Box::new(too_many(state, device, refused)))
}

/// The 429 refusing a request that would send mail to `account`, if over its allowance.
pub fn mail_limited(state: &PageState, device: &hallpass_core::sessions::Device, account: &str) -> Option<Response> {
    let refused = state.limits().mail(&who(device, Some(account))).err()?;
    Some(too_many(state, device, refused))
}

fn who(device: &hallpass_core::sessions::Device, account: Option<&str>) -> Who {
    Who::new(account, device.ip.as_deref().and_then(|ip| ip.parse().ok()))
}

fn too_many(state: &PageState, device: &hallpass_core::sessions::Device, RetryAfter(wait): RetryAfter) -> Response {
    let seconds = wait.as_millis().div_ceil(1000).max(1);
    let (count, unit) = if seconds < 60 {
        (seconds, "second")
    } else {
        (seconds.div_ceil(60), "minute")
    };
    let plural = if count == 1 { "" } else { "s" };
    let message = format!("Too many attempts. Please wait {count} {unit}{plural} and try again.");
    tracing::warn!(ip = ?device.ip, "sign-in rate limit reached");
    let mut response = state
        .pages()
        .message(StatusCode::TOO_MANY_REQUESTS, "Too many attempts", &message);
    if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
        response.headers_mut().insert(axum::http::header::RETRY_AFTER, value);
    }
    response
}

pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/hallpass.css"),
    )
}

/// The brand's colour in force, as a stylesheet (inline styles are not
/// allowed by the pages' CSP). Pages link it with the colour in its URL, so
/// a change is never hidden by a cached copy. Written into CSS only once
/// checked to be `#` and hex digits: nothing else can reach the rule.
pub async fn theme(state: PageState) -> impl IntoResponse {
    let body = match &state.settings().branding.primary_color {
        Some(color) if hallpass_core::services::settings::is_hex_color(color) => {
            format!(":root {{ --primary: {color}; }}\n")
        }
        _ => String::new(),
    };
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
}

pub fn is_form(headers: &HeaderMap) -> bool {
    crate::http::form::is_form(headers)
}

/// One form field, empty when missing or repeated.
pub fn field(pairs: &crate::http::form::Pairs, name: &str) -> String {
    crate::http::form::single(pairs, name)
        .ok()
        .flatten()
        .unwrap_or_default()
        .to_owned()
}

/// The answer to a form of a sign-in method the configuration turned off.
pub fn method_off(state: &PageState) -> Response {
    state.pages().message(
        StatusCode::NOT_FOUND,
        "Not available",
        "This way of signing in is turned off here.",
    )
}

/// An unexpected failure: logged in full, shown as a short apology.
pub fn server_error(state: &PageState, what: &str, err: &dyn std::fmt::Display) -> Response {
    tracing::error!(%err, "{what}");
    state.pages().message(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "Please try again in a moment.",
    )
}
