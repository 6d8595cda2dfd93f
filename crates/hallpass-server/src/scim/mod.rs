//! The SCIM 2.0 server (RFC 7644) of each directory, at
//! `/scim/v2/{dir_id}/…`: discovery documents, Users, Groups and searches.
//! Only that directory's bearer token is accepted (anything else is a 401
//! SCIM error), and it reaches only that directory's resources (others are
//! 404). Bodies are `application/scim+json` (plain JSON is accepted too).
//!
//! The protocol is `hallpass_scim`'s; what provisioning does is
//! `hallpass_core::services::provisioning`'s. These handlers extract the
//! request, call one of them, and answer.

mod extract;
mod handlers;

use crate::state::AppState;
use axum::routing::{get, post, MethodRouter};
use axum::Router;

fn only(route: MethodRouter<AppState>) -> MethodRouter<AppState> {
    route.fallback(handlers::method_not_allowed)
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/scim/v2/{dir}/ServiceProviderConfig",
            only(get(handlers::service_provider_config)),
        )
        .route("/scim/v2/{dir}/ResourceTypes", only(get(handlers::resource_types)))
        .route(
            "/scim/v2/{dir}/ResourceTypes/{name}",
            only(get(handlers::resource_type)),
        )
        .route("/scim/v2/{dir}/Schemas", only(get(handlers::schemas)))
        .route("/scim/v2/{dir}/Schemas/{urn}", only(get(handlers::schema)))
        .route("/scim/v2/{dir}/.search", only(post(handlers::search_all)))
        .route(
            "/scim/v2/{dir}/Users",
            only(get(handlers::list_users).post(handlers::create_user)),
        )
        .route("/scim/v2/{dir}/Users/.search", only(post(handlers::search_users)))
        .route(
            "/scim/v2/{dir}/Users/{id}",
            only(
                get(handlers::get_user)
                    .put(handlers::replace_user)
                    .patch(handlers::patch_user)
                    .delete(handlers::delete_user),
            ),
        )
        .route(
            "/scim/v2/{dir}/Groups",
            only(get(handlers::list_groups).post(handlers::create_group)),
        )
        .route("/scim/v2/{dir}/Groups/.search", only(post(handlers::search_groups)))
        .route(
            "/scim/v2/{dir}/Groups/{id}",
            only(
                get(handlers::get_group)
                    .put(handlers::replace_group)
                    .patch(handlers::patch_group)
                    .delete(handlers::delete_group),
            ),
        )
        .route("/scim/v2/{dir}", axum::routing::any(handlers::nothing_here))
        .route("/scim/v2/{dir}/{*rest}", axum::routing::any(handlers::nothing_here))
}
