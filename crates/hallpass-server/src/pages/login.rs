//! `/login`: email and password.

use super::device::ClientDevice;
use super::PageState;
use super::{csrf, safe_return_to, signed_in, Outcome, SignInForm};
use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use hallpass_core::signin::password::{sign_in, PasswordSignIn};
use minijinja::context;
use std::collections::HashMap;

pub async fn page(state: PageState, headers: HeaderMap, Query(query): Query<HashMap<String, String>>) -> Response {
    let return_to = safe_return_to(query.get("return_to").map(String::as_str));
    let email = query.get("login_hint").cloned().unwrap_or_default();
    let email_first = email.is_empty();
    render_step(&state, &headers, StatusCode::OK, &return_to, &email, None, email_first).await
}

/// The sign-in form (email and password or code) with any error.
pub(super) async fn render(
    state: &PageState,
    headers: &HeaderMap,
    status: StatusCode,
    return_to: &str,
    email: &str,
    error: Option<&str>,
) -> Response {
    render_step(state, headers, status, return_to, email, error, false).await
}

/// The sign-in page: "Continue with …" buttons for social connections, and
/// either the email-first step (when enterprise connections exist and
/// `email_first`) or the usual form.
pub(super) async fn render_step(
    state: &PageState,
    headers: &HeaderMap,
    status: StatusCode,
    return_to: &str,
    email: &str,
    error: Option<&str>,
    email_first: bool,
) -> Response {
    let options = super::sso::options(state).await;
    let social = super::sso::buttons_of(&options, return_to);
    let email_first = email_first && options.enterprise;
    let token = csrf::token(headers, state.mode(), state.ctx().rng.as_ref());
    let page = state.pages().render(
        status,
        "login.html",
        context! { csrf => &token, return_to, email, error, social, email_first },
    );
    csrf::attach(page, state.mode(), &token)
}

pub async fn submit(
    state: PageState,
    headers: HeaderMap,
    ClientDevice(device): ClientDevice,
    form: SignInForm,
) -> Response {
    let (email, return_to) = (form.field("email"), safe_return_to(Some(&form.field("return_to"))));
    if !form.trusted() {
        let message = "This form has expired. Please try again.";
        return render(
            &state,
            &headers,
            StatusCode::FORBIDDEN,
            &return_to,
            &email,
            Some(message),
        )
        .await;
    }
    if !state.signin_policy().methods.password {
        return super::method_off(&state);
    }
    if email.trim().is_empty() || form.field("password").is_empty() {
        let message = "Enter your email and your password.";
        return render(
            &state,
            &headers,
            StatusCode::UNPROCESSABLE_ENTITY,
            &return_to,
            &email,
            Some(message),
        )
        .await;
    }
    let guess = match super::guess(&state, &device, Some(&email)) {
        Ok(guess) => guess,
        Err(refused) => return *refused,
    };
    let outcome = sign_in(
        state.ctx(),
        state.policy(),
        &state.signin_policy().passwords,
        &email,
        &form.field("password"),
        device,
    )
    .await;
    guess.settle(match &outcome {
        Ok(PasswordSignIn::SignedIn { .. }) => Outcome::Right,
        Ok(PasswordSignIn::Rejected) => Outcome::Wrong,
        Ok(PasswordSignIn::SsoRequired { .. }) | Err(_) => Outcome::NotAGuess,
    });
    match outcome {
        Ok(PasswordSignIn::SignedIn { token, .. }) => signed_in(&state, &token, &return_to),
        Ok(PasswordSignIn::Rejected) => {
            let message = "That email and password do not match an account.";
            render(
                &state,
                &headers,
                StatusCode::UNAUTHORIZED,
                &return_to,
                &email,
                Some(message),
            )
            .await
        }
        Ok(PasswordSignIn::SsoRequired { connection }) => super::sso::required(&state, &connection, &return_to),
        Err(err) => super::server_error(&state, "password sign-in failed", &err),
    }
}
