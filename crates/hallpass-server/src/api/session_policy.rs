use super::auth::{Caller, Resource};
use super::body::ApiJson;
use super::{fail, path_id, ApiResult};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use hallpass_core::ids::OrgId;
use hallpass_core::services::session_policy;
use hallpass_core::store::SessionLimits;
use hallpass_core::CoreError;
use hallpass_proto::management::SessionPolicy;
use hallpass_proto::ErrorBody;

fn wire(limits: SessionLimits) -> SessionPolicy {
    SessionPolicy {
        idle_timeout_secs: limits.idle_secs,
        absolute_timeout_secs: limits.absolute_secs,
    }
}

/// The global limits, from the configuration (`sessions.*`).
#[utoipa::path(get, path = "/api/v1/session-policy", tag = "sessions",
    responses((status = 200, body = SessionPolicy), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn global(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<SessionPolicy>> {
    caller.may(Resource::Sessions)?;
    Ok(Json(wire(session_policy::global(state.policy()))))
}

/// The organization's own limits, or 404 when it follows the global ones.
#[utoipa::path(get, path = "/api/v1/organizations/{id}/session-policy", tag = "organizations", params(("id" = String, Path)),
    responses((status = 200, body = SessionPolicy), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<SessionPolicy>> {
    caller.may(Resource::Organizations)?;
    let id = path_id(&id, OrgId::parse, "organization")?;
    let limits = session_policy::for_organization(state.ctx(), &id).await.map_err(fail)?;
    limits
        .map(|l| Json(wire(l)))
        .ok_or_else(|| fail(CoreError::NotFound("session policy")))
}

/// Sets the organization's limits; each must be at most the global one (only tightening).
#[utoipa::path(put, path = "/api/v1/organizations/{id}/session-policy", tag = "organizations", params(("id" = String, Path)), request_body = SessionPolicy,
    responses((status = 200, body = SessionPolicy), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SessionPolicy>,
) -> ApiResult<Json<SessionPolicy>> {
    let actor = caller.may(Resource::Organizations)?;
    let id = path_id(&id, OrgId::parse, "organization")?;
    let limits = SessionLimits {
        idle_secs: body.idle_timeout_secs,
        absolute_secs: body.absolute_timeout_secs,
    };
    let set = session_policy::set_for_organization(state.ctx(), state.policy(), &id, limits, &actor)
        .await
        .map_err(fail)?;
    Ok(Json(wire(set)))
}

/// Back to the global limits.
#[utoipa::path(delete, path = "/api/v1/organizations/{id}/session-policy", tag = "organizations", params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<StatusCode> {
    let actor = caller.may(Resource::Organizations)?;
    let id = path_id(&id, OrgId::parse, "organization")?;
    session_policy::clear_for_organization(state.ctx(), &id, &actor)
        .await
        .map_err(fail)?;
    Ok(StatusCode::NO_CONTENT)
}
