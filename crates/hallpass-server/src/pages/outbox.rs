//! `/dev/outbox`: mail that would have been sent, in development mode only.

use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use minijinja::context;

pub async fn page(State(state): State<AppState>) -> Response {
    match state.outbox() {
        Some(outbox) => state
            .pages()
            .render(StatusCode::OK, "outbox.html", context! { mails => outbox.mails() }),
        None => crate::http::error::ApiError::not_found("page").into_response(),
    }
}
