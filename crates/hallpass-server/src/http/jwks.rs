//! The published signing keys (RFC 7517): active keys and retired keys whose
//! tokens may still be in use.

use crate::state::AppState;
use axum::extract::State;
use axum::http::header::CACHE_CONTROL;
use axum::response::IntoResponse;
use axum::Json;

pub async fn jwks(State(state): State<AppState>) -> impl IntoResponse {
    let keys = state.keys();
    // Short enough that a rotation reaches verifiers quickly; verifiers also
    // refetch when they meet an unknown `kid`.
    ([(CACHE_CONTROL, "public, max-age=300")], Json(keys.jwks().clone()))
}
