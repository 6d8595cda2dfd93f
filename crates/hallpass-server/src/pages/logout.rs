//! The question `/oidc/logout` asks when a link alone cannot prove that this
//! browser's user wants to sign out, and the check of its answer.

use super::csrf;
use super::PageState;
use crate::http::form::{single, Pairs};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use hallpass_core::oauth::logout::{Confirmation, LogoutRequest};
use minijinja::context;

/// The confirmation page; its form repeats the request so the usual
/// post-logout redirect and `state` rules apply once the user agrees.
pub fn ask(state: &PageState, headers: &HeaderMap, confirmation: &Confirmation, request: &LogoutRequest) -> Response {
    let token = csrf::token(headers, state.mode(), state.ctx().rng.as_ref());
    let fields: Vec<(&str, &str)> = [
        ("id_token_hint", &request.id_token_hint),
        ("client_id", &request.client_id),
        ("post_logout_redirect_uri", &request.post_logout_redirect_uri),
        ("state", &request.state),
        ("logout_hint", &request.logout_hint),
    ]
    .into_iter()
    .filter_map(|(name, value)| value.as_deref().map(|v| (name, v)))
    .collect();
    let page = state.pages().render(
        StatusCode::OK,
        "logout.html",
        context! {
            csrf => &token,
            email => &confirmation.email,
            application => &confirmation.application,
            request => fields,
        },
    );
    csrf::attach(page, state.mode(), &token)
}

/// What the request says about the user's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Not the confirmation form: a request from an application.
    NotAsked,
    Confirmed,
    /// The confirmation form, without this browser's CSRF token.
    Forged,
}

pub fn answer(state: &PageState, method: &Method, headers: &HeaderMap, pairs: &Pairs) -> Answer {
    if *method != Method::POST || single(pairs, "confirm").ok().flatten().is_none() {
        return Answer::NotAsked;
    }
    let submitted = single(pairs, "csrf").ok().flatten();
    if super::is_form(headers) && csrf::verify(headers, state.mode(), submitted) {
        Answer::Confirmed
    } else {
        Answer::Forged
    }
}
