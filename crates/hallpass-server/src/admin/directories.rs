//! SCIM directories on an organization's page: make one (its bearer token
//! shown once, in the answer), delete one after a confirm page. Through
//! `services::directories`, as `/api/v1/.../directories`.

use super::{checked, done, failure, path_id, Admin, Console};
use crate::pages::{PageState, SignInForm};
use crate::views;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use hallpass_core::ids::{DirectoryId, OrgId};
use hallpass_core::services::directories::{self, NewDirectory};
use minijinja::context;
use std::sync::Arc;

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
    let new = NewDirectory {
        name: form.field("name"),
        group_roles: Default::default(),
    };
    match directories::create(state.ctx(), &org, new, &admin.actor()).await {
        Ok((directory, token)) => pages.page(
            StatusCode::CREATED,
            "admin/directory_token.html",
            &admin,
            "organizations",
            context! { directory => views::directory(&directory, &state.policy().issuer, Some(token)) },
        ),
        Err(err) => failure(&pages, err),
    }
}

pub async fn confirm_delete(
    state: PageState,
    State(pages): State<Arc<Console>>,
    Extension(admin): Extension<Admin>,
    Path(id): Path<String>,
) -> Response {
    let id = match path_id(&pages, &id, DirectoryId::parse, "directory") {
        Ok(id) => id,
        Err(response) => return *response,
    };
    let directory = match directories::get(state.ctx(), &id).await {
        Ok(directory) => directory,
        Err(err) => return failure(&pages, err),
    };
    pages.page(
        StatusCode::OK,
        "admin/confirm.html",
        &admin,
        "organizations",
        context! {
            title => format!("Delete the directory {}?", directory.name),
            message => "Its token stops working and its SCIM records go; the users and memberships it made stay. This cannot be undone.",
            button => "Delete the directory",
            action => format!("/admin/directories/{id}/delete"),
            cancel => format!("/admin/organizations/{}", directory.organization_id),
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
    let id = match path_id(&pages, &id, DirectoryId::parse, "directory") {
        Ok(id) => id,
        Err(response) => return *response,
    };
    let ctx = state.ctx();
    let org = match directories::get(ctx, &id).await {
        Ok(directory) => directory.organization_id,
        Err(err) => return failure(&pages, err),
    };
    match directories::delete(ctx, &id, &admin.actor()).await {
        Ok(()) => done(&format!("/admin/organizations/{org}"), "deleted"),
        Err(err) => failure(&pages, err),
    }
}
