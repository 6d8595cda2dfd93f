//! `POST /oauth/register` (RFC 7591) and `GET|PUT|DELETE
//! /oauth/register/{client_id}` (RFC 7592, with the registration access
//! token as a bearer token). Off with `oauth.dynamic_registration = off`;
//! registrations are limited per client address.

use super::error::no_store;
use crate::pages::ClientDevice;
use crate::pages::PageState;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use hallpass_core::ids::ClientId;
use hallpass_core::oauth::registration::{self, RegistrationError};
use hallpass_proto::oauth::ClientMetadata;
use hallpass_proto::ErrorBody;

/// Client metadata is small; anything larger is not a registration.
const MAX_BODY: usize = 16 * 1024;

fn refused(err: &RegistrationError) -> Response {
    let status = match err {
        RegistrationError::InvalidToken => StatusCode::UNAUTHORIZED,
        RegistrationError::Server(_) => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    };
    let body = Json(ErrorBody::new(err.code(), err.description()));
    let mut response = (status, [(CACHE_CONTROL, "no-store")], body).into_response();
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer error=\"invalid_token\""),
        );
    }
    response
}

fn not_offered() -> Response {
    let body = ErrorBody::new("not_found", "dynamic client registration is turned off on this server");
    (StatusCode::NOT_FOUND, Json(body)).into_response()
}

fn metadata(headers: &HeaderMap, body: &[u8]) -> Result<ClientMetadata, RegistrationError> {
    let json = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
        });
    if !json {
        return Err(RegistrationError::InvalidClientMetadata(
            "send the client metadata as application/json".into(),
        ));
    }
    if body.len() > MAX_BODY {
        return Err(RegistrationError::InvalidClientMetadata(
            "the client metadata is too large".into(),
        ));
    }
    serde_json::from_slice(body)
        .map_err(|e| RegistrationError::InvalidClientMetadata(format!("the client metadata is not valid: {e}")))
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

pub async fn register(
    state: PageState,
    ClientDevice(device): ClientDevice,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !state.provider().registration_open {
        return not_offered();
    }
    if let Some(ip) = device.ip.as_deref().and_then(|ip| ip.parse().ok()) {
        if let Err(wait) = state.limits().registration(ip) {
            let body = ErrorBody::new(
                "too_many_requests",
                "too many registrations from this address; try later",
            );
            let retry = wait.0.as_secs().max(1).to_string();
            return (StatusCode::TOO_MANY_REQUESTS, [(RETRY_AFTER, retry)], Json(body)).into_response();
        }
    }
    let metadata = match metadata(&headers, &body) {
        Ok(metadata) => metadata,
        Err(err) => return refused(&err),
    };
    match registration::register(state.ctx(), &state.policy().issuer, &metadata).await {
        Ok(registered) => (StatusCode::CREATED, no_store(&registered)).into_response(),
        Err(err) => refused(&err),
    }
}

pub async fn read(state: PageState, Path(id): Path<String>, headers: HeaderMap) -> Response {
    if !state.provider().registration_open {
        return not_offered();
    }
    match registration::read(state.ctx(), &state.policy().issuer, &id, bearer(&headers)).await {
        Ok(registered) => no_store(&registered),
        Err(err) => refused(&err),
    }
}

pub async fn update(state: PageState, Path(id): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    if !state.provider().registration_open {
        return not_offered();
    }
    let metadata = match metadata(&headers, &body) {
        Ok(metadata) => metadata,
        Err(err) => return refused(&err),
    };
    let updated = registration::update(state.ctx(), &state.policy().issuer, &id, bearer(&headers), &metadata).await;
    match updated {
        Ok(registered) => {
            if let Ok(id) = ClientId::parse(&id) {
                state.provider().clients.forget(&id);
            }
            no_store(&registered)
        }
        Err(err) => refused(&err),
    }
}

pub async fn delete(state: PageState, Path(id): Path<String>, headers: HeaderMap) -> Response {
    if !state.provider().registration_open {
        return not_offered();
    }
    match registration::delete(state.ctx(), &id, bearer(&headers)).await {
        Ok(id) => {
            state.provider().clients.forget(&id);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(err) => refused(&err),
    }
}
