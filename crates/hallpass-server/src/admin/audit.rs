//! `/admin/audit`: the audit log, newest first, filtered by user, type and
//! time, each entry with its details (`before` and `after` for changes).

use super::session::Params;
use super::{failure, next_page, Admin, Console, PAGE};
use crate::pages::PageState;
use crate::views;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use hallpass_core::clock::Timestamp;
use hallpass_core::store::AuditFilter;
use hallpass_core::CoreError;
use minijinja::context;
use std::sync::Arc;

/// A `datetime-local` value (`2026-01-02T03:04`, UTC) or RFC 3339.
fn time(value: Option<&String>, field: &'static str) -> Result<Option<Timestamp>, CoreError> {
    let Some(value) = value.map(|v| v.trim()).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let full = if value.len() == 16 {
        format!("{value}:00Z")
    } else {
        value.to_owned()
    };
    Timestamp::parse_rfc3339(&full)
        .map(Some)
        .ok_or_else(|| CoreError::invalid(field, "must be a date and time"))
}

fn filter(params: &Params) -> Result<AuditFilter, CoreError> {
    let text = |name: &str| params.get(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    Ok(AuditFilter {
        user_id: text("user_id"),
        kind: text("type"),
        since: time(params.get("since"), "since")?,
        until: time(params.get("until"), "until")?,
        before_id: params.get("before").and_then(|b| b.parse().ok()),
        limit: PAGE,
    })
}

pub async fn list(
    state: PageState,
    State(pages): State<Arc<Console>>,
    Extension(admin): Extension<Admin>,
    params: Params,
) -> Response {
    let filter = match filter(&params) {
        Ok(filter) => filter,
        Err(err) => return failure(&pages, err),
    };
    match state.ctx().store.list_audit_events(&filter).await {
        Ok(events) => {
            let next = next_page(&events, |e| e.id);
            let entries: Vec<_> = events
                .iter()
                .map(|e| {
                    let details = serde_json::to_string_pretty(&e.event.details).unwrap_or_default();
                    context! { event => views::audit_event(e), details }
                })
                .collect();
            let get = |name: &str| params.get(name).cloned().unwrap_or_default();
            pages.page(
                StatusCode::OK,
                "admin/audit.html",
                &admin,
                "audit",
                context! {
                    entries,
                    next,
                    user_id => get("user_id"),
                    kind => get("type"),
                    since => get("since"),
                    until => get("until"),
                },
            )
        }
        Err(err) => failure(&pages, err.into()),
    }
}
