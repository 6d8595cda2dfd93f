//! Passwordless sign-in: `/login/code` mails a code and a link; the code is
//! typed at `/login/code/verify`, the link opens `/login/link`. The link's
//! page asks for one click before it signs in, so mail scanners that fetch
//! links do not use it up.

use super::device::ClientDevice;
use super::PageState;
use super::{csrf, safe_return_to, signed_in, Outcome, SignInForm};
use crate::http::cookies;
use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use hallpass_core::rng::random_token;
use hallpass_core::signin::email_code::{self, CodeRequest, CodeSignIn};
use hallpass_core::CoreError;
use minijinja::context;
use std::collections::HashMap;

/// Holds the secret that ties a magic link to the browser that asked for it.
const LINK_COOKIE: &str = "hallpass_link";

fn render_code(
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
        "code.html",
        context! { csrf => &token, return_to, email, minutes, error },
    );
    csrf::attach(page, state.mode(), &token)
}

fn expired(state: &PageState) -> Response {
    state.pages().message(
        StatusCode::FORBIDDEN,
        "This form has expired",
        "Go back, reload the page and try again.",
    )
}

pub async fn request(
    state: PageState,
    headers: HeaderMap,
    ClientDevice(device): ClientDevice,
    form: SignInForm,
) -> Response {
    let (email, return_to) = (form.field("email"), safe_return_to(Some(&form.field("return_to"))));
    if !form.trusted() {
        return expired(&state);
    }
    if !state.signin_policy().methods.mail() {
        return super::method_off(&state);
    }
    if let Some(refused) = super::mail_limited(&state, &device, &email) {
        return refused;
    }
    let browser_secret = state
        .hosted_pages()
        .same_browser_links
        .then(|| random_token(state.ctx().rng.as_ref()));
    let link_base = format!("{}/login/link?token=", state.policy().issuer);
    let request = CodeRequest {
        email: &email,
        return_to: &return_to,
        link_base: &link_base,
        browser_secret: browser_secret.as_deref(),
    };
    match email_code::request(
        state.ctx(),
        &state.signin_policy(),
        state.codes(),
        state.mailer(),
        request,
    )
    .await
    {
        Ok(email) => {
            let page = render_code(&state, &headers, StatusCode::OK, &return_to, email.as_str(), None);
            match browser_secret {
                Some(secret) => super::bind_to_browser(&state, page, LINK_COOKIE, "/login/link", &secret),
                None => page,
            }
        }
        Err(CoreError::Invalid { .. }) => {
            super::login::render(
                &state,
                &headers,
                StatusCode::UNPROCESSABLE_ENTITY,
                &return_to,
                &email,
                Some("Enter a valid email address, like name@example.com."),
            )
            .await
        }
        Err(err) => super::server_error(&state, "sign-in code request failed", &err),
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
        return expired(&state);
    }
    if !state.signin_policy().methods.email_code {
        return super::method_off(&state);
    }
    let guess = match super::guess(&state, &device, Some(&email)) {
        Ok(guess) => guess,
        Err(refused) => return *refused,
    };
    let outcome = email_code::verify_code(
        state.ctx(),
        state.policy(),
        state.codes(),
        &email,
        &form.field("code"),
        device,
    )
    .await;
    guess.settle(match &outcome {
        Ok(CodeSignIn::SignedIn { .. }) => Outcome::Right,
        Ok(CodeSignIn::Wrong { .. } | CodeSignIn::NoLiveCode) => Outcome::Wrong,
        Ok(CodeSignIn::SsoRequired { .. }) | Err(_) => Outcome::NotAGuess,
    });
    match outcome {
        Ok(CodeSignIn::SignedIn { token, .. }) => signed_in(&state, &token, &return_to),
        Ok(CodeSignIn::Wrong { attempts_left }) => {
            let message = format!("That code is not right. {attempts_left} tries left.");
            render_code(
                &state,
                &headers,
                StatusCode::UNPROCESSABLE_ENTITY,
                &return_to,
                &email,
                Some(&message),
            )
        }
        Ok(CodeSignIn::NoLiveCode) => {
            let message = "That code has expired or has been used up. Send a new one.";
            render_code(&state, &headers, StatusCode::GONE, &return_to, &email, Some(message))
        }
        Ok(CodeSignIn::SsoRequired { connection }) => super::sso::required(&state, &connection, &return_to),
        Err(CoreError::Invalid { .. }) => render_code(
            &state,
            &headers,
            StatusCode::UNPROCESSABLE_ENTITY,
            &return_to,
            &email,
            Some("Enter the 6-digit code."),
        ),
        Err(err) => super::server_error(&state, "sign-in code check failed", &err),
    }
}

pub async fn link_page(state: PageState, headers: HeaderMap, Query(query): Query<HashMap<String, String>>) -> Response {
    let token = query.get("token").cloned().unwrap_or_default();
    let csrf_token = csrf::token(&headers, state.mode(), state.ctx().rng.as_ref());
    let page = state
        .pages()
        .render(StatusCode::OK, "link.html", context! { csrf => &csrf_token, token });
    csrf::attach(page, state.mode(), &csrf_token)
}

pub async fn redeem(
    state: PageState,
    headers: HeaderMap,
    ClientDevice(device): ClientDevice,
    form: SignInForm,
) -> Response {
    if !form.trusted() {
        return expired(&state);
    }
    let secret = cookies::read(&headers, LINK_COOKIE);
    match email_code::redeem_link(state.ctx(), state.policy(), &form.field("token"), secret.as_deref(), device).await {
        Ok(CodeSignIn::SignedIn { token, return_to, .. }) => signed_in(&state, &token, &safe_return_to(return_to.as_deref())),
        Ok(CodeSignIn::SsoRequired { connection }) => super::sso::required(&state, &connection, "/account"),
        Ok(_) => state.pages().message(
            StatusCode::GONE,
            "This link no longer works",
            "Sign-in links work once, for a few minutes, in the browser that asked for them. Ask for a new one on the sign-in page.",
        ),
        Err(err) => super::server_error(&state, "magic link failed", &err),
    }
}
