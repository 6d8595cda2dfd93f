//! `GET|POST /oidc/logout` (OpenID RP-Initiated Logout 1.0). The user is asked
//! first unless the request proves it comes from their own session; their
//! answer comes back here as a POST with `confirm` and the CSRF token.

use super::authorize::redirect;
use crate::http::cookies;
use crate::http::form::{self, single, Pairs};
use crate::pages::logout::{answer, ask, Answer};
use crate::pages::{MaybeSession, PageState};
use axum::body::Bytes;
use axum::extract::RawQuery;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use hallpass_core::oauth::logout::{logout as end, LogoutRequest, Outcome};

pub async fn logout(
    state: PageState,
    method: Method,
    MaybeSession(session): MaybeSession,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let pairs: Pairs = if method == Method::POST && form::is_form(&headers) {
        form::parse(&body)
    } else {
        form::parse(query.unwrap_or_default().as_bytes())
    };
    let request = match read_request(&pairs) {
        Ok(request) => request,
        Err(reason) => {
            return state
                .pages()
                .message(StatusCode::BAD_REQUEST, "Sign-out request not understood", &reason)
        }
    };
    let confirmed = match answer(&state, &method, &headers, &pairs) {
        Answer::NotAsked => false,
        Answer::Confirmed => true,
        Answer::Forged => {
            return state.pages().message(
                StatusCode::FORBIDDEN,
                "This form has expired",
                "Go back, reload the page and try again.",
            )
        }
    };
    let keys = state.keys();
    let result = match end(state.ctx(), &keys, state.policy(), session, request.clone(), confirmed).await {
        Ok(result) => result,
        Err(err) => return crate::pages::server_error(&state, "sign-out failed", &err),
    };
    let response = match result.outcome {
        Outcome::Redirect(location) => redirect(&location),
        Outcome::SignedOut => state
            .pages()
            .message(StatusCode::OK, "You are signed out", "You can close this window."),
        Outcome::Confirm(confirmation) => return ask(&state, &headers, &confirmation, &request),
        Outcome::Refuse(reason) => {
            return state
                .pages()
                .message(StatusCode::BAD_REQUEST, "This sign-out link is not valid", &reason)
        }
    };
    cookies::clear_session(response, state.mode())
}

fn read_request(pairs: &Pairs) -> Result<LogoutRequest, String> {
    let get = |name: &str| {
        single(pairs, name)
            .map(|v| v.map(str::to_owned))
            .map_err(|_| format!("The request gives {name} more than once."))
    };
    Ok(LogoutRequest {
        id_token_hint: get("id_token_hint")?,
        client_id: get("client_id")?,
        post_logout_redirect_uri: get("post_logout_redirect_uri")?,
        state: get("state")?,
        logout_hint: get("logout_hint")?,
    })
}
