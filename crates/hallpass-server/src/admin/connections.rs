//! SSO connections on an organization's page: add an OpenID Connect one
//! (its client secret sealed and never shown back), delete one after a
//! confirm page. Through `services::connections`, as `/api/v1/connections`.

use super::{checked, done, failure, path_id, Admin, Console};
use crate::pages::{PageState, SignInForm};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use hallpass_core::ids::{ConnectionId, OrgId};
use hallpass_core::services::connections::{self, ConnectionFields};
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

/// The form's text, or `None` when left empty (the service then says what is missing).
fn given(form: &SignInForm, name: &str) -> Option<String> {
    let value = form.field(name).trim().to_owned();
    (!value.is_empty()).then_some(value)
}

pub async fn create(
    state: PageState,
    State(pages): State<Arc<Console>>,
    Extension(admin): Extension<Admin>,
    Path(id): Path<String>,
    form: SignInForm,
) -> Response {
    if let Err(refused) = checked(&state, &form) {
        return *refused;
    }
    let org = match path_id(&pages, &id, OrgId::parse, "organization") {
        Ok(id) => id,
        Err(response) => return *response,
    };
    let domains = form
        .field("domains")
        .split([',', ' ', '\n', '\r'])
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_owned)
        .collect();
    let fields = ConnectionFields {
        kind: Some("oidc".to_owned()),
        name: Some(form.field("name")),
        domains: Some(domains),
        issuer: given(&form, "issuer"),
        client_id: given(&form, "client_id"),
        client_secret: given(&form, "client_secret"),
        ..ConnectionFields::default()
    };
    let master = state.provider().master();
    match connections::create_connection(state.ctx(), master, Some(&org), fields, &admin.actor()).await {
        Ok(_) => done(&format!("/admin/organizations/{org}"), "connection"),
        Err(err) => failure(&pages, err),
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
