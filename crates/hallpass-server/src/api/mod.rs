//! The management API under `/api/v1`: JSON in and out, machine clients with
//! admin scopes (see `auth.rs`), errors as `{error, error_description}` with
//! 401, 403, 404, 409 or 422. Lists are pages in id order: `limit` (1–200,
//! default 50) and `after` (the previous page's `next_cursor`). POSTs accept
//! an `Idempotency-Key` (`idempotency.rs`). The OpenAPI document is
//! generated from these handlers (`openapi.rs`).

mod audit;
mod auth;
mod body;
mod clients;
mod connections;
mod directories;
mod idempotency;
mod invitations;
mod keys;
pub mod openapi;
mod organizations;
mod resources;
mod roles;
mod session_policy;
mod sessions;
pub mod settings;
mod users;

pub use auth::{Resource, ADMIN_SCOPE};
pub use directories::scim_base_url;

use crate::http::error::ApiError;
use crate::state::AppState;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;
use hallpass_core::CoreError;
use hallpass_proto::management::Page;
use serde::Deserialize;

pub type ApiResult<T> = Result<T, Refusal>;

/// An error response, boxed: handlers pass it up with `?` and it is small.
#[derive(Debug)]
pub struct Refusal(pub(crate) Box<Response>);

impl From<Response> for Refusal {
    fn from(response: Response) -> Self {
        Refusal(Box::new(response))
    }
}

impl From<ApiError> for Refusal {
    fn from(err: ApiError) -> Self {
        Refusal::from(err.into_response())
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        *self.0
    }
}

pub fn routes(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi::document))
        .route("/users", get(users::list).post(users::create))
        .route(
            "/users/{id}",
            get(users::get).patch(users::update).delete(users::delete),
        )
        .route("/users/{id}/memberships", get(users::memberships))
        .route("/users/{id}/sessions", get(sessions::list).delete(sessions::revoke_all))
        .route("/users/{id}/sessions/revoke", post(sessions::post_revoke_all))
        .route("/sessions/{id}", axum::routing::delete(sessions::revoke))
        .route("/sessions/{id}/revoke", post(sessions::post_revoke))
        .route("/organizations", get(organizations::list).post(organizations::create))
        .route(
            "/organizations/{id}",
            get(organizations::get).patch(organizations::update),
        )
        .route("/organizations/{id}/members", get(organizations::members))
        .route(
            "/organizations/{id}/members/{user_id}",
            put(organizations::put_member).delete(organizations::remove_member),
        )
        .route(
            "/organizations/{id}/roles",
            get(roles::list_for_organization).post(roles::create_for_organization),
        )
        .route(
            "/organizations/{id}/invitations",
            get(invitations::list).post(invitations::create),
        )
        .route("/organizations/{id}/invitations/{invitation_id}", get(invitations::get))
        .route(
            "/organizations/{id}/invitations/{invitation_id}/revoke",
            post(invitations::revoke),
        )
        .route(
            "/organizations/{id}/invitations/{invitation_id}/resend",
            post(invitations::resend),
        )
        .route(
            "/organizations/{id}/directories",
            get(directories::list).post(directories::create),
        )
        .route("/directories/{id}", get(directories::get).delete(directories::delete))
        .route("/directories/{id}/token", post(directories::replace_token))
        .route("/session-policy", get(session_policy::global))
        .route("/settings/sign-in", get(settings::get).patch(settings::update))
        .route(
            "/organizations/{id}/session-policy",
            get(session_policy::get)
                .put(session_policy::put)
                .delete(session_policy::delete),
        )
        .route("/roles", get(roles::list).post(roles::create))
        .route("/permissions", get(roles::permissions))
        .route("/clients", get(clients::list).post(clients::create))
        .route(
            "/clients/{id}",
            get(clients::get).patch(clients::update).delete(clients::delete),
        )
        .route("/clients/{id}/secrets", post(clients::rotate_secret))
        .route(
            "/clients/{id}/secrets/{secret_id}",
            axum::routing::delete(clients::delete_secret),
        )
        .route(
            "/organizations/{id}/connections",
            get(connections::list_for_organization).post(connections::create_for_organization),
        )
        .route("/connections", get(connections::list).post(connections::create))
        .route(
            "/connections/{id}",
            get(connections::get)
                .patch(connections::update)
                .delete(connections::delete),
        )
        .route("/resources", get(resources::list).post(resources::create))
        .route(
            "/resources/{id}",
            get(resources::get).patch(resources::update).delete(resources::delete),
        )
        .route("/keys", get(keys::list))
        .route("/keys/rotate", post(keys::rotate))
        .route("/audit-events", get(audit::list))
        .fallback(crate::http::error::not_found)
        .layer(axum::middleware::from_fn_with_state(state, idempotency::layer))
}

pub(crate) fn fail(err: CoreError) -> Refusal {
    Refusal::from(ApiError::from(err))
}

/// An id in the path that does not parse names nothing: 404, like an unknown one.
pub(crate) fn path_id<T, E>(value: &str, parse: fn(&str) -> Result<T, E>, what: &str) -> ApiResult<T> {
    parse(value).map_err(|_| Refusal::from(ApiError::not_found(what)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// 1 to 200; default 50.
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub after: Option<String>,
}

impl PageQuery {
    pub fn limit(&self) -> u32 {
        self.limit.unwrap_or(50).clamp(1, 200)
    }

    /// The cursor as an id; a cursor that is not one is a 422.
    pub fn after<T, E>(&self, parse: fn(&str) -> Result<T, E>) -> ApiResult<Option<T>> {
        match self.after.as_deref().filter(|a| !a.is_empty()) {
            None => Ok(None),
            Some(after) => parse(after)
                .map(Some)
                .map_err(|_| fail(CoreError::invalid("after", "is not a cursor from a previous page"))),
        }
    }
}

/// A page: `next_cursor` is the last id when the page is full.
pub fn page<T>(data: Vec<T>, limit: u32, cursor: impl Fn(&T) -> String) -> Page<T> {
    let next_cursor = (data.len() == limit as usize)
        .then(|| data.last().map(&cursor))
        .flatten();
    Page { data, next_cursor }
}
