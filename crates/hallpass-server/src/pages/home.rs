//! `/`: a browser that comes to the server itself sees who is signed in, the
//! ways to the account page and the admin console and, in development, how
//! to get started. A program (no `text/html` in `Accept`) keeps the JSON 404
//! any unknown address gives it.

use super::PageState;
use super::{csrf, MaybeSession};
use crate::config::Mode;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use minijinja::context;

pub async fn page(state: PageState, MaybeSession(session): MaybeSession, headers: HeaderMap) -> Response {
    if !super::errors::is_browser(&headers) {
        return super::errors::not_found(state, headers).await;
    }
    let email = match session {
        Some(session) => match state.ctx().store.get_user(&session.user_id).await {
            Ok(user) => user.map(|u| u.email.to_string()),
            Err(err) => return super::server_error(&state, "reading the signed-in user failed", &err),
        },
        None => None,
    };
    let token = csrf::token(&headers, state.mode(), state.ctx().rng.as_ref());
    let page = state.pages().render(
        StatusCode::OK,
        "home.html",
        context! {
            csrf => &token,
            email,
            getting_started => state.mode() == Mode::Development,
            issuer => &state.policy().issuer,
        },
    );
    csrf::attach(page, state.mode(), &token)
}
