//! `POST /oauth/introspect` (RFC 7662) and `POST /oauth/revoke` (RFC 7009),
//! both for authenticated clients.

use super::client::presented;
use super::error::{no_store, oauth_error};
use crate::http::form::{self, single};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use hallpass_core::oauth::{client_auth, introspect as service, OAuthError};
use hallpass_core::store::Client;

async fn authenticated(state: &AppState, headers: &HeaderMap, body: &[u8]) -> Result<(Client, String), OAuthError> {
    if !form::is_form(headers) {
        return Err(OAuthError::invalid_request(
            "send the parameters as application/x-www-form-urlencoded",
        ));
    }
    let pairs = form::parse(body);
    if let Some(name) = form::first_repeated(&pairs) {
        return Err(OAuthError::invalid_request(format!("`{name}` is given more than once")));
    }
    let client = client_auth::authenticate(state.ctx(), state.clients(), &presented(headers, &pairs)?).await?;
    let token = single(&pairs, "token")
        .map_err(OAuthError::invalid_request)?
        .ok_or_else(|| OAuthError::invalid_request("token is required"))?;
    Ok((client, token.to_owned()))
}

pub async fn introspect(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let result = async {
        let (client, token) = authenticated(&state, &headers, &body).await?;
        service::introspect(state.ctx(), &state.keys(), state.policy(), &client, &token).await
    }
    .await;
    match result {
        Ok(answer) => no_store(&answer),
        Err(err) => oauth_error(err),
    }
}

pub async fn revoke(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let result = async {
        let (client, token) = authenticated(&state, &headers, &body).await?;
        service::revoke(state.ctx(), &state.keys(), state.policy(), &client, &token).await
    }
    .await;
    match result {
        Ok(()) => StatusCode::OK.into_response(),
        Err(err) => oauth_error(err),
    }
}
