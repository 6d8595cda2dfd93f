//! `/dev/outbox`: mail that would have been sent, in development mode only.
//! `/dev/outbox.json?to=` gives the same mail as JSON, for scripts and load
//! tests that sign in by code without a mail server.

use super::PageState;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use minijinja::context;
use serde::Deserialize;

/// Mail still queued arrives first, so what a form just sent is shown.
async fn flushed(state: &PageState) {
    let wait = std::time::Duration::from_secs(5);
    if tokio::time::timeout(wait, state.mailer().flushed()).await.is_err() {
        tracing::warn!("mail still queued after 5 s; showing the outbox as it is");
    }
}

pub async fn page(state: PageState) -> Response {
    let Some(outbox) = state.outbox() else {
        let message = "Mail goes to a mail server here, not to a development outbox.";
        return state.pages().message(StatusCode::NOT_FOUND, "No outbox", message);
    };
    flushed(&state).await;
    state
        .pages()
        .render(StatusCode::OK, "outbox.html", context! { mails => outbox.mails() })
}

#[derive(Debug, Deserialize)]
pub struct Filter {
    /// Only mail to this address (compared without regard to case).
    to: Option<String>,
}

pub async fn json(state: PageState, Query(filter): Query<Filter>) -> Response {
    let Some(outbox) = state.outbox() else {
        return not_found();
    };
    flushed(&state).await;
    Json(outbox.mails_to(filter.to.as_deref())).into_response()
}

fn not_found() -> Response {
    crate::http::error::ApiError::not_found("page").into_response()
}
