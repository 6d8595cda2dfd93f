//! `/healthz`: the process answers. `/readyz`: it can serve, meaning the
//! database answers and its schema is the one this build expects.

use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let store = &state.ctx().store;
    let problem = match store.ping().await {
        Err(err) => Some(format!("database unreachable: {err}")),
        Ok(()) => match store.migration_status().await {
            Ok(status) if status.is_current() => None,
            Ok(status) => Some(format!(
                "schema not current: {} of {} migrations applied",
                status.applied, status.known
            )),
            Err(err) => Some(format!("cannot read the schema version: {err}")),
        },
    };
    match problem {
        None => (StatusCode::OK, Json(json!({ "status": "ready" }))),
        Some(reason) => {
            tracing::warn!(%reason, "not ready");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "reason": reason })),
            )
        }
    }
}
