//! Every route Hallpass serves, in one place.

use crate::http::{error, health, jwks, layers, metrics};
use crate::state::AppState;
use axum::routing::get;
use axum::{middleware, Router};

pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::render))
        .route("/.well-known/jwks.json", get(jwks::jwks))
        .fallback(error::not_found)
        .layer(middleware::from_fn_with_state(state.clone(), metrics::track));
    layers::apply(routes, state.mode()).with_state(state)
}
