//! In development the hosted pages and the outbox answer only under the
//! issuer's name. Under another `Host` (a DNS-rebinding site whose name
//! resolves to 127.0.0.1) a page would be same-origin with that site, which
//! could then read live sign-in codes and reset links from `/dev/outbox.json`.
//! Production needs no such check: TLS binds the name, and a browser sent
//! here under another one stops at a certificate error.

use crate::config::{is_loopback, Mode};
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_TYPE, HOST};
use axum::http::uri::Authority;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use url::{Host, Url};

/// Middleware: 421 Misdirected Request, saying where to go instead.
pub async fn require_issuer_host(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let issuer = &state.policy().issuer;
    if state.mode() == Mode::Production || names_issuer(&request, issuer) {
        return next.run(request).await;
    }
    let message = format!(
        "This Hallpass answers only as {issuer} in development mode: open {issuer}{} instead.\n",
        request.uri().path()
    );
    (
        StatusCode::MISDIRECTED_REQUEST,
        [(CONTENT_TYPE, "text/plain; charset=utf-8")],
        message,
    )
        .into_response()
}

/// Whether the request's authority (HTTP/2) or `Host` names the development
/// issuer: its port, on a loopback host (`localhost`, `127.0.0.1` and `[::1]`
/// all reach this machine alike, so any of them will do).
fn names_issuer(request: &Request, issuer: &str) -> bool {
    let asked = match request.uri().authority() {
        Some(authority) => Some(authority.clone()),
        None => request
            .headers()
            .get(HOST)
            .and_then(|h| h.to_str().ok())
            .and_then(|h| h.parse::<Authority>().ok()),
    };
    let (Some(asked), Ok(issuer)) = (asked, Url::parse(issuer)) else {
        return false;
    };
    // Development is plain http: no port means 80.
    let port = asked.port_u16().unwrap_or(80);
    !asked.as_str().contains('@')
        && Some(port) == issuer.port_or_known_default()
        && Host::parse(asked.host()).is_ok_and(|host| is_loopback(&host))
}
