//! `GET|POST /oauth/userinfo` (OpenID Connect Core §5.3) with a bearer token
//! (RFC 6750: the Authorization header, or `access_token` in a form body).

use crate::http::form;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use hallpass_core::oauth::userinfo::{userinfo as lookup, UserInfoError};

pub async fn userinfo(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(token) = bearer(&headers, &body) else {
        return challenge(StatusCode::UNAUTHORIZED, None);
    };
    let keys = state.keys();
    match lookup(state.ctx(), &keys, state.policy(), &token).await {
        Ok(Ok(info)) => ([(CACHE_CONTROL, "no-store")], Json(info)).into_response(),
        Ok(Err(UserInfoError::InvalidToken)) => challenge(
            StatusCode::UNAUTHORIZED,
            Some(("invalid_token", "the access token is invalid, expired or revoked")),
        ),
        Ok(Err(UserInfoError::InsufficientScope)) => challenge(
            StatusCode::FORBIDDEN,
            Some(("insufficient_scope", "the token lacks the openid scope")),
        ),
        Err(err) => crate::http::error::ApiError::from(err).into_response(),
    }
}

fn bearer(headers: &HeaderMap, body: &[u8]) -> Option<String> {
    if let Some(value) = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        let (scheme, token) = value.split_once(' ')?;
        return scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_owned());
    }
    if form::is_form(headers) {
        let pairs = form::parse(body);
        return form::single(&pairs, "access_token").ok().flatten().map(str::to_owned);
    }
    None
}

/// RFC 6750 §3: the challenge names the error when there was a token.
fn challenge(status: StatusCode, error: Option<(&str, &str)>) -> Response {
    let value = match error {
        Some((code, description)) => {
            format!("Bearer realm=\"hallpass\", error=\"{code}\", error_description=\"{description}\"")
        }
        None => "Bearer realm=\"hallpass\"".to_owned(),
    };
    let mut response = status.into_response();
    if let Ok(value) = HeaderValue::from_str(&value) {
        response.headers_mut().insert(WWW_AUTHENTICATE, value);
    }
    response
}
