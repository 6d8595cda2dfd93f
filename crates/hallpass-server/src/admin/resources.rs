//! `/admin/resources`: the APIs and MCP servers tokens are issued for
//! (RFC 8707) — register one, change its name and scopes, delete it after a
//! confirm page. Through `services::resources`, as `/api/v1/resources`.

use super::session::Params;
use super::{checked, done, failure, next_page, notice, path_id, Admin, Console, PAGE};
use crate::pages::{PageState, SignInForm};
use crate::views;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use hallpass_core::ids::ResourceId;
use hallpass_core::services::resources::{self, NewResource, ResourceUpdate};
use minijinja::context;
use std::sync::Arc;

/// Scopes typed separated by spaces, commas or lines.
fn scopes(text: &str) -> Vec<String> {
    text.split([',', ' ', '\n', '\r'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

pub async fn list(
    state: PageState,
    State(pages): State<Arc<Console>>,
    Extension(admin): Extension<Admin>,
    params: Params,
) -> Response {
    let after = params.get("after").and_then(|a| ResourceId::parse(a).ok());
    match resources::list_resources(state.ctx(), after.as_ref(), PAGE).await {
        Ok(list) => {
            let next = next_page(&list, |r| r.id.to_string());
            let list: Vec<_> = list.iter().map(views::resource).collect();
            pages.page(
                StatusCode::OK,
                "admin/resources.html",
                &admin,
                "resources",
                context! { resources => list, next, notice => notice(params.get("done")) },
            )
        }
        Err(err) => failure(&pages, err),
    }
}

pub async fn create(
    state: PageState,
    State(pages): State<Arc<Console>>,
    Extension(admin): Extension<Admin>,
    form: SignInForm,
) -> Response {
    if let Err(refused) = checked(&state, &form) {
        return *refused;
    }
    let new = NewResource {
        identifier: form.field("identifier").trim().to_owned(),
        name: form.field("name"),
        scopes: scopes(&form.field("scopes")),
        access_token_ttl_secs: None,
    };
    match resources::create_resource(state.ctx(), new, &admin.actor()).await {
        Ok(created) => done(&format!("/admin/resources/{}", created.id), "resource"),
        Err(err) => failure(&pages, err),
    }
}

pub async fn show(
    state: PageState,
    State(pages): State<Arc<Console>>,
    Extension(admin): Extension<Admin>,
    Path(id): Path<String>,
    params: Params,
) -> Response {
    let id = match path_id(&pages, &id, ResourceId::parse, "resource") {
        Ok(id) => id,
        Err(response) => return *response,
    };
    match resources::get_resource(state.ctx(), &id).await {
        Ok(resource) => {
            let scopes = resource.scopes.join(" ");
            pages.page(
                StatusCode::OK,
                "admin/resource.html",
                &admin,
                "resources",
                context! { resource => views::resource(&resource), scopes, notice => notice(params.get("done")) },
            )
        }
        Err(err) => failure(&pages, err),
    }
}

pub async fn update(
    state: PageState,
    State(pages): State<Arc<Console>>,
    Extension(admin): Extension<Admin>,
    Path(id): Path<String>,
    form: SignInForm,
) -> Response {
    if let Err(refused) = checked(&state, &form) {
        return *refused;
    }
    let id = match path_id(&pages, &id, ResourceId::parse, "resource") {
        Ok(id) => id,
        Err(response) => return *response,
    };
    let update = ResourceUpdate {
        name: Some(form.field("name")),
        scopes: Some(scopes(&form.field("scopes"))),
        ..ResourceUpdate::default()
    };
    match resources::update_resource(state.ctx(), &id, update, &admin.actor()).await {
        Ok(_) => done(&format!("/admin/resources/{id}"), "updated"),
        Err(err) => failure(&pages, err),
    }
}

pub async fn confirm_delete(
    state: PageState,
    State(pages): State<Arc<Console>>,
    Extension(admin): Extension<Admin>,
    Path(id): Path<String>,
) -> Response {
    let id = match path_id(&pages, &id, ResourceId::parse, "resource") {
        Ok(id) => id,
        Err(response) => return *response,
    };
    let resource = match resources::get_resource(state.ctx(), &id).await {
        Ok(resource) => resource,
        Err(err) => return failure(&pages, err),
    };
    pages.page(
        StatusCode::OK,
        "admin/confirm.html",
        &admin,
        "resources",
        context! {
            title => format!("Delete {}?", resource.name),
            message => "Tokens can no longer be asked for it, and grants bound to it are refused from now on. This cannot be undone.",
            button => "Delete the resource",
            action => format!("/admin/resources/{id}/delete"),
            cancel => format!("/admin/resources/{id}"),
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
    let id = match path_id(&pages, &id, ResourceId::parse, "resource") {
        Ok(id) => id,
        Err(response) => return *response,
    };
    match resources::delete_resource(state.ctx(), &id, &admin.actor()).await {
        Ok(()) => done("/admin/resources", "deleted"),
        Err(err) => failure(&pages, err),
    }
}
