//! `POST /oauth/token` (RFC 6749 §3.2): authenticates the client, then runs
//! the grant it asks for.

use super::client::presented;
use super::error::{no_store, oauth_error};
use crate::http::form::{self, single};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use hallpass_core::oauth::code_grant::{self, CodeExchange};
use hallpass_core::oauth::{client_auth, client_credentials, refresh_grant, ErrorCode, OAuthError};

pub async fn token(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    match grant(&state, &headers, &body).await {
        Ok(response) => no_store(&response),
        Err(err) => oauth_error(err),
    }
}

async fn grant(
    state: &AppState,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<hallpass_proto::oauth::TokenResponse, OAuthError> {
    if !form::is_form(headers) {
        return Err(OAuthError::invalid_request(
            "send the parameters as application/x-www-form-urlencoded",
        ));
    }
    let pairs = form::parse(body);
    if let Some("resource") = form::first_repeated(&pairs) {
        return Err(OAuthError::invalid_target(
            "ask for one resource per request: tokens here are for one audience",
        ));
    }
    if let Some(name) = form::first_repeated(&pairs) {
        return Err(OAuthError::invalid_request(format!("`{name}` is given more than once")));
    }
    let param = |name: &str| single(&pairs, name).map_err(OAuthError::invalid_request);
    let client = client_auth::authenticate(state.ctx(), state.clients(), &presented(headers, &pairs)?).await?;
    let keys = state.keys();
    let (ctx, policy) = (state.ctx(), state.policy());
    match param("grant_type")? {
        Some("authorization_code") => {
            let code = param("code")?.ok_or_else(|| OAuthError::invalid_request("code is required"))?;
            let exchange = CodeExchange {
                code: code.to_owned(),
                redirect_uri: param("redirect_uri")?.map(str::to_owned),
                code_verifier: param("code_verifier")?.map(str::to_owned),
                resource: param("resource")?.map(str::to_owned),
            };
            code_grant::exchange(ctx, &keys, policy, &client, exchange).await
        }
        Some("refresh_token") => {
            let token =
                param("refresh_token")?.ok_or_else(|| OAuthError::invalid_request("refresh_token is required"))?;
            refresh_grant::refresh(ctx, &keys, policy, &client, token, param("scope")?, param("resource")?).await
        }
        Some("client_credentials") => {
            client_credentials::grant(ctx, &keys, policy, &client, param("scope")?, param("resource")?).await
        }
        Some(other) => Err(OAuthError::new(
            ErrorCode::UnsupportedGrantType,
            format!("grant_type `{other}` is not supported"),
        )),
        None => Err(OAuthError::invalid_request("grant_type is required")),
    }
}
