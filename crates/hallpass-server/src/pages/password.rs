//! `/password/forgot` and `/password/reset`.

use super::device::ClientDevice;
use super::PageState;
use super::{csrf, signed_in, Outcome, SignInForm};
use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use hallpass_core::signin::reset::{self, Reset};
use hallpass_core::CoreError;
use minijinja::context;
use std::collections::HashMap;

fn render(
    state: &PageState,
    headers: &HeaderMap,
    status: StatusCode,
    template: &str,
    values: minijinja::Value,
) -> Response {
    let token = csrf::token(headers, state.mode(), state.ctx().rng.as_ref());
    let page = state
        .pages()
        .render(status, template, context! { csrf => &token, ..values });
    csrf::attach(page, state.mode(), &token)
}

pub async fn forgot_page(state: PageState, headers: HeaderMap) -> Response {
    render(
        &state,
        &headers,
        StatusCode::OK,
        "forgot.html",
        context! { email => "" },
    )
}

pub async fn forgot(
    state: PageState,
    headers: HeaderMap,
    ClientDevice(device): ClientDevice,
    form: SignInForm,
) -> Response {
    let email = form.field("email");
    if !form.trusted() {
        return render(
            &state,
            &headers,
            StatusCode::FORBIDDEN,
            "forgot.html",
            context! { email, error => "This form has expired. Please try again." },
        );
    }
    if !state.signin_policy().methods.password {
        return super::method_off(&state);
    }
    if let Some(refused) = super::mail_limited(&state, &device, &email) {
        return refused;
    }
    let link_base = format!("{}/password/reset?token=", state.policy().issuer);
    match reset::request(state.ctx(), &state.signin_policy(), state.mailer(), &email, &link_base).await {
        Ok(email) => state.pages().message(
            StatusCode::OK,
            "Check your email",
            &format!("If {email} has an account, we sent it a link to choose a new password."),
        ),
        Err(CoreError::Invalid { .. }) => render(
            &state,
            &headers,
            StatusCode::UNPROCESSABLE_ENTITY,
            "forgot.html",
            context! { email, error => "Enter a valid email address, like name@example.com." },
        ),
        Err(err) => super::server_error(&state, "password reset request failed", &err),
    }
}

pub async fn reset_page(
    state: PageState,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let token = query.get("token").cloned().unwrap_or_default();
    render(&state, &headers, StatusCode::OK, "reset.html", context! { token })
}

pub async fn reset(
    state: PageState,
    headers: HeaderMap,
    ClientDevice(device): ClientDevice,
    form: SignInForm,
) -> Response {
    let token = form.field("token");
    if !form.trusted() {
        return render(
            &state,
            &headers,
            StatusCode::FORBIDDEN,
            "reset.html",
            context! { token, error => "This form has expired. Please try again." },
        );
    }
    let policy = state.signin_policy();
    if !policy.methods.password {
        return super::method_off(&state);
    }
    let guess = match super::guess(&state, &device, None) {
        Ok(guess) => guess,
        Err(refused) => return *refused,
    };
    let outcome = reset::complete(
        state.ctx(),
        state.policy(),
        &policy,
        &token,
        &form.field("password"),
        device,
    )
    .await;
    guess.settle(match &outcome {
        Ok(Reset::SignedIn { .. }) => Outcome::Right,
        Ok(Reset::LinkInvalid) => Outcome::Wrong,
        Err(_) => Outcome::NotAGuess,
    });
    match outcome {
        Ok(Reset::SignedIn { token, .. }) => signed_in(&state, &token, "/account"),
        Ok(Reset::LinkInvalid) => state.pages().message(
            StatusCode::GONE,
            "This link no longer works",
            "Reset links work once, for a few minutes. Ask for a new one.",
        ),
        Err(CoreError::Invalid { message, .. }) => render(
            &state,
            &headers,
            StatusCode::UNPROCESSABLE_ENTITY,
            "reset.html",
            context! { token, error => format!("Your password {message}.") },
        ),
        Err(err) => super::server_error(&state, "password reset failed", &err),
    }
}
