//! `Idempotency-Key` on POST requests: the first request with a key runs and
//! its answer is kept for 24 hours; a retry with the same key and the same
//! request gets that answer again (`Idempotent-Replayed: true`) instead of
//! creating twice. Keys are per client. Reusing a key for another request is
//! a 422; a retry while the first is still running is a 409 (for up to a
//! minute: a request that never answered frees its key). An answer of 5xx is
//! not kept, so the request can be retried. Requests whose answer holds a
//! secret (a client secret, a directory's bearer token) refuse the header:
//! the answer would be stored.

use super::auth::Caller;
use super::Refusal;
use crate::http::error::ApiError;
use crate::state::AppState;
use aws_lc_rs::digest::{Context, SHA256};
use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hallpass_core::store::IdempotencyClaim;
use std::time::Duration;

const HEADER: &str = "idempotency-key";
const KEPT_FOR: Duration = Duration::from_secs(24 * 3600);
/// A request that has not answered after this long died (a crash, a dropped
/// connection): a retry may take its key over.
const LEASE: Duration = Duration::from_secs(60);
const MAX_BODY: usize = 1024 * 1024;

pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST || !request.headers().contains_key(HEADER) {
        return next.run(request).await;
    }
    match keyed(&state, request, next).await {
        Ok(response) | Err(Refusal(response)) => *response,
    }
}

async fn keyed(state: &AppState, request: Request, next: Next) -> Result<Box<Response>, Refusal> {
    let (mut parts, body) = request.into_parts();
    let key = parts
        .headers
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|k| !k.is_empty() && k.len() <= 255)
        .map(str::to_owned)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_field",
                "Idempotency-Key must be 1 to 255 visible characters",
            )
        })?;
    let caller = Caller::from_request_parts(&mut parts, state).await?;
    parts.extensions.insert(caller.clone());
    // Answers are kept in the database: never one that holds a secret.
    let path = parts.uri.path();
    // (A directory's bearer token too: made with it, or replaced.)
    let directory_token =
        path.ends_with("/directories") || (path.starts_with("/directories/") && path.ends_with("/token"));
    if path == "/clients" || path.ends_with("/secrets") || directory_token {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "Idempotency-Key cannot be used where the answer holds a secret (it would be stored)",
        )
        .into());
    }
    let bytes = axum::body::to_bytes(body, MAX_BODY).await.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "invalid_request",
            "the body is too large",
        )
    })?;
    let mut digest = Context::new(&SHA256);
    // The same request: method, path and query, the token's scopes (a
    // narrower token of the same client must not replay a wider one's
    // answer), and the body.
    let target = parts.uri.path_and_query().map_or("", |p| p.as_str());
    let scopes = caller.scopes();
    for part in [
        parts.method.as_str().as_bytes(),
        b" ",
        target.as_bytes(),
        b"\n",
        scopes.as_bytes(),
        b"\n",
        &bytes,
    ] {
        digest.update(part);
    }
    let hash: [u8; 32] = digest
        .finish()
        .as_ref()
        .try_into()
        .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "server_error", "hashing failed"))?;
    let ctx = state.ctx();
    let now = ctx.clock.now();
    let claim = ctx
        .store
        .claim_idempotency_key(
            caller.client_id(),
            &key,
            &hash,
            now,
            now.minus(KEPT_FOR),
            now.minus(LEASE),
        )
        .await
        .map_err(|e| super::fail(e.into()))?;
    match claim {
        IdempotencyClaim::New => {}
        IdempotencyClaim::Replay { status, body } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            let mut response = (status, [(CONTENT_TYPE, "application/json")], body).into_response();
            response
                .headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
            return Ok(Box::new(response));
        }
        IdempotencyClaim::InFlight => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "conflict",
                "a request with this Idempotency-Key is still being answered; retry in a moment",
            )
            .into())
        }
        IdempotencyClaim::Mismatch => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_field",
                "this Idempotency-Key was used for a different request",
            )
            .into())
        }
    }
    let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        let _ = ctx.store.release_idempotency_key(caller.client_id(), &key).await;
        return Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "the answer was too large",
        )
        .into());
    };
    let kept = if parts.status.is_server_error() {
        ctx.store.release_idempotency_key(caller.client_id(), &key).await
    } else {
        let text = String::from_utf8_lossy(&bytes);
        ctx.store
            .complete_idempotency_key(caller.client_id(), &key, parts.status.as_u16(), &text)
            .await
    };
    if let Err(err) = kept {
        tracing::error!(%err, "could not record an idempotent answer");
    }
    Ok(Box::new(Response::from_parts(parts, Body::from(bytes))))
}
