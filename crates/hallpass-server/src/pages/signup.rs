//! `/signup`: the address is proved with a mailed code before the account
//! exists, in the browser that asked for it (a cookie holds its secret).

use super::device::ClientDevice;
use super::PageState;
use super::{csrf, safe_return_to, signed_in, Outcome, SignInForm};
use crate::http::cookies;
use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use hallpass_core::rng::random_token;
use hallpass_core::signin::signup::{self, SignUp, Verification};
use hallpass_core::CoreError;
use minijinja::context;
use std::collections::HashMap;

/// Holds the secret the sign-up code works with.
const SIGNUP_COOKIE: &str = "hallpass_signup";

pub async fn page(state: PageState, headers: HeaderMap, Query(query): Query<HashMap<String, String>>) -> Response {
    let return_to = safe_return_to(query.get("return_to").map(String::as_str));
    let email = query.get("login_hint").cloned().unwrap_or_default();
    let social = super::sso::buttons(&state, &return_to).await;
    render_page(&state, &headers, StatusCode::OK, &return_to, &email, social)
}

/// The sign-up form with "Continue with …" for each social connection.
fn render_page(
    state: &PageState,
    headers: &HeaderMap,
    status: StatusCode,
    return_to: &str,
    email: &str,
    social: Vec<minijinja::Value>,
) -> Response {
    render_signup(
        state,
        headers,
        status,
        context! { return_to, email, name => "", social },
    )
}

fn render_form(
    state: &PageState,
    headers: &HeaderMap,
    status: StatusCode,
    return_to: &str,
    email: &str,
    name: &str,
    error: Option<&str>,
) -> Response {
    render_signup(state, headers, status, context! { return_to, email, name, error })
}

fn render_signup(state: &PageState, headers: &HeaderMap, status: StatusCode, fields: minijinja::Value) -> Response {
    let token = csrf::token(headers, state.mode(), state.ctx().rng.as_ref());
    let page = state
        .pages()
        .render(status, "signup.html", context! { csrf => &token, ..fields });
    csrf::attach(page, state.mode(), &token)
}

fn render_verify(
    state: &PageState,
    headers: &HeaderMap,
    status: StatusCode,
    return_to: &str,
    email: &str,
    error: Option<&str>,
) -> Response {
    let token = csrf::token(headers, state.mode(), state.ctx().rng.as_ref());
    let minutes = state.signin_policy().code_ttl.as_secs().div_ceil(60);
    let page = state.pages().render(
        status,
        "verify.html",
        context! { csrf => &token, return_to, email, minutes, error },
    );
    csrf::attach(page, state.mode(), &token)
}

pub async fn submit(
    state: PageState,
    headers: HeaderMap,
    ClientDevice(device): ClientDevice,
    form: SignInForm,
) -> Response {
    let (email, name, return_to) = (
        form.field("email"),
        form.field("name"),
        safe_return_to(Some(&form.field("return_to"))),
    );
    if !form.trusted() {
        let message = "This form has expired. Please try again.";
        return render_form(
            &state,
            &headers,
            StatusCode::FORBIDDEN,
            &return_to,
            &email,
            &name,
            Some(message),
        );
    }
    if let Some(refused) = super::mail_limited(&state, &device, &email) {
        return refused;
    }
    let browser_secret = random_token(state.ctx().rng.as_ref());
    let password = form.field("password");
    let signup = SignUp {
        email: &email,
        name: (!name.trim().is_empty()).then_some(name.as_str()),
        password: &password,
        browser_secret: &browser_secret,
    };
    let started = signup::start(
        state.ctx(),
        &state.signin_policy(),
        state.codes(),
        state.mailer(),
        signup,
    )
    .await;
    match started {
        Ok(email) => {
            let page = render_verify(&state, &headers, StatusCode::OK, &return_to, email.as_str(), None);
            super::bind_to_browser(&state, page, SIGNUP_COOKIE, "/signup", &browser_secret)
        }
        Err(CoreError::Invalid { field, message }) => {
            let text = match field {
                "email" => "Enter a valid email address, like name@example.com.".to_owned(),
                "password" => format!("Your password {message}."),
                _ => message,
            };
            render_form(
                &state,
                &headers,
                StatusCode::UNPROCESSABLE_ENTITY,
                &return_to,
                &email,
                &name,
                Some(&text),
            )
        }
        Err(err) => super::server_error(&state, "sign-up failed", &err),
    }
}

pub async fn verify(
    state: PageState,
    headers: HeaderMap,
    ClientDevice(device): ClientDevice,
    form: SignInForm,
) -> Response {
    let (email, return_to) = (form.field("email"), safe_return_to(Some(&form.field("return_to"))));
    if !form.trusted() {
        let message = "This form has expired. Please try again.";
        return render_verify(
            &state,
            &headers,
            StatusCode::FORBIDDEN,
            &return_to,
            &email,
            Some(message),
        );
    }
    let guess = match super::guess(&state, &device, Some(&email)) {
        Ok(guess) => guess,
        Err(refused) => return *refused,
    };
    let outcome = signup::verify(
        state.ctx(),
        state.policy(),
        state.codes(),
        &email,
        &form.field("code"),
        &cookies::read(&headers, SIGNUP_COOKIE).unwrap_or_default(),
        device,
    )
    .await;
    guess.settle(match &outcome {
        Ok(Verification::SignedIn { .. }) => Outcome::Right,
        Ok(Verification::Wrong { .. } | Verification::NoLiveCode) => Outcome::Wrong,
        Err(_) => Outcome::NotAGuess,
    });
    match outcome {
        Ok(Verification::SignedIn { token, .. }) => signed_in(&state, &token, &return_to),
        Ok(Verification::Wrong { attempts_left }) => {
            let message = format!("That code is not right. {attempts_left} tries left.");
            render_verify(
                &state,
                &headers,
                StatusCode::UNPROCESSABLE_ENTITY,
                &return_to,
                &email,
                Some(&message),
            )
        }
        Ok(Verification::NoLiveCode) => {
            let message = "That code has expired or has been used up. Start again to get a new one.";
            render_verify(&state, &headers, StatusCode::GONE, &return_to, &email, Some(message))
        }
        Err(CoreError::Conflict(_)) => state.pages().message(
            StatusCode::CONFLICT,
            "You already have an account",
            "An account with this email was created meanwhile. Sign in instead.",
        ),
        Err(CoreError::Invalid { .. }) => render_verify(
            &state,
            &headers,
            StatusCode::UNPROCESSABLE_ENTITY,
            &return_to,
            &email,
            Some("Enter the 6-digit code."),
        ),
        Err(err) => super::server_error(&state, "sign-up verification failed", &err),
    }
}
