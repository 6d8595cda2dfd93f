//! `/account`: who is signed in; changing name and password; seeing and
//! ending sessions; signing out.

use super::device::ClientDevice;
use super::PageState;
use super::{csrf, MaybeSession, Outcome, SignInForm};
use crate::http::cookies;
use axum::extract::Path;
use axum::http::header::LOCATION;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use hallpass_core::ids::SessionId;
use hallpass_core::oauth::logout::{logout as end, LogoutRequest};
use hallpass_core::services::consents;
use hallpass_core::sessions;
use hallpass_core::signin::account;
use hallpass_core::store::Session;
use hallpass_core::CoreError;
use minijinja::context;
use serde::Serialize;

fn to_login() -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, "/login")]).into_response()
}

#[derive(Serialize)]
struct SessionView {
    id: String,
    device: String,
    ip: Option<String>,
    created_at: String,
    last_active_at: String,
    current: bool,
}

/// "Firefox on Windows", from a user agent; good enough to recognise a device.
fn describe_device(user_agent: Option<&str>) -> String {
    let ua = user_agent.unwrap_or_default();
    let browser = [
        ("Edg/", "Edge"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .iter()
    .find(|(needle, _)| ua.contains(needle))
    .map_or("A browser", |(_, name)| name);
    let os = [
        ("Windows", "Windows"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Mac OS X", "macOS"),
        ("Android", "Android"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| format!(" on {name}"))
    .unwrap_or_default();
    format!("{browser}{os}")
}

async fn render(
    state: &PageState,
    headers: &HeaderMap,
    current: &Session,
    notice: Option<&str>,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let ctx = state.ctx();
    let (user, sessions, consents) = match (
        ctx.store.get_user(&current.user_id).await,
        sessions::live_for_user(ctx, &current.user_id).await,
        consents::list_for_user(ctx, &current.user_id).await,
    ) {
        (Ok(Some(user)), Ok(sessions), Ok(consents)) => (crate::views::user(&user), sessions, consents),
        _ => {
            return state.pages().message(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "Please try again.",
            )
        }
    };
    let sessions: Vec<SessionView> = sessions
        .iter()
        .map(|s| SessionView {
            id: s.id.to_string(),
            device: describe_device(s.user_agent.as_deref()),
            ip: s.ip.clone(),
            created_at: s.created_at.to_rfc3339(),
            last_active_at: s.last_active_at.to_rfc3339(),
            current: s.id == current.id,
        })
        .collect();
    let consents: Vec<_> = consents
        .iter()
        .map(|c| {
            context! {
                client_id => &c.client_id,
                client_name => &c.client_name,
                domain => &c.domain,
                resource => &c.resource,
                resource_name => &c.resource_name,
                scopes => c.scopes.join(" "),
                granted_at => c.granted_at.to_rfc3339(),
            }
        })
        .collect();
    let token = csrf::token(headers, state.mode(), ctx.rng.as_ref());
    let page = state.pages().render(
        status,
        "account.html",
        context! { user, sessions, consents, notice, error, csrf => &token },
    );
    csrf::attach(page, state.mode(), &token)
}

pub async fn page(state: PageState, MaybeSession(session): MaybeSession, headers: HeaderMap) -> Response {
    match session {
        Some(current) => render(&state, &headers, &current, None, None, StatusCode::OK).await,
        None => to_login(),
    }
}

/// The signed-in session, if the form is this browser's own.
fn authorized(state: &PageState, session: Option<Session>, form: &SignInForm) -> Result<Session, Box<Response>> {
    let Some(current) = session else {
        return Err(Box::new(to_login()));
    };
    if !form.trusted() {
        return Err(Box::new(state.pages().message(
            StatusCode::FORBIDDEN,
            "This form has expired",
            "Go back, reload the page and try again.",
        )));
    }
    Ok(current)
}

pub async fn change_name(
    state: PageState,
    MaybeSession(session): MaybeSession,
    headers: HeaderMap,
    form: SignInForm,
) -> Response {
    let current = match authorized(&state, session, &form) {
        Ok(ok) => ok,
        Err(response) => return *response,
    };
    match account::change_name(state.ctx(), &current.user_id, &form.field("name")).await {
        Ok(_) => {
            render(
                &state,
                &headers,
                &current,
                Some("Your name is saved."),
                None,
                StatusCode::OK,
            )
            .await
        }
        Err(CoreError::Invalid { message, .. }) => {
            render(
                &state,
                &headers,
                &current,
                None,
                Some(&format!("Your name {message}.")),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(err) => {
            tracing::error!(%err, "changing a name failed");
            state.pages().message(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "Please try again.",
            )
        }
    }
}

pub async fn change_password(
    state: PageState,
    headers: HeaderMap,
    ClientDevice(device): ClientDevice,
    MaybeSession(session): MaybeSession,
    form: SignInForm,
) -> Response {
    let current = match authorized(&state, session, &form) {
        Ok(ok) => ok,
        Err(response) => return *response,
    };
    let guess = match super::guess(&state, &device, Some(current.user_id.as_str())) {
        Ok(guess) => guess,
        Err(refused) => return *refused,
    };
    let passwords = state.signin_policy().passwords;
    let outcome = account::change_password(
        state.ctx(),
        &passwords,
        &current,
        &form.field("current_password"),
        &form.field("new_password"),
    )
    .await;
    guess.settle(match &outcome {
        Ok(()) => Outcome::Right,
        Err(CoreError::Invalid {
            field: "current_password",
            ..
        }) => Outcome::Wrong,
        Err(_) => Outcome::NotAGuess,
    });
    match outcome {
        Ok(()) => {
            let notice = "Your password is changed. You are signed out on your other devices.";
            render(&state, &headers, &current, Some(notice), None, StatusCode::OK).await
        }
        Err(CoreError::Invalid { field, message }) => {
            let text = if field == "current_password" {
                "Your current password is not right.".to_owned()
            } else {
                format!("Your new password {message}.")
            };
            render(
                &state,
                &headers,
                &current,
                None,
                Some(&text),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(err) => {
            tracing::error!(%err, "changing a password failed");
            state.pages().message(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "Please try again.",
            )
        }
    }
}

pub async fn revoke_session(
    state: PageState,
    headers: HeaderMap,
    Path(id): Path<String>,
    MaybeSession(session): MaybeSession,
    form: SignInForm,
) -> Response {
    let current = match authorized(&state, session, &form) {
        Ok(ok) => ok,
        Err(response) => return *response,
    };
    let Ok(id) = SessionId::parse(&id) else {
        return render(
            &state,
            &headers,
            &current,
            None,
            Some("That session does not exist."),
            StatusCode::NOT_FOUND,
        )
        .await;
    };
    let actor = hallpass_core::services::audit::Actor::User(current.user_id.to_string());
    match account::revoke_session(state.ctx(), &current.user_id, &id, &actor).await {
        Ok(_) => {
            render(
                &state,
                &headers,
                &current,
                Some("That device is signed out."),
                None,
                StatusCode::OK,
            )
            .await
        }
        Err(CoreError::NotFound(_)) => {
            render(
                &state,
                &headers,
                &current,
                None,
                Some("That session does not exist."),
                StatusCode::NOT_FOUND,
            )
            .await
        }
        Err(err) => {
            tracing::error!(%err, "revoking a session failed");
            state.pages().message(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "Please try again.",
            )
        }
    }
}

/// Takes back what the user allowed a third-party client (for one resource),
/// which ends that client's refresh tokens for them.
pub async fn withdraw_consent(
    state: PageState,
    headers: HeaderMap,
    MaybeSession(session): MaybeSession,
    form: SignInForm,
) -> Response {
    let current = match authorized(&state, session, &form) {
        Ok(ok) => ok,
        Err(response) => return *response,
    };
    let resource = form.field("resource");
    let resource = (!resource.is_empty()).then_some(resource.as_str());
    let actor = hallpass_core::services::audit::Actor::User(current.user_id.to_string());
    let outcome = consents::withdraw(
        state.ctx(),
        &current.user_id,
        &form.field("client_id"),
        resource,
        &actor,
    )
    .await;
    let (notice, error, status) = match outcome {
        Ok(()) => (
            Some("Access withdrawn. The application must ask you again."),
            None,
            StatusCode::OK,
        ),
        Err(CoreError::NotFound(_)) => (
            None,
            Some("There is no such access to withdraw."),
            StatusCode::NOT_FOUND,
        ),
        Err(err) => {
            tracing::error!(%err, "withdrawing a consent failed");
            return state.pages().message(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "Please try again.",
            );
        }
    };
    render(&state, &headers, &current, notice, error, status).await
}

/// Ends this browser's session, as `/oidc/logout` would without an app.
pub async fn sign_out(state: PageState, MaybeSession(current): MaybeSession, form: SignInForm) -> Response {
    if !form.trusted() {
        return state
            .pages()
            .message(StatusCode::FORBIDDEN, "This form has expired", "Go back and try again.");
    }
    let keys = state.keys();
    if let Err(err) = end(
        state.ctx(),
        &keys,
        state.policy(),
        current,
        LogoutRequest::default(),
        true,
    )
    .await
    {
        tracing::error!(%err, "sign-out failed");
    }
    let response = state
        .pages()
        .message(StatusCode::OK, "You are signed out", "You can close this window.");
    cookies::clear_session(response, state.mode())
}

#[cfg(test)]
mod tests {
    use super::describe_device;

    #[test]
    fn names_common_devices() {
        let chrome =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";
        assert_eq!(describe_device(Some(chrome)), "Chrome on Linux");
        assert_eq!(
            describe_device(Some(
                "Mozilla/5.0 (Windows NT 10.0; rv:130.0) Gecko/20100101 Firefox/130.0"
            )),
            "Firefox on Windows"
        );
        assert_eq!(describe_device(None), "A browser");
    }
}
