//! `/admin/roles`: the environment's roles and their permissions, and making
//! one, through the same service as `/api/v1/roles`.

use super::session::Params;
use super::{checked, done, failure, notice, Admin, Console};
use crate::pages::{PageState, SignInForm};
use crate::views;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use hallpass_core::services::roles::{self, NewRole};
use minijinja::context;
use std::sync::Arc;

pub async fn list(
    state: PageState,
    State(pages): State<Arc<Console>>,
    Extension(admin): Extension<Admin>,
    params: Params,
) -> Response {
    match roles::list_roles(state.ctx(), None).await {
        Ok(all) => {
            let list: Vec<_> = all.iter().map(views::role).collect();
            pages.page(
                StatusCode::OK,
                "admin/roles.html",
                &admin,
                "roles",
                context! { roles => list, notice => notice(params.get("done")) },
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
    let description = form.field("description");
    let new = NewRole {
        organization_id: None,
        name: form.field("name"),
        description: (!description.trim().is_empty()).then_some(description),
        permissions: form
            .field("permissions")
            .split([',', ' ', '\n'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect(),
    };
    match roles::create_role(state.ctx(), new, &admin.actor()).await {
        Ok(_) => done("/admin/roles", "role"),
        Err(err) => failure(&pages, err),
    }
}
