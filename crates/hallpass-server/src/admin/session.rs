//! Signing in to the console: it is a client of Hallpass's own hosted pages
//! (authorization code with PKCE, as any app), and keeps its own short
//! session in a cookie sealed under the master key. Every request re-checks
//! that the Hallpass session behind it is live and the user still an admin,
//! so revoking the session or the admin ends console access at once.

use super::Console;
use crate::config::Mode;
use crate::http::cookies::{self, SetCookie};
use crate::pages::{csrf, PageState};
use aws_lc_rs::digest::{digest, SHA256};
use axum::extract::{Query, Request, State};
use axum::http::header::{CACHE_CONTROL, LOCATION};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hallpass_core::clock::Timestamp;
use hallpass_core::ids::{SessionId, UserId};
use hallpass_core::oauth::access_tokens;
use hallpass_core::oauth::code_grant::{self, CodeExchange};
use hallpass_core::rng::random_token;
use hallpass_core::services::audit::Actor;
use hallpass_core::services::console;
use hallpass_core::store::User;
use hallpass_core::values::RedirectUri;
use serde::Deserialize;
use std::collections::HashMap;
use std::time::Duration;

/// The console's session ends after this long without a request.
pub const IDLE: Duration = Duration::from_secs(30 * 60);
/// How long a started sign-in may take before its state is forgotten.
const FLOW_TTL: u64 = 600;
const SEAL_CONTEXT: &str = "hallpass console session v1";
const FLOW_COOKIE: &str = "hallpass_console_flow";

fn cookie_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Production => "__Host-hallpass_console",
        Mode::Development => "hallpass_console",
    }
}

pub fn callback_uri(issuer: &str) -> String {
    format!("{issuer}/admin/callback")
}

/// The signed-in admin a console handler works for.
#[derive(Clone, Debug)]
pub struct Admin {
    pub user: User,
    pub session_id: SessionId,
    /// The form token this browser's pages carry.
    pub csrf: String,
    /// The product's name in force (the sign-in settings'), for the title.
    pub product: String,
}

impl Admin {
    pub fn actor(&self) -> Actor {
        Actor::User(self.user.id.to_string())
    }
}

/// `user|session|idle expiry`, sealed: the browser can neither read nor forge it.
fn seal(state: &PageState, user: &UserId, session: &SessionId, expires: Timestamp) -> String {
    let plain = format!("{user}|{session}|{}", expires.0);
    let sealed = state
        .provider()
        .master()
        .seal(state.ctx().rng.as_ref(), plain.as_bytes(), SEAL_CONTEXT);
    URL_SAFE_NO_PAD.encode(sealed)
}

fn open(state: &PageState, value: &str) -> Option<(UserId, SessionId, Timestamp)> {
    let sealed = URL_SAFE_NO_PAD.decode(value).ok()?;
    let plain = state.provider().master().open(&sealed, SEAL_CONTEXT).ok()?;
    let plain = String::from_utf8(plain).ok()?;
    let mut parts = plain.split('|');
    let user = UserId::parse(parts.next()?).ok()?;
    let session = SessionId::parse(parts.next()?).ok()?;
    let expires = Timestamp(parts.next()?.parse().ok()?);
    Some((user, session, expires))
}

fn session_cookie(state: &PageState, response: Response, user: &UserId, session: &SessionId) -> Response {
    let expires = state.ctx().clock.now().plus(IDLE);
    let value = seal(state, user, session, expires);
    SetCookie::new(state.mode(), cookie_name(state.mode()), &value, IDLE.as_secs())
        .strict()
        .add_to(response)
}

fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, to), (CACHE_CONTROL, "no-store")]).into_response()
}

/// Middleware for every console page but the sign-in itself: the admin, or a
/// new sign-in (no change is ever made for a browser without one), or a 403
/// page for a signed-in user who is no admin.
pub async fn require_admin(
    state: PageState,
    State(console): State<std::sync::Arc<Console>>,
    mut request: Request,
    next: Next,
) -> Response {
    let headers = request.headers().clone();
    let now = state.ctx().clock.now();
    let Some((user_id, session_id, expires)) =
        cookies::read(&headers, cookie_name(state.mode())).and_then(|v| open(&state, &v))
    else {
        return see_other("/admin/login");
    };
    if expires <= now {
        return see_other("/admin/login");
    }
    let ctx = state.ctx();
    let live = match ctx.store.get_session(&session_id).await {
        Ok(session) => session.is_some_and(|s| s.is_live(now) && s.user_id == user_id),
        Err(err) => return crate::pages::server_error(&state, "reading the console's session failed", &err),
    };
    if !live {
        return see_other("/admin/login");
    }
    let user = match ctx.store.get_user(&user_id).await {
        Ok(Some(user)) => user,
        Ok(None) => return see_other("/admin/login"),
        Err(err) => return crate::pages::server_error(&state, "reading the console's admin failed", &err),
    };
    match console::is_admin(ctx, &user_id).await {
        Ok(true) => {}
        Ok(false) => return not_admin(&console, &user),
        Err(err) => return crate::pages::server_error(&state, "checking a console admin failed", &err),
    }
    let csrf = csrf::token(&headers, state.mode(), ctx.rng.as_ref());
    request.extensions_mut().insert(Admin {
        user,
        session_id: session_id.clone(),
        csrf: csrf.clone(),
        product: state.settings().branding.product_name.clone(),
    });
    let response = next.run(request).await;
    let response = csrf::attach(response, state.mode(), &csrf);
    session_cookie(&state, response, &user_id, &session_id)
}

fn not_admin(console: &Console, user: &User) -> Response {
    console.message(
        StatusCode::FORBIDDEN,
        "Not an administrator",
        &format!(
            "You are signed in as {}, who may not open the admin console. Ask an administrator to run `hallpass admins add` for you.",
            user.email
        ),
    )
}

/// `/admin/login`: starts the authorization request, keeping its state and
/// PKCE verifier in a short cookie for the return.
pub async fn login(state: PageState) -> Response {
    // Registered on first use, so a Hallpass nobody administers through the
    // console lists no client it did not ask for.
    let redirect = match RedirectUri::parse(&callback_uri(&state.policy().issuer), state.mode().uri_policy()) {
        Ok(uri) => uri,
        Err(err) => return crate::pages::server_error(&state, "the console's redirect URI is not valid", &err),
    };
    if let Err(err) = console::ensure_client(state.ctx(), redirect).await {
        return crate::pages::server_error(&state, "registering the console client failed", &err);
    }
    let rng = state.ctx().rng.as_ref();
    let (flow_state, verifier) = (random_token(rng), random_token(rng));
    let challenge = URL_SAFE_NO_PAD.encode(digest(&SHA256, verifier.as_bytes()));
    let issuer = &state.policy().issuer;
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("response_type", "code")
        .append_pair("client_id", console::CLIENT_ID)
        .append_pair("redirect_uri", &callback_uri(issuer))
        .append_pair("scope", "openid")
        .append_pair("state", &flow_state)
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256")
        .finish();
    let response = see_other(&format!("/oauth/authorize?{query}"));
    // Lax: the return from the authorization endpoint is a top-level GET.
    SetCookie::new(state.mode(), FLOW_COOKIE, &format!("{flow_state}.{verifier}"), FLOW_TTL)
        .path("/admin")
        .add_to(response)
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// `/admin/callback`: the code comes back; exchanged through the same core
/// grant as `/oauth/token`, its access token names the user and session.
pub async fn callback(
    state: PageState,
    State(console): State<std::sync::Arc<Console>>,
    headers: HeaderMap,
    Query(query): Query<CallbackQuery>,
) -> Response {
    let flow = cookies::read(&headers, FLOW_COOKIE).unwrap_or_default();
    let (expected_state, verifier) = flow.split_once('.').unwrap_or_default();
    let returned = query.state.unwrap_or_default();
    if expected_state.is_empty() || !constant_time_eq(expected_state.as_bytes(), returned.as_bytes()) {
        return console.message(
            StatusCode::BAD_REQUEST,
            "This sign-in has expired",
            "Open the console again to sign in.",
        );
    }
    let Some(code) = query.code.filter(|_| query.error.is_none()) else {
        return console.message(StatusCode::FORBIDDEN, "Sign-in refused", "The sign-in did not finish.");
    };
    let ctx = state.ctx();
    let client = match ctx.store.get_client(&console::client_id()).await {
        Ok(Some(client)) => client,
        Ok(None) => {
            return console.message(
                StatusCode::SERVICE_UNAVAILABLE,
                "The console is not set up",
                "Its client is missing; restart Hallpass to register it again.",
            )
        }
        Err(err) => return crate::pages::server_error(&state, "reading the console client failed", &err),
    };
    let keys = state.keys();
    let exchange = CodeExchange {
        code,
        redirect_uri: Some(callback_uri(&state.policy().issuer)),
        code_verifier: Some(verifier.to_owned()),
        resource: None,
    };
    let tokens = match code_grant::exchange(ctx, &keys, state.policy(), &client, exchange).await {
        Ok(tokens) => tokens,
        Err(err) => {
            tracing::warn!(error = ?err, "console sign-in code refused");
            return console.message(
                StatusCode::FORBIDDEN,
                "Sign-in refused",
                "Open the console again to sign in.",
            );
        }
    };
    let claims = match access_tokens::verify(ctx, &keys, state.policy(), &tokens.access_token).await {
        Ok(Some(claims)) => claims,
        Ok(None) => return console.message(StatusCode::FORBIDDEN, "Sign-in refused", "Open the console again."),
        Err(err) => return crate::pages::server_error(&state, "checking the console's token failed", &err),
    };
    let (Ok(user), Some(Ok(session))) = (UserId::parse(&claims.sub), claims.sid.as_deref().map(SessionId::parse))
    else {
        return console.message(StatusCode::FORBIDDEN, "Sign-in refused", "Open the console again.");
    };
    let response = see_other("/admin");
    let response = SetCookie::new(state.mode(), FLOW_COOKIE, "", 0)
        .path("/admin")
        .add_to(response);
    session_cookie(&state, response, &user, &session)
}

/// `POST /admin/logout`: forgets the console's session (the Hallpass session
/// stays; `/account` ends it).
pub async fn logout(state: PageState, form: crate::pages::SignInForm) -> Response {
    if !form.trusted() {
        return super::forbidden_form(&state);
    }
    let response = see_other("/account");
    SetCookie::new(state.mode(), cookie_name(state.mode()), "", 0)
        .strict()
        .add_to(response)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Query strings of console pages, for handlers that read a few fields.
pub type Params = Query<HashMap<String, String>>;
