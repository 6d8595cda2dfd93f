//! `/account`: who is signed in, and signing out.

use super::csrf;
use crate::http::cookies;
use crate::http::form::{self, single};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use hallpass_core::oauth::logout::{logout as end, LogoutRequest};
use hallpass_core::oauth::sessions::live_session;
use minijinja::context;

async fn session(state: &AppState, headers: &HeaderMap) -> Option<hallpass_core::store::Session> {
    let token = cookies::read(headers, cookies::session_cookie_name(state.mode()))?;
    live_session(state.ctx(), &token).await.ok().flatten()
}

pub async fn page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(session) = session(&state, &headers).await else {
        return (StatusCode::SEE_OTHER, [(LOCATION, "/login")]).into_response();
    };
    let user = match state.ctx().store.get_user(&session.user_id).await {
        Ok(Some(user)) => crate::views::user(&user),
        _ => {
            return state.pages().message(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "Please try again.",
            )
        }
    };
    let token = csrf::token(&headers, state.mode(), state.ctx().rng.as_ref());
    let page = state
        .pages()
        .render(StatusCode::OK, "account.html", context! { user, csrf => &token });
    csrf::attach(page, state.mode(), &token)
}

/// Ends this browser's session, as `/oidc/logout` would without an app.
pub async fn sign_out(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let pairs = form::parse(&body);
    let submitted = single(&pairs, "csrf").ok().flatten();
    if !csrf::verify(&headers, state.mode(), submitted) {
        return state
            .pages()
            .message(StatusCode::FORBIDDEN, "This form has expired", "Go back and try again.");
    }
    let keys = state.keys();
    let current = session(&state, &headers).await;
    match end(state.ctx(), &keys, state.policy(), current, LogoutRequest::default()).await {
        Ok(result) => {
            for ended in &result.ended {
                state
                    .backchannel()
                    .notify(state.ctx(), &keys, state.policy(), ended)
                    .await;
            }
        }
        Err(err) => tracing::error!(%err, "sign-out failed"),
    }
    let mut response = state
        .pages()
        .message(StatusCode::OK, "You are signed out", "You can close this window.");
    if let Ok(clear) = HeaderValue::from_str(&cookies::clear_session_cookie(state.mode())) {
        response.headers_mut().append(SET_COOKIE, clear);
    }
    response
}
