//! Deleting an SSO connection from an organization's page, after a confirm
//! page, through `services::connections` as `/api/v1/connections` does.

use super::{checked, done, failure, path_id, Admin, Console};
use crate::pages::{PageState, SignInForm};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use hallpass_core::ids::ConnectionId;
use hallpass_core::services::connections;
use hallpass_core::store::Connection;
use minijinja::context;
use std::sync::Arc;

/// Where the connection is listed: its organization's page, or the list of
/// organizations for an environment-wide connection.
fn home(connection: &Connection) -> String {
    match &connection.organization_id {
        Some(org) => format!("/admin/organizations/{org}"),
        None => "/admin/organizations".to_owned(),
    }
}

pub async fn confirm_delete(
    state: PageState,
    State(pages): State<Arc<Console>>,
    Extension(admin): Extension<Admin>,
    Path(id): Path<String>,
) -> Response {
    let id = match path_id(&pages, &id, ConnectionId::parse, "connection") {
        Ok(id) => id,
        Err(response) => return *response,
    };
    let connection = match connections::get_connection(state.ctx(), &id).await {
        Ok(connection) => connection,
        Err(err) => return failure(&pages, err),
    };
    pages.page(
        StatusCode::OK,
        "admin/confirm.html",
        &admin,
        "organizations",
        context! {
            title => format!("Delete the connection {}?", connection.name),
            message => "Its users can no longer sign in through it; their accounts stay. This cannot be undone.",
            button => "Delete the connection",
            action => format!("/admin/connections/{id}/delete"),
            cancel => home(&connection),
            danger => true,
        },
    )
}

pub async fn delete(
    state: PageState,
    State(pages): State<Arc<Console>>,
    Extension(admin): Extension<Admin>,
    Path(id): Path<String>,
    form: SignInForm,
) -> Response {
    if let Err(refused) = checked(&state, &form) {
        return *refused;
    }
    let id = match path_id(&pages, &id, ConnectionId::parse, "connection") {
        Ok(id) => id,
        Err(response) => return *response,
    };
    let ctx = state.ctx();
    let back = match connections::get_connection(ctx, &id).await {
        Ok(connection) => home(&connection),
        Err(err) => return failure(&pages, err),
    };
    match connections::delete_connection(ctx, &id, &admin.actor()).await {
        Ok(()) => done(&back, "deleted"),
        Err(err) => failure(&pages, err),
    }
}
