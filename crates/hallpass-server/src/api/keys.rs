use super::auth::{Caller, Resource};
use super::body::ApiJson;
use super::{fail, ApiResult};
use crate::state::AppState;
use crate::views;
use axum::extract::State;
use axum::Json;
use hallpass_core::crypto::Algorithm;
use hallpass_core::services::{audit, keys};
use hallpass_core::CoreError;
use hallpass_proto::management::{Page, RotateKey, SigningKey};
use hallpass_proto::ErrorBody;
use serde_json::json;

#[utoipa::path(get, path = "/api/v1/keys", tag = "keys",
    responses((status = 200, body = Page<SigningKey>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Page<SigningKey>>> {
    caller.may(Resource::Keys)?;
    let all = keys::list_keys(state.ctx()).await.map_err(fail)?;
    Ok(Json(Page {
        data: all.iter().map(views::signing_key).collect(),
        next_cursor: None,
    }))
}

/// Retires the algorithm's active key and starts signing with a new one; the
/// old key stays in the JWKS until every token it signed has expired.
#[utoipa::path(post, path = "/api/v1/keys/rotate", tag = "keys", request_body = RotateKey,
    responses((status = 200, body = Page<SigningKey>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn rotate(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<RotateKey>,
) -> ApiResult<Json<Page<SigningKey>>> {
    let actor = caller.may(Resource::Keys)?;
    let algorithm: Algorithm = body
        .algorithm
        .parse()
        .map_err(|e: hallpass_core::crypto::UnknownAlgorithm| fail(CoreError::invalid("algorithm", e.to_string())))?;
    let kid = state.rotate_signing_key(algorithm).await.map_err(fail)?;
    audit::record(
        state.ctx(),
        &actor,
        "key.rotated",
        None,
        json!({ "kid": kid, "alg": algorithm.as_str() }),
    )
    .await;
    list(State(state), caller).await
}
