//! `/dev/outbox`: mail that would have been sent, in development mode only.
//! `/dev/outbox.json?to=` gives the same mail as JSON, for scripts and load
//! tests that sign in by code without a mail server.

use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use minijinja::context;
use serde::Deserialize;

pub async fn page(State(state): State<AppState>) -> Response {
    match state.outbox() {
        Some(outbox) => state
            .pages()
            .render(StatusCode::OK, "outbox.html", context! { mails => outbox.mails() }),
        None => not_found(),
    }
}

#[derive(Debug, Deserialize)]
pub struct Filter {
    /// Only mail to this address (compared without regard to case).
    to: Option<String>,
}

pub async fn json(State(state): State<AppState>, Query(filter): Query<Filter>) -> Response {
    let Some(outbox) = state.outbox() else {
        return not_found();
    };
    Json(outbox.mails_to(filter.to.as_deref())).into_response()
}

fn not_found() -> Response {
    crate::http::error::ApiError::not_found("page").into_response()
}
