use super::auth::{Caller, Resource};
use super::body::ApiQuery;
use super::{fail, ApiResult};
use crate::state::AppState;
use crate::views;
use axum::extract::State;
use axum::Json;
use hallpass_core::clock::Timestamp;
use hallpass_core::store::AuditFilter;
use hallpass_core::CoreError;
use hallpass_proto::management::{AuditEvent, Page};
use hallpass_proto::ErrorBody;
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only events about this user.
    pub user_id: Option<String>,
    /// Only events of this type, e.g. `user.signed_in`.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub kind: Option<String>,
    /// RFC 3339; only events at or after.
    pub since: Option<String>,
    /// RFC 3339; only events before.
    pub until: Option<String>,
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page (events are newest first).
    pub before: Option<String>,
}

fn time(value: Option<&str>, field: &'static str) -> ApiResult<Option<Timestamp>> {
    value
        .map(|v| Timestamp::parse_rfc3339(v).ok_or_else(|| fail(CoreError::invalid(field, "must be an RFC 3339 time"))))
        .transpose()
}

/// Audit events, newest first, filtered by user, type and time range.
#[utoipa::path(get, path = "/api/v1/audit-events", tag = "audit", params(AuditQuery),
    responses((status = 200, body = Page<AuditEvent>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<Json<Page<AuditEvent>>> {
    caller.may(Resource::Audit)?;
    let limit = q.limit.unwrap_or(50).clamp(1, 200);
    let before_id = match q.before.as_deref() {
        None | Some("") => None,
        Some(v) => Some(
            v.parse::<i64>()
                .map_err(|_| fail(CoreError::invalid("before", "is not a cursor from a previous page")))?,
        ),
    };
    let filter = AuditFilter {
        user_id: q.user_id,
        kind: q.kind,
        since: time(q.since.as_deref(), "since")?,
        until: time(q.until.as_deref(), "until")?,
        before_id,
        limit,
    };
    let events = state
        .ctx()
        .store
        .list_audit_events(&filter)
        .await
        .map_err(|e| fail(e.into()))?;
    let data: Vec<AuditEvent> = events.iter().map(views::audit_event).collect();
    Ok(Json(super::page(data, limit, |e| e.id.to_string())))
}
