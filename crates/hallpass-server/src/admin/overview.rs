//! `/admin`: the counts an operator looks at first.

use super::{failure, Admin, Console};
use crate::pages::PageState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use hallpass_core::services::console;
use minijinja::context;
use std::sync::Arc;

pub async fn page(state: PageState, State(pages): State<Arc<Console>>, Extension(admin): Extension<Admin>) -> Response {
    match console::overview(state.ctx()).await {
        Ok(counts) => pages.page(
            StatusCode::OK,
            "admin/overview.html",
            &admin,
            "overview",
            context! {
                users => counts.users,
                organizations => counts.organizations,
                applications => counts.applications,
                sign_ins => counts.sign_ins,
            },
        ),
        Err(err) => failure(&pages, err),
    }
}
