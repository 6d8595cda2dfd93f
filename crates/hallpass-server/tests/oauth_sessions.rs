//! Introspection, userinfo, revocation and logout: what ending a session does
//! to every token bound to it, at once.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use hallpass_core::crypto::{jws, Algorithm};
use hallpass_proto::claims::{IdTokenClaims, BACKCHANNEL_LOGOUT_EVENT};
use serde_json::Value;
use std::collections::HashMap;
use support::app::{RegisteredClient, TestApp};
use support::{form_fields, http};
use url::Url;

const REDIRECT: &str = "http://localhost:3000/callback";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

struct SignedIn {
    app: TestApp,
    client: RegisteredClient,
    cookie: String,
    session_id: String,
    tokens: Value,
}

async fn signed_in(configure: impl FnOnce(&mut hallpass_core::services::clients::NewClient)) -> SignedIn {
    let app = TestApp::start().await;
    let client = app.client(configure).await;
    let user = app.user("lin@example.com").await;
    let (cookie_token, session) = app.sign_in(&user).await;
    let cookie = app.cookie(&cookie_token);
    let tokens = tokens_for(&app, &client, &cookie).await;
    SignedIn {
        app,
        client,
        cookie,
        session_id: session.id.to_string(),
        tokens,
    }
}

async fn tokens_for(app: &TestApp, client: &RegisteredClient, cookie: &str) -> Value {
    let url = Url::parse_with_params(
        &app.url("/oauth/authorize"),
        &[
            ("response_type", "code"),
            ("client_id", client.id.as_str()),
            ("redirect_uri", REDIRECT),
            ("scope", "openid profile email offline_access"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ],
    )
    .unwrap();
    let response = http().get(url).header("cookie", cookie).send().await.unwrap();
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let query: HashMap<String, String> = Url::parse(&location).unwrap().query_pairs().into_owned().collect();
    http()
        .post(app.url("/oauth/token"))
        .basic_auth(&client.id, client.secret.as_deref())
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &query["code"]),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn introspect(s: &SignedIn, client: &RegisteredClient, token: &str) -> Value {
    http()
        .post(s.app.url("/oauth/introspect"))
        .basic_auth(&client.id, client.secret.as_deref())
        .form(&[("token", token)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn access(s: &SignedIn) -> String {
    s.tokens["access_token"].as_str().unwrap().to_owned()
}

fn refresh(s: &SignedIn) -> String {
    s.tokens["refresh_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn introspection_reflects_the_end_of_the_session_at_once() {
    let s = signed_in(|_| {}).await;
    let at = introspect(&s, &s.client, &access(&s)).await;
    assert_eq!(at["active"], true);
    assert_eq!(at["sid"], s.session_id);
    assert_eq!(at["token_type"], "Bearer");
    let rt = introspect(&s, &s.client, &refresh(&s)).await;
    assert_eq!(rt["active"], true);
    assert_eq!(rt["token_type"], "refresh_token");

    let asked = http()
        .get(s.app.url("/oidc/logout"))
        .header("cookie", &s.cookie)
        .send()
        .await
        .unwrap();
    let logout = confirm(&s.app, &s.cookie, asked).await;
    assert_eq!(logout.status(), 200, "no redirect asked: the signed-out page");
    assert_eq!(
        introspect(&s, &s.client, &access(&s)).await,
        serde_json::json!({"active": false})
    );
    assert_eq!(
        introspect(&s, &s.client, &refresh(&s)).await,
        serde_json::json!({"active": false})
    );
}

#[tokio::test]
async fn introspection_needs_a_client_and_shows_only_its_own_tokens() {
    let s = signed_in(|_| {}).await;
    let response = http()
        .post(s.app.url("/oauth/introspect"))
        .form(&[("token", access(&s))])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let public = s
        .app
        .client(|c| c.kind = hallpass_core::store::ClientKind::Public)
        .await;
    let response = http()
        .post(s.app.url("/oauth/introspect"))
        .form(&[("token", access(&s)), ("client_id", public.id.clone())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401, "a public client cannot introspect");
    let stranger = s.app.client(|_| {}).await;
    assert_eq!(introspect(&s, &stranger, &access(&s)).await["active"], false);
    assert_eq!(introspect(&s, &stranger, &refresh(&s)).await["active"], false);
    let admin = s.app.client(|c| c.granted_scopes = vec!["hallpass:admin".into()]).await;
    assert_eq!(
        introspect(&s, &admin, &access(&s)).await["active"],
        true,
        "an admin client sees every token"
    );
    assert_eq!(introspect(&s, &s.client, "garbage").await["active"], false);
    let forged = {
        let mut parts: Vec<String> = access(&s).split('.').map(str::to_owned).collect();
        parts[2] = parts[2].chars().rev().collect();
        parts.join(".")
    };
    assert_eq!(introspect(&s, &s.client, &forged).await["active"], false);
}

#[tokio::test]
async fn userinfo_answers_bearer_tokens_and_challenges_the_rest() {
    let s = signed_in(|_| {}).await;
    let ok = http()
        .get(s.app.url("/oauth/userinfo"))
        .bearer_auth(access(&s))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let info: Value = ok.json().await.unwrap();
    assert_eq!(info["email"], "lin@example.com");
    assert_eq!(info["name"], "Ada Lovelace");
    let by_form = http()
        .post(s.app.url("/oauth/userinfo"))
        .form(&[("access_token", access(&s))])
        .send()
        .await
        .unwrap();
    assert_eq!(by_form.status(), 200);

    let missing = http().get(s.app.url("/oauth/userinfo")).send().await.unwrap();
    assert_eq!(missing.status(), 401);
    assert_eq!(missing.headers()["www-authenticate"], "Bearer realm=\"hallpass\"");
    let bad = http()
        .get(s.app.url("/oauth/userinfo"))
        .bearer_auth("not.a.token")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 401);
    assert!(bad.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .contains("invalid_token"));
    let id_token = s.tokens["id_token"].as_str().unwrap();
    let wrong_type = http()
        .get(s.app.url("/oauth/userinfo"))
        .bearer_auth(id_token)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_type.status(), 401, "an ID token is not an access token");
}

#[tokio::test]
async fn revocation_ends_the_family_and_refuses_access_tokens() {
    let s = signed_in(|_| {}).await;
    let revoke = |token: String, client: &RegisteredClient| {
        http()
            .post(s.app.url("/oauth/revoke"))
            .basic_auth(&client.id, client.secret.as_deref())
            .form(&[("token", token)])
            .send()
    };
    let stranger = s.app.client(|_| {}).await;
    assert_eq!(
        revoke(refresh(&s), &stranger).await.unwrap().status(),
        200,
        "answers like an unknown token"
    );
    assert_eq!(
        introspect(&s, &s.client, &refresh(&s)).await["active"],
        true,
        "but another client cannot revoke it"
    );
    assert_eq!(revoke(refresh(&s), &s.client).await.unwrap().status(), 200);
    assert_eq!(introspect(&s, &s.client, &refresh(&s)).await["active"], false);
    assert_eq!(revoke("unknown".into(), &s.client).await.unwrap().status(), 200);
    let response = revoke(access(&s), &s.client).await.unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(
        response.json::<Value>().await.unwrap()["error"],
        "unsupported_token_type"
    );
}

#[tokio::test]
async fn logout_refuses_unregistered_redirects_and_changes_nothing() {
    let s = signed_in(|_| {}).await;
    let id_token = s.tokens["id_token"].as_str().unwrap().to_owned();
    let cases = vec![
        vec![
            ("id_token_hint", id_token.as_str()),
            ("post_logout_redirect_uri", "https://evil.example.com/"),
        ],
        vec![("post_logout_redirect_uri", "http://localhost:3000/")],
        vec![("id_token_hint", "forged.token.here")],
        vec![
            ("id_token_hint", id_token.as_str()),
            ("client_id", "cli_01arz3ndektsv4rrffq69g5fav"),
        ],
        vec![("client_id", "cli_01arz3ndektsv4rrffq69g5fav")],
        vec![("state", "a"), ("state", "b")],
    ];
    for params in cases {
        let url = Url::parse_with_params(&s.app.url("/oidc/logout"), &params).unwrap();
        let response = http().get(url).header("cookie", &s.cookie).send().await.unwrap();
        assert_eq!(response.status(), 400, "{params:?}");
        assert!(response.headers().get("location").is_none());
        assert_eq!(
            introspect(&s, &s.client, &refresh(&s)).await["active"],
            true,
            "the session lives on after {params:?}"
        );
    }
}

fn logout_url(s: &SignedIn, params: &[(&str, &str)]) -> Url {
    Url::parse_with_params(&s.app.url("/oidc/logout"), params).unwrap()
}

fn id_token(s: &SignedIn) -> String {
    s.tokens["id_token"].as_str().unwrap().to_owned()
}

/// Answers `/oidc/logout`'s confirmation page as its user would: posts the
/// page's form back with the browser's session and CSRF cookies.
async fn confirm(app: &TestApp, cookie: &str, asked: reqwest::Response) -> reqwest::Response {
    assert_eq!(asked.status(), 200);
    let csrf = asked.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let html = asked.text().await.unwrap();
    assert!(html.contains("Sign out?"), "{html}");
    assert!(html.contains("<strong>"), "the page names the account signed in here");
    http()
        .post(app.url("/oidc/logout"))
        .header("cookie", format!("{cookie}; {csrf}"))
        .form(&form_fields(&html))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn logout_with_client_id_and_an_expired_hint_of_this_browser_ends_at_once() {
    let s = signed_in(|_| {}).await;
    let id_token = id_token(&s);
    s.app.advance(std::time::Duration::from_secs(2 * 3600)); // the ID token has expired
    let url = logout_url(
        &s,
        &[
            ("id_token_hint", id_token.as_str()),
            ("client_id", s.client.id.as_str()),
            ("post_logout_redirect_uri", "http://localhost:3000/"),
            ("state", "s1"),
        ],
    );
    let response = http()
        .get(url.clone())
        .header("cookie", &s.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    assert_eq!(response.headers()["location"], "http://localhost:3000/?state=s1");
    assert_eq!(introspect(&s, &s.client, &refresh(&s)).await["active"], false);
    let again = http().get(url).header("cookie", &s.cookie).send().await.unwrap();
    assert_eq!(again.status(), 200, "the one-time URL now shows the signed-out page");
}

#[tokio::test]
async fn a_hint_without_the_browsers_cookie_ends_nothing() {
    let s = signed_in(|_| {}).await;
    let id_token = id_token(&s);
    let url = logout_url(
        &s,
        &[
            ("id_token_hint", id_token.as_str()),
            ("post_logout_redirect_uri", "http://localhost:3000/"),
        ],
    );
    let response = http().get(url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("location").is_none());
    assert_eq!(
        introspect(&s, &s.client, &refresh(&s)).await["active"],
        true,
        "a session only a link names lives on"
    );
}

#[tokio::test]
async fn client_id_alone_asks_and_ends_the_session_only_once_confirmed() {
    let s = signed_in(|_| {}).await;
    let url = logout_url(
        &s,
        &[
            ("client_id", s.client.id.as_str()),
            ("post_logout_redirect_uri", "http://localhost:3000/"),
            ("state", "s2"),
        ],
    );
    let asked = http().get(url).header("cookie", &s.cookie).send().await.unwrap();
    assert_eq!(asked.status(), 200);
    assert!(asked.headers().get("location").is_none());
    assert_eq!(
        introspect(&s, &s.client, &refresh(&s)).await["active"],
        true,
        "asked, not ended"
    );

    // The confirmation form forged from another site: no CSRF cookie.
    let fields = [
        ("confirm", "yes"),
        ("csrf", "x".repeat(43).as_str()),
        ("client_id", s.client.id.as_str()),
    ]
    .map(|(k, v)| (k.to_owned(), v.to_owned()));
    let forged = http()
        .post(s.app.url("/oidc/logout"))
        .header("cookie", &s.cookie)
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    assert_eq!(introspect(&s, &s.client, &refresh(&s)).await["active"], true);

    let confirmed = confirm(&s.app, &s.cookie, asked).await;
    assert_eq!(confirmed.status(), 302);
    assert_eq!(confirmed.headers()["location"], "http://localhost:3000/?state=s2");
    assert_eq!(introspect(&s, &s.client, &refresh(&s)).await["active"], false);
}

#[tokio::test]
async fn a_hint_for_another_user_asks_and_never_ends_the_hinted_session() {
    let s = signed_in(|_| {}).await;
    let hinted = id_token(&s);
    let other = s.app.user("mo@example.com").await;
    let (other_token, other_session) = s.app.sign_in(&other).await;
    let other_cookie = s.app.cookie(&other_token);
    let url = logout_url(&s, &[("id_token_hint", hinted.as_str())]);
    let asked = http().get(url).header("cookie", &other_cookie).send().await.unwrap();
    assert_eq!(introspect(&s, &s.client, &refresh(&s)).await["active"], true);
    let confirmed = confirm(&s.app, &other_cookie, asked).await;
    assert_eq!(confirmed.status(), 200);
    assert!(confirmed.text().await.unwrap().contains("signed out"));
    assert_eq!(
        introspect(&s, &s.client, &refresh(&s)).await["active"],
        true,
        "the hinted session of the other user lives on"
    );
    let ended = s.app.session(&other_session.id).await;
    assert!(ended.ended_at.is_some(), "the browser's own session ended");
}

/// The browser's own ID token, its claims adjusted and signed again with the server's key.
fn resigned_id_token(s: &SignedIn, adjust: impl FnOnce(&mut IdTokenClaims)) -> String {
    let token = id_token(s);
    let parsed = jws::parse(&token).unwrap();
    let mut claims: IdTokenClaims = parsed.verify(s.app.state.keys().verifiers(), None).unwrap();
    adjust(&mut claims);
    let key = s.app.state.keys().signer(Algorithm::Es256).unwrap();
    jws::sign(&key, "JWT", &claims).unwrap()
}

#[tokio::test]
async fn a_hint_from_another_issuer_is_refused_even_with_our_signature() {
    let s = signed_in(|_| {}).await;
    let foreign = resigned_id_token(&s, |c| c.iss = "https://other.example.com".into());
    let url = logout_url(&s, &[("id_token_hint", foreign.as_str())]);
    let response = http().get(url).header("cookie", &s.cookie).send().await.unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.text().await.unwrap().contains("not an ID token issued here"));
    assert_eq!(introspect(&s, &s.client, &refresh(&s)).await["active"], true);
}

#[tokio::test]
async fn a_hint_for_another_session_of_the_same_user_asks_first() {
    let s = signed_in(|_| {}).await;
    let elsewhere = resigned_id_token(&s, |c| c.sid = "ses_01arz3ndektsv4rrffq69g5fav".into());
    let url = logout_url(
        &s,
        &[
            ("id_token_hint", elsewhere.as_str()),
            ("post_logout_redirect_uri", "http://localhost:3000/"),
        ],
    );
    let asked = http().get(url).header("cookie", &s.cookie).send().await.unwrap();
    assert_eq!(asked.status(), 200, "asked, not redirected");
    assert!(asked.text().await.unwrap().contains("Sign out?"));
    assert_eq!(introspect(&s, &s.client, &refresh(&s)).await["active"], true);
}

#[tokio::test]
async fn logout_tells_every_client_of_the_session_on_the_back_channel() {
    let s = signed_in(|c| c.backchannel_logout_uri = Some("http://localhost:3000/backchannel".into())).await;
    let silent = s.app.client(|_| {}).await;
    let other = s
        .app
        .client(|c| c.backchannel_logout_uri = Some("http://localhost:4000/bc".into()))
        .await;
    tokens_for(&s.app, &silent, &s.cookie).await;
    tokens_for(&s.app, &other, &s.cookie).await;

    let asked = http()
        .post(s.app.url("/oidc/logout"))
        .header("cookie", &s.cookie)
        .form(&[("client_id", s.client.id.as_str())])
        .send()
        .await
        .unwrap();
    let response = confirm(&s.app, &s.cookie, asked).await;
    assert_eq!(response.status(), 200);
    let sent = s.app.logout_tokens_sent(2).await;
    let mut uris: Vec<&str> = sent.iter().map(|n| n.uri.as_str()).collect();
    uris.sort();
    assert_eq!(
        uris,
        vec!["http://localhost:3000/backchannel", "http://localhost:4000/bc"],
        "only clients with a back-channel URI"
    );
    let jwks: hallpass_proto::JwkSet = http()
        .get(s.app.url("/.well-known/jwks.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for notice in &sent {
        let parsed = hallpass_core::crypto::jws::parse(&notice.logout_token).unwrap();
        assert_eq!(parsed.header.typ.as_deref(), Some("logout+jwt"));
        let claims: Value = parsed
            .verify(
                &hallpass_core::crypto::jws::VerifyingKeys::new(&jwks.keys),
                Some("logout+jwt"),
            )
            .unwrap();
        assert_eq!(claims["sid"], s.session_id);
        assert_eq!(claims["aud"], notice.client_id);
        assert!(claims["events"][BACKCHANNEL_LOGOUT_EVENT].is_object());
        assert!(claims.get("nonce").is_none(), "a logout token must not carry a nonce");
    }
}
