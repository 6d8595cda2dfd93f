use super::auth::{Caller, Resource};
use super::{fail, path_id, ApiResult};
use crate::state::AppState;
use crate::views;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use hallpass_core::ids::{SessionId, UserId};
use hallpass_core::services::audit;
use hallpass_core::services::users;
use hallpass_core::sessions::{self, EndReason};
use hallpass_core::signin::account;
use hallpass_proto::management::{self as wire, Page};
use hallpass_proto::ErrorBody;
use serde_json::json;

/// The user's live sessions, newest first.
#[utoipa::path(get, path = "/api/v1/users/{id}/sessions", tag = "sessions", params(("id" = String, Path)),
    responses((status = 200, body = Page<wire::Session>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Page<wire::Session>>> {
    caller.may(Resource::Sessions)?;
    let id = path_id(&id, UserId::parse, "user")?;
    users::get_user(state.ctx(), &id).await.map_err(fail)?;
    let live = sessions::live_for_user(state.ctx(), &id).await.map_err(fail)?;
    Ok(Json(Page {
        data: live.iter().map(views::session).collect(),
        next_cursor: None,
    }))
}

/// Ends every session of the user: their refresh tokens stop working and apps hear of it.
#[utoipa::path(delete, path = "/api/v1/users/{id}/sessions", tag = "sessions", params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke_all(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let actor = caller.may(Resource::Sessions)?;
    let id = path_id(&id, UserId::parse, "user")?;
    users::get_user(state.ctx(), &id).await.map_err(fail)?;
    let ended = sessions::end_for_user(state.ctx(), &id, None, EndReason::Revoked)
        .await
        .map_err(fail)?;
    let ids: Vec<&str> = ended.iter().map(|s| s.id.as_str()).collect();
    audit::record(
        state.ctx(),
        &actor,
        "session.revoked_all",
        Some(id.as_str()),
        json!({ "session_ids": ids }),
    )
    .await;
    Ok(StatusCode::NO_CONTENT)
}

/// Ends one session: its refresh tokens stop working and its apps hear of it.
#[utoipa::path(delete, path = "/api/v1/sessions/{id}", tag = "sessions", params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<StatusCode> {
    let actor = caller.may(Resource::Sessions)?;
    let id = path_id(&id, SessionId::parse, "session")?;
    let session = state
        .ctx()
        .store
        .get_session(&id)
        .await
        .map_err(|e| fail(e.into()))?
        .ok_or_else(|| fail(hallpass_core::CoreError::NotFound("session")))?;
    account::revoke_session(state.ctx(), &session.user_id, &id, &actor)
        .await
        .map_err(fail)?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ends every session of the user, as `DELETE /api/v1/users/{id}/sessions` does.
#[utoipa::path(post, path = "/api/v1/users/{id}/sessions/revoke", tag = "sessions", params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn post_revoke_all(state: State<AppState>, caller: Caller, id: Path<String>) -> ApiResult<StatusCode> {
    revoke_all(state, caller, id).await
}

/// Ends one session, as `DELETE /api/v1/sessions/{id}` does.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/revoke", tag = "sessions", params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn post_revoke(state: State<AppState>, caller: Caller, id: Path<String>) -> ApiResult<StatusCode> {
    revoke(state, caller, id).await
}
