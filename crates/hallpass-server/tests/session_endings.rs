//! Every way a session ends tells the apps that got tokens in it, on the
//! back channel, to a real receiver: logout, password reset and change,
//! refresh-token reuse, user deletion (API and CLI), admin revocation and the
//! account page. (An organization's session limits end no session: a session
//! spans organizations, and the limits make one organization ask for a new
//! sign-in while the others go on; see `services/session_policy.rs`.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use hallpass_core::store::{Session, User};
use serde_json::Value;
use std::collections::HashMap;
use std::time::Duration;
use support::app::{RegisteredClient, TestApp};
use support::receiver::Receiver;
use support::{hidden, http};
use url::Url;

const REDIRECT: &str = "http://localhost:3000/callback";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const PASSWORD: &str = "first pass phrase";

/// Ada, signed in, with an app that got tokens in her session and listens
/// on the back channel.
struct World {
    app: TestApp,
    receiver: Receiver,
    client: RegisteredClient,
    user: User,
    cookie: String,
    session: Session,
    tokens: Value,
}

async fn world() -> World {
    let receiver = Receiver::start().await;
    let app = TestApp::start_posting_logouts().await;
    let client = app
        .client(|c| c.backchannel_logout_uri = Some(receiver.uri.clone()))
        .await;
    let user = app.user_with_password("ada@example.com", PASSWORD).await;
    let (token, session) = app.sign_in(&user).await;
    let cookie = app.cookie(&token);
    let tokens = tokens_for(&app, &client, &cookie, None).await;
    World {
        app,
        receiver,
        client,
        user,
        cookie,
        session,
        tokens,
    }
}

async fn tokens_for(app: &TestApp, client: &RegisteredClient, cookie: &str, org: Option<&str>) -> Value {
    let mut params = vec![
        ("response_type", "code"),
        ("client_id", client.id.as_str()),
        ("redirect_uri", REDIRECT),
        ("scope", "openid email offline_access"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ];
    if let Some(org) = org {
        params.push(("organization_id", org));
    }
    let url = Url::parse_with_params(&app.url("/oauth/authorize"), &params).unwrap();
    let response = http().get(url).header("cookie", cookie).send().await.unwrap();
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let query: HashMap<String, String> = Url::parse(&location).unwrap().query_pairs().into_owned().collect();
    let code = query.get("code").unwrap_or_else(|| panic!("no code: {location}"));
    refresh_or_exchange(
        app,
        client,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ],
    )
    .await
    .1
}

async fn refresh_or_exchange(app: &TestApp, client: &RegisteredClient, form: &[(&str, &str)]) -> (u16, Value) {
    let response = http()
        .post(app.url("/oauth/token"))
        .basic_auth(&client.id, client.secret.as_deref())
        .form(form)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

impl World {
    /// Waits for the app to hear that `session` ended, and checks the token.
    async fn app_hears_of(&self, session: &Session) {
        let claims = self.receiver.next_claims().await;
        assert_eq!(claims["sid"], session.id.as_str(), "{claims}");
        assert_eq!(claims["sub"], self.user.id.as_str());
        assert_eq!(claims["aud"], self.client.id.as_str());
        assert_eq!(claims["iss"], self.app.base.as_str());
        assert!(claims["events"]["http://schemas.openid.net/event/backchannel-logout"].is_object());
        // Ended, or gone with its deleted user.
        let row = self.app.state.ctx().store.get_session(&session.id).await.unwrap();
        assert!(row.is_none_or(|s| s.ended_at.is_some()), "the session really ended");
    }

    async fn admin_token(&self) -> String {
        let admin = self
            .app
            .client(|c| {
                c.redirect_uris = vec![];
                c.granted_scopes = vec!["hallpass:admin".into()];
            })
            .await;
        let (_, body) = refresh_or_exchange(
            &self.app,
            &admin,
            &[("grant_type", "client_credentials"), ("scope", "hallpass:admin")],
        )
        .await;
        body["access_token"].as_str().unwrap().to_owned()
    }

    async fn api(&self, method: &str, path: &str, body: Option<Value>) -> u16 {
        let mut request = http()
            .request(method.parse().unwrap(), self.app.url(&format!("/api/v1{path}")))
            .bearer_auth(self.admin_token().await);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap().status().as_u16()
    }
}

/// Posts a hosted-page form as the browser holding `cookie`: the CSRF token
/// is read from `page` first, and rides as a cookie and a field.
async fn post_form(w: &World, cookie: &str, page: &str, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    let html = http()
        .get(w.app.url(page))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = hidden(&html, "csrf");
    let mut fields = vec![("csrf", csrf.as_str())];
    fields.extend_from_slice(form);
    http()
        .post(w.app.url(path))
        .header("cookie", format!("{cookie}; hallpass_csrf={csrf}"))
        .form(&fields)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn logout_tells_the_apps() {
    let w = world().await;
    let hint = w.tokens["id_token"].as_str().unwrap();
    let url = Url::parse_with_params(&w.app.url("/oidc/logout"), &[("id_token_hint", hint)]).unwrap();
    let response = http().get(url).header("cookie", &w.cookie).send().await.unwrap();
    assert!(response.status().is_success() || response.status().is_redirection());
    w.app_hears_of(&w.session).await;
}

#[tokio::test]
async fn a_password_reset_tells_the_apps() {
    let w = world().await;
    post_form(
        &w,
        &w.cookie,
        "/password/forgot",
        "/password/forgot",
        &[("email", "ada@example.com")],
    )
    .await;
    let mail = w.app.mails().await.remove(0);
    let start = mail.text.find("/password/reset?token=").unwrap();
    let path = mail.text[start..].split_whitespace().next().unwrap().to_owned();
    let token = path.trim_start_matches("/password/reset?token=").to_owned();
    let done = post_form(
        &w,
        &w.cookie,
        &path,
        "/password/reset",
        &[("token", &token), ("password", "brand new pass phrase")],
    )
    .await;
    assert_eq!(done.status(), 303);
    w.app_hears_of(&w.session).await;
}

#[tokio::test]
async fn a_password_change_tells_the_apps_of_the_other_sessions() {
    let w = world().await;
    // The change is made from a second device; the first session ends.
    let (laptop_token, laptop) = w.app.sign_in(&w.user).await;
    let laptop_cookie = w.app.cookie(&laptop_token);
    let changed = post_form(
        &w,
        &laptop_cookie,
        "/account",
        "/account/password",
        &[("current_password", PASSWORD), ("new_password", "second pass phrase")],
    )
    .await;
    assert_eq!(changed.status(), 200);
    w.app_hears_of(&w.session).await;
    let kept = w.app.state.ctx().store.get_session(&laptop.id).await.unwrap().unwrap();
    assert_eq!(kept.ended_at, None, "the device that changed it stays signed in");
}

#[tokio::test]
async fn refresh_token_reuse_tells_the_apps() {
    let w = world().await;
    let first = w.tokens["refresh_token"].as_str().unwrap();
    let (status, _) = refresh_or_exchange(
        &w.app,
        &w.client,
        &[("grant_type", "refresh_token"), ("refresh_token", first)],
    )
    .await;
    assert_eq!(status, 200);
    w.app.advance(Duration::from_secs(60));
    let (status, body) = refresh_or_exchange(
        &w.app,
        &w.client,
        &[("grant_type", "refresh_token"), ("refresh_token", first)],
    )
    .await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
    w.app_hears_of(&w.session).await;
}

#[tokio::test]
async fn deleting_the_user_through_the_api_tells_the_apps() {
    let w = world().await;
    let (_, second) = w.app.sign_in(&w.user).await;
    assert_eq!(w.api("DELETE", &format!("/users/{}", w.user.id), None).await, 204);
    // Only the session the app got tokens in has an app to tell.
    w.app_hears_of(&w.session).await;
    assert!(
        w.receiver.is_drained().await,
        "one notice, for the one session with an app"
    );
    let second = w.app.state.ctx().store.get_session(&second.id).await.unwrap();
    assert!(second.is_none_or(|s| s.ended_at.is_some()));
}

#[tokio::test]
async fn deleting_the_user_from_the_cli_tells_the_apps() {
    let w = world().await;
    let data_dir = w.app.data_dir();
    let done = support::run_json_with(
        &data_dir,
        &[("HALLPASS_ISSUER", w.app.base.as_str())],
        &[
            "--data-dir",
            data_dir.to_str().unwrap(),
            "users",
            "delete",
            w.user.id.as_str(),
            "--json",
        ],
        "",
    )
    .await;
    assert_eq!(done["sessions_ended"], 1);
    w.app_hears_of(&w.session).await;
}

#[tokio::test]
async fn an_admin_revoking_a_session_tells_the_apps() {
    let w = world().await;
    assert_eq!(w.api("DELETE", &format!("/sessions/{}", w.session.id), None).await, 204);
    w.app_hears_of(&w.session).await;
}

#[tokio::test]
async fn an_admin_revoking_all_of_a_users_sessions_tells_the_apps() {
    let w = world().await;
    assert_eq!(
        w.api("DELETE", &format!("/users/{}/sessions", w.user.id), None).await,
        204
    );
    w.app_hears_of(&w.session).await;
}

#[tokio::test]
async fn signing_out_a_device_from_the_account_page_tells_the_apps() {
    let w = world().await;
    let (other_token, _) = w.app.sign_in(&w.user).await;
    let other_cookie = w.app.cookie(&other_token);
    let path = format!("/account/sessions/{}/revoke", w.session.id);
    let response = post_form(&w, &other_cookie, "/account", &path, &[]).await;
    assert_eq!(response.status(), 200);
    w.app_hears_of(&w.session).await;
}
