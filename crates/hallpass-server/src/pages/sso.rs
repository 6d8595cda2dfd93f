//! Signing in through an upstream identity provider (enterprise SSO and
//! "Continue with …"): `/login/sso/{connection}` sends the browser to the IdP,
//! `/login/sso/{connection}/callback` takes it back, and `POST /login/sso`
//! (the email-first step) finds the connection that owns an address's domain.
//!
//! The IdP returns with a top-level GET from another site, which carries
//! SameSite=Lax cookies but not Strict ones: the flow is bound to the browser
//! by a Lax cookie scoped to `/login/sso`, and its state kept server-side.

use super::device::ClientDevice;
use super::PageState;
use super::{safe_return_to, signed_in, SignInForm};
use crate::http::cookies::{self, SetCookie};
use crate::http::form;
use axum::extract::{Path, Query, RawQuery};
use axum::http::header::{CACHE_CONTROL, LOCATION};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use hallpass_core::ids::ConnectionId;
use hallpass_core::services::connections;
use hallpass_core::signin::sso::{self, Callback, Failure, SsoError};
use hallpass_core::store::Connection;
use hallpass_core::upstream::UpstreamError;
use hallpass_core::values::Email;
use hallpass_saml::ResponseError;
use std::collections::HashMap;

/// Holds the secret that ties an SSO flow to the browser that started it.
pub(crate) const FLOW_COOKIE: &str = "hallpass_sso";
const FLOW_PATH: &str = "/login/sso";

/// Where the "Continue with …" link of a connection leads.
pub fn start_href(connection: &ConnectionId, return_to: &str, login_hint: Option<&str>) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.append_pair("return_to", return_to);
    if let Some(hint) = login_hint.filter(|h| !h.is_empty()) {
        query.append_pair("login_hint", hint);
    }
    format!("{FLOW_PATH}/{connection}?{}", query.finish())
}

/// "Continue with …" for each enabled social connection, leading back to `return_to`.
pub async fn buttons(state: &PageState, return_to: &str) -> Vec<minijinja::Value> {
    buttons_of(&options(state).await, return_to)
}

/// What the sign-in page offers; without it (a database hiccup) the page
/// still shows the usual form.
pub async fn options(state: &PageState) -> connections::SignInOptions {
    connections::sign_in_options(state.ctx()).await.unwrap_or_else(|err| {
        tracing::warn!(%err, "could not list connections; showing the page without them");
        connections::SignInOptions::default()
    })
}

pub fn buttons_of(options: &connections::SignInOptions, return_to: &str) -> Vec<minijinja::Value> {
    options
        .social
        .iter()
        .map(|c| minijinja::context! { name => &c.name, href => start_href(&c.id, return_to, None) })
        .collect()
}

fn see_other(location: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(LOCATION, location), (CACHE_CONTROL, "no-store")],
    )
        .into_response()
}

/// `GET /login/sso/{connection}`: off to the IdP.
pub async fn start(state: PageState, Path(id): Path<String>, Query(query): Query<HashMap<String, String>>) -> Response {
    let return_to = safe_return_to(query.get("return_to").map(String::as_str));
    let Ok(id) = ConnectionId::parse(&id) else {
        return failure(&state, SsoError::NoConnection, Some(&return_to));
    };
    let hint = query.get("login_hint").map(String::as_str);
    match sso::begin(
        state.ctx(),
        &state.provider().discovery,
        state.provider().master(),
        &state.policy().issuer,
        &id,
        &return_to,
        hint,
    )
    .await
    {
        Ok(started) => {
            let max_age = sso::STATE_TTL.as_secs();
            SetCookie::new(state.mode(), FLOW_COOKIE, &started.browser_secret, max_age)
                .path(FLOW_PATH)
                .add_to(see_other(&started.authorize_url))
        }
        Err(error) => failure(&state, error, Some(&return_to)),
    }
}

/// `GET /login/sso/{connection}/callback`: the IdP's answer.
pub async fn callback(
    state: PageState,
    Path(id): Path<String>,
    headers: HeaderMap,
    ClientDevice(device): ClientDevice,
    RawQuery(query): RawQuery,
) -> Response {
    let params = form::parse(query.unwrap_or_default().as_bytes());
    let secret = cookies::read(&headers, FLOW_COOKIE);
    let callback = Callback {
        connection: &id,
        params: &params,
        browser_secret: secret.as_deref(),
        device,
    };
    let outcome = sso::finish(
        state.ctx(),
        state.policy(),
        &state.provider().discovery,
        state.provider().master(),
        callback,
    )
    .await;
    let response = match outcome {
        Ok(done) => signed_in(&state, &done.token, &safe_return_to(Some(&done.return_to))),
        Err(Failure { error, return_to }) => failure(&state, error, return_to.as_deref()),
    };
    end_flow(&state, response)
}

/// The flow is over either way: its cookie goes.
pub(crate) fn end_flow(state: &PageState, response: Response) -> Response {
    SetCookie::new(state.mode(), FLOW_COOKIE, "", 0)
        .path(FLOW_PATH)
        .add_to(response)
}

/// `POST /login/sso`: the email-first step. An address whose domain an
/// enterprise connection claims goes to that IdP; any other continues to
/// the usual sign-in form.
pub async fn discover(state: PageState, headers: HeaderMap, form: SignInForm) -> Response {
    let (email, return_to) = (form.field("email"), safe_return_to(Some(&form.field("return_to"))));
    if !form.trusted() {
        let message = "This form has expired. Please try again.";
        return super::login::render_step(
            &state,
            &headers,
            StatusCode::FORBIDDEN,
            &return_to,
            &email,
            Some(message),
            true,
        )
        .await;
    }
    let Ok(address) = Email::parse(email.trim()) else {
        let message = "Enter a valid email address, like name@example.com.";
        return super::login::render_step(
            &state,
            &headers,
            StatusCode::UNPROCESSABLE_ENTITY,
            &return_to,
            &email,
            Some(message),
            true,
        )
        .await;
    };
    match state.ctx().store.find_connection_by_domain(address.domain()).await {
        Ok(Some(connection)) if connection.enabled => {
            see_other(&start_href(&connection.id, &return_to, Some(address.as_str())))
        }
        Ok(_) => {
            super::login::render_step(
                &state,
                &headers,
                StatusCode::OK,
                &return_to,
                address.as_str(),
                None,
                false,
            )
            .await
        }
        Err(err) => super::server_error(&state, "connection look-up failed", &err),
    }
}

/// The page refusing a password or code to a member of an organization that
/// requires SSO, with the way in that works.
pub fn required(state: &PageState, connection: &Connection, return_to: &str) -> Response {
    let href = start_href(&connection.id, return_to, None);
    let text = format!("Continue with {}", connection.name);
    state.pages().render(
        StatusCode::FORBIDDEN,
        "message.html",
        minijinja::context! {
            title => "Sign in with your organization",
            message => format!("Your organization requires you to sign in through {}. Passwords and email codes are turned off for your account.", connection.name),
            link => minijinja::context! { href, text },
        },
    )
}

/// The branded page for a sign-in that did not happen: what went wrong, and
/// the way back to the app (the pending authorization request) when known.
pub(crate) fn failure(state: &PageState, error: SsoError, return_to: Option<&str>) -> Response {
    let (status, title, message) = match &error {
        SsoError::NoConnection => (
            StatusCode::NOT_FOUND,
            "This sign-in option is not available",
            "It does not exist or has been turned off. Choose another way to sign in.".to_owned(),
        ),
        SsoError::Denied { error, description } if error == "access_denied" => (
            StatusCode::FORBIDDEN,
            "Sign-in was cancelled",
            format!("Your identity provider did not sign you in (access_denied). {description}")
                .trim()
                .to_owned(),
        ),
        SsoError::Denied { error, description } => (
            StatusCode::BAD_GATEWAY,
            "Your identity provider refused the sign-in",
            format!("It answered “{error}”. {description}").trim().to_owned(),
        ),
        SsoError::BadState => (
            StatusCode::BAD_REQUEST,
            "This sign-in has expired",
            "It was already used, took too long, or was started in another browser. Please start again.".to_owned(),
        ),
        SsoError::Upstream(UpstreamError::Unavailable(detail)) => {
            tracing::warn!(%detail, "identity provider unavailable");
            (
                StatusCode::BAD_GATEWAY,
                "Your identity provider is not answering",
                "We could not reach your identity provider to finish signing you in. Please try again in a moment."
                    .to_owned(),
            )
        }
        SsoError::Upstream(UpstreamError::Invalid(detail)) => {
            tracing::warn!(%detail, "identity provider answer refused");
            (
                StatusCode::BAD_GATEWAY,
                "Your identity provider's answer was not accepted",
                format!("For your safety nothing was signed in: {detail}."),
            )
        }
        SsoError::NoEmail(message) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "No email address to sign you in with",
            message.clone(),
        ),
        SsoError::AccountExists => (
            StatusCode::CONFLICT,
            "An account with this email address already exists",
            "Sign in the way you usually do. This sign-in option may not vouch for that address.".to_owned(),
        ),
        SsoError::Saml(ResponseError::Status { code, message, .. }) => (
            StatusCode::FORBIDDEN,
            "Your identity provider did not sign you in",
            // Unsigned text from whoever posted the form: shown short, as OIDC's error_description.
            format!(
                "It answered with the SAML status {}. {}",
                code.rsplit(':').next().unwrap_or(code).chars().take(100).collect::<String>(),
                message.as_deref().unwrap_or_default().chars().take(300).collect::<String>()
            )
            .trim()
            .to_owned(),
        ),
        SsoError::Saml(ResponseError::Unsolicited) => (
            StatusCode::BAD_REQUEST,
            "Start the sign-in here",
            "Your organization's sign-in does not accept sign-ins started at the identity provider. Start from the app instead.".to_owned(),
        ),
        SsoError::Saml(refusal) => {
            tracing::warn!(%refusal, "SAML response refused");
            (
                StatusCode::BAD_REQUEST,
                "Your identity provider's answer was not accepted",
                format!("For your safety nothing was signed in: {refusal}."),
            )
        }
        SsoError::Replayed => (
            StatusCode::BAD_REQUEST,
            "This sign-in was already used",
            "The identity provider's answer can be used once. Please start again.".to_owned(),
        ),
        SsoError::Core(err) => return super::server_error(state, "SSO sign-in failed", err),
    };
    let href = return_to
        .map(|r| safe_return_to(Some(r)))
        .unwrap_or_else(|| "/login".to_owned());
    let text = if href.starts_with("/oauth/authorize") {
        "Back to the sign-in of the app"
    } else {
        "Back to sign-in"
    };
    state.pages().render(
        status,
        "message.html",
        minijinja::context! { title, message, link => minijinja::context! { href, text } },
    )
}
