//! The admin console at `/admin`: server-rendered pages for console admins
//! (`hallpass admins add`), one file per screen. Each handler takes the
//! `Admin` the session middleware proved, calls the same core service as the
//! management API (with the admin as the audit actor) and renders the result.
//! Every form is CSRF-checked (`SignInForm`); destroying asks on a page of its
//! own first; secrets are shown once, in the answer to the form that made them.

mod applications;
mod audit;
mod connections;
mod directories;
mod keys;
mod organizations;
mod overview;
mod resources;
mod roles;
pub mod session;
mod settings;
mod templates;
mod users;

pub use session::Admin;
pub use templates::Console;

use crate::pages::{PageState, SignInForm};
use crate::state::AppState;
use axum::extract::FromRef;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{middleware, Router};
use hallpass_core::CoreError;
use std::sync::Arc;

impl FromRef<AppState> for Arc<Console> {
    fn from_ref(state: &AppState) -> Self {
        state.hosted_pages().console.clone()
    }
}

/// Every console route. The sign-in, its return, sign-out and the static
/// files are open; everything else passes `session::require_admin`.
pub fn routes(state: &AppState) -> Router<AppState> {
    let guarded = Router::new()
        .route("/admin", get(overview::page))
        .route(
            "/admin/applications",
            get(applications::list).post(applications::create),
        )
        .route(
            "/admin/applications/{id}",
            get(applications::show).post(applications::update),
        )
        .route(
            "/admin/applications/{id}/rotate",
            get(applications::confirm_rotate).post(applications::rotate),
        )
        .route(
            "/admin/applications/{id}/delete",
            get(applications::confirm_delete).post(applications::delete),
        )
        .route("/admin/users", get(users::list).post(users::create))
        .route("/admin/users/{id}", get(users::show))
        .route("/admin/users/{id}/sessions/{sid}/revoke", post(users::revoke_session))
        .route(
            "/admin/users/{id}/delete",
            get(users::confirm_delete).post(users::delete),
        )
        .route(
            "/admin/organizations",
            get(organizations::list).post(organizations::create),
        )
        .route("/admin/organizations/{id}", get(organizations::show))
        .route("/admin/organizations/{id}/members", post(organizations::put_member))
        .route("/admin/organizations/{id}/invitations", post(organizations::invite))
        .route(
            "/admin/organizations/{id}/session-policy",
            post(organizations::session_policy),
        )
        .route("/admin/organizations/{id}/directories", post(directories::create))
        .route(
            "/admin/directories/{id}/delete",
            get(directories::confirm_delete).post(directories::delete),
        )
        .route("/admin/organizations/{id}/connections", post(connections::create))
        .route(
            "/admin/connections/{id}/delete",
            get(connections::confirm_delete).post(connections::delete),
        )
        .route("/admin/roles", get(roles::list).post(roles::create))
        .route("/admin/resources", get(resources::list).post(resources::create))
        .route("/admin/resources/{id}", get(resources::show).post(resources::update))
        .route(
            "/admin/resources/{id}/delete",
            get(resources::confirm_delete).post(resources::delete),
        )
        .route("/admin/settings", get(settings::page).post(settings::update))
        .route("/admin/keys", get(keys::list))
        .route("/admin/keys/rotate", get(keys::confirm_rotate).post(keys::rotate))
        .route("/admin/audit", get(audit::list))
        .route_layer(middleware::from_fn_with_state(state.clone(), session::require_admin));
    Router::new()
        .route("/admin/login", get(session::login))
        .route("/admin/callback", get(session::callback))
        .route("/admin/logout", post(session::logout))
        .route("/admin/static/console.css", get(stylesheet))
        .route("/admin/static/console.js", get(script))
        .merge(guarded)
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/console.css"),
    )
}

async fn script() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/console.js"),
    )
}

/// The answer to a form that failed its CSRF check: 403, nothing changed.
pub fn forbidden_form(state: &PageState) -> Response {
    state.pages().message(
        StatusCode::FORBIDDEN,
        "This form has expired",
        "Go back, reload the page and try again.",
    )
}

/// A console form, refused with 403 unless it carries this browser's token.
pub fn checked(state: &PageState, form: &SignInForm) -> Result<(), Box<Response>> {
    if form.trusted() {
        Ok(())
    } else {
        Err(Box::new(forbidden_form(state)))
    }
}

/// After a change: back to a page, which shows `done` (one of `notice`'s codes).
pub fn done(to: &str, code: &str) -> Response {
    let sep = if to.contains('?') { '&' } else { '?' };
    let location = format!("{to}{sep}done={code}");
    (
        StatusCode::SEE_OTHER,
        [(LOCATION, location.as_str()), (CACHE_CONTROL, "no-store")],
    )
        .into_response()
}

/// Rows on one page of a console list.
pub const PAGE: u32 = 50;

/// The cursor of the next page: the last row's, when the page came back full.
pub fn next_page<T, C>(rows: &[T], cursor: impl FnOnce(&T) -> C) -> Option<C> {
    if rows.len() == PAGE as usize {
        rows.last().map(cursor)
    } else {
        None
    }
}

/// The fixed sentence for a `done` code; an unknown code shows nothing, so a
/// link cannot put words on a console page.
pub fn notice(code: Option<&String>) -> Option<&'static str> {
    Some(match code?.as_str() {
        "updated" => "Saved.",
        "deleted" => "Deleted.",
        "revoked" => "The session has ended; its refresh tokens no longer work.",
        "member" => "The membership is saved.",
        "invited" => "The invitation is sent.",
        "policy" => "The session policy is saved.",
        "rotated" => "A new signing key is active; the old one stays published until its tokens expire.",
        "role" => "The role is created.",
        "resource" => "The resource is registered.",
        "connection" => "The connection is added.",
        _ => return None,
    })
}

/// A core error as a console page: input problems say what to fix, a missing
/// record is a 404, anything else is logged and answered with a 500.
pub fn failure(console: &Console, err: CoreError) -> Response {
    match err {
        CoreError::Invalid { field, message } => console.message(
            StatusCode::UNPROCESSABLE_ENTITY,
            "That did not work",
            &format!("{field}: {message}. Go back and correct it."),
        ),
        CoreError::Conflict(what) => console.message(
            StatusCode::CONFLICT,
            "That did not work",
            &format!("{what} is already taken. Go back and choose another."),
        ),
        CoreError::Limit(what) => console.message(StatusCode::CONFLICT, "That did not work", what),
        CoreError::NotFound(what) => console.message(
            StatusCode::NOT_FOUND,
            "Not found",
            &format!("This {what} does not exist (any more)."),
        ),
        other => {
            tracing::error!(err = %other, "a console operation failed");
            console.message(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "Please try again in a moment.",
            )
        }
    }
}

/// Turns an id from the path into a typed id, or a 404 page.
pub fn path_id<T, E>(
    console: &Console,
    value: &str,
    parse: fn(&str) -> Result<T, E>,
    what: &'static str,
) -> Result<T, Box<Response>> {
    parse(value).map_err(|_| Box::new(failure(console, CoreError::NotFound(what))))
}
