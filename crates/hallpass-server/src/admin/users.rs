//! `/admin/users`: find a user by the start of their address (through the
//! address index, fast over millions), create one, see their profile,
//! memberships and sessions, end a session, delete the user. Through the
//! same services as `/api/v1/users` and `/api/v1/sessions`.

use super::session::Params;
use super::{checked, done, failure, next_page, notice, path_id, Admin, Console, PAGE};
use crate::pages::{PageState, SignInForm};
use crate::views;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use hallpass_core::ids::{SessionId, UserId};
use hallpass_core::services::users::{self, NewUser};
use hallpass_core::services::{console, memberships, organizations, roles};
use hallpass_core::sessions::{self, EndReason};
use hallpass_core::signin::account;
use minijinja::context;
use std::sync::Arc;

pub async fn list(
    state: PageState,
    State(pages): State<Arc<Console>>,
    Extension(admin): Extension<Admin>,
    params: Params,
) -> Response {
    let query = params.get("q").map(|q| q.trim().to_owned()).unwrap_or_default();
    let after = params.get("after").filter(|a| !a.is_empty());
    match console::search_users(state.ctx(), &query, after.map(String::as_str), PAGE).await {
        Ok(found) => {
            let next = next_page(&found, |u| u.email.normalized().to_owned());
            let users: Vec<_> = found.iter().map(views::user).collect();
            pages.page(
                StatusCode::OK,
                "admin/users.html",
                &admin,
                "users",
                context! { users, query, next, notice => notice(params.get("done")) },
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
    let name = form.field("name");
    let new = NewUser {
        email: form.field("email"),
        name: (!name.trim().is_empty()).then_some(name),
        password: None,
        email_verified: form.field("email_verified") == "on",
    };
    let passwords = &state.hosted_pages().signin.passwords;
    match users::create_user(state.ctx(), new, passwords, &admin.actor()).await {
        Ok(user) => done(&format!("/admin/users/{}", user.id), "updated"),
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
    let id = match path_id(&pages, &id, UserId::parse, "user") {
        Ok(id) => id,
        Err(response) => return *response,
    };
    let ctx = state.ctx();
    let user = match users::get_user(ctx, &id).await {
        Ok(user) => user,
        Err(err) => return failure(&pages, err),
    };
    let (found, live, is_admin) = match (
        memberships::list_user_memberships(ctx, &id).await,
        sessions::live_for_user(ctx, &id).await,
        console::is_admin(ctx, &id).await,
    ) {
        (Ok(m), Ok(s), Ok(a)) => (m, s, a),
        (Err(err), _, _) | (_, Err(err), _) | (_, _, Err(err)) => return failure(&pages, err),
    };
    let mut member_of = Vec::with_capacity(found.len());
    for m in &found {
        let (org, visible) = match (
            organizations::get_organization(ctx, &m.organization_id).await,
            roles::list_roles(ctx, Some(&m.organization_id)).await,
        ) {
            (Ok(org), Ok(visible)) => (org, visible),
            (Err(err), _) | (_, Err(err)) => return failure(&pages, err),
        };
        member_of.push(context! { org => views::organization(&org), membership => views::membership(m, &visible) });
    }
    let sessions: Vec<_> = live.iter().map(views::session).collect();
    pages.page(
        StatusCode::OK,
        "admin/user.html",
        &admin,
        "users",
        context! {
            user => views::user(&user),
            member_of,
            sessions,
            is_admin,
            notice => notice(params.get("done")),
        },
    )
}

pub async fn revoke_session(
    state: PageState,
    State(pages): State<Arc<Console>>,
    Extension(admin): Extension<Admin>,
    Path((id, sid)): Path<(String, String)>,
    form: SignInForm,
) -> Response {
    if let Err(refused) = checked(&state, &form) {
        return *refused;
    }
    let (id, sid) = match (
        path_id(&pages, &id, UserId::parse, "user"),
        path_id(&pages, &sid, SessionId::parse, "session"),
    ) {
        (Ok(id), Ok(sid)) => (id, sid),
        (Err(response), _) | (_, Err(response)) => return *response,
    };
    match account::revoke_session(state.ctx(), &id, &sid, &admin.actor()).await {
        Ok(_) => done(&format!("/admin/users/{id}"), "revoked"),
        Err(err) => failure(&pages, err),
    }
}

pub async fn confirm_delete(
    state: PageState,
    State(pages): State<Arc<Console>>,
    Extension(admin): Extension<Admin>,
    Path(id): Path<String>,
) -> Response {
    let id = match path_id(&pages, &id, UserId::parse, "user") {
        Ok(id) => id,
        Err(response) => return *response,
    };
    match users::get_user(state.ctx(), &id).await {
        Ok(user) => pages.page(
            StatusCode::OK,
            "admin/confirm.html",
            &admin,
            "users",
            context! {
                title => format!("Delete {}?", user.email),
                message => "Their sessions end (apps hear of it), and their memberships go. This cannot be undone.",
                button => "Delete the user",
                action => format!("/admin/users/{id}/delete"),
                cancel => format!("/admin/users/{id}"),
                danger => true,
            },
        ),
        Err(err) => failure(&pages, err),
    }
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
    let id = match path_id(&pages, &id, UserId::parse, "user") {
        Ok(id) => id,
        Err(response) => return *response,
    };
    let ctx = state.ctx();
    // As the API does: the sessions end first, so apps hear of it.
    let outcome = async {
        users::get_user(ctx, &id).await?;
        sessions::end_for_user(ctx, &id, None, EndReason::UserDeleted).await?;
        users::delete_user(ctx, &id, &admin.actor()).await
    };
    match outcome.await {
        Ok(()) => done("/admin/users", "deleted"),
        Err(err) => failure(&pages, err),
    }
}
