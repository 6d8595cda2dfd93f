//! Every rule of the authorization and token endpoints, one test per branch,
//! with raw HTTP so nothing is smoothed over by a client library.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::Duration;
use support::app::{RegisteredClient, TestApp};
use support::http;
use url::Url;

const REDIRECT: &str = "http://localhost:3000/callback";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

struct Fixture {
    app: TestApp,
    client: RegisteredClient,
    cookie: String,
}

async fn fixture() -> Fixture {
    let app = TestApp::start().await;
    let client = app.client(|_| {}).await;
    let user = app.user("grace@example.com").await;
    let (token, _) = app.sign_in(&user).await;
    let cookie = app.cookie(&token);
    Fixture { app, client, cookie }
}

fn authorize_params<'a>(f: &'a Fixture, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut params = vec![
        ("response_type", "code"),
        ("client_id", f.client.id.as_str()),
        ("redirect_uri", REDIRECT),
        ("scope", "openid email offline_access"),
        ("state", "st-1"),
        ("nonce", "n-1"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ];
    for (k, v) in extra {
        params.retain(|(name, _)| name != k);
        if !v.is_empty() {
            params.push((k, v));
        }
    }
    params
}

async fn authorize(f: &Fixture, params: &[(&str, &str)], cookie: Option<&str>) -> reqwest::Response {
    let url = Url::parse_with_params(&f.app.url("/oauth/authorize"), params).unwrap();
    let mut request = http().get(url);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.unwrap()
}

fn location(response: &reqwest::Response) -> (String, HashMap<String, String>) {
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let url = Url::parse(&location).unwrap_or_else(|_| Url::parse(&format!("http://x{location}")).unwrap());
    let query = url.query_pairs().into_owned().collect();
    (location, query)
}

async fn code(f: &Fixture) -> String {
    let response = authorize(f, &authorize_params(f, &[]), Some(&f.cookie)).await;
    assert_eq!(response.status(), 302);
    location(&response).1["code"].clone()
}

async fn token(f: &Fixture, form: &[(&str, &str)]) -> (u16, Value, reqwest::header::HeaderMap) {
    let response = http()
        .post(f.app.url("/oauth/token"))
        .basic_auth(&f.client.id, f.client.secret.as_deref())
        .form(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, response.json().await.unwrap_or(Value::Null), headers)
}

async fn exchange(f: &Fixture, code: &str) -> (u16, Value) {
    let (status, body, _) = token(
        f,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    (status, body)
}

fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

fn header(jwt: &str) -> Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(jwt.split('.').next().unwrap()).unwrap()).unwrap()
}

#[tokio::test]
async fn tokens_carry_the_documented_claims() {
    let f = fixture().await;
    let signed_in_at = hallpass_core::clock::Clock::now(f.app.clock.as_ref()).0;
    f.app.advance(Duration::from_secs(60)); // so auth_time differs from iat
    let now = signed_in_at + 60;
    let code = code(&f).await;
    let (status, body) = exchange(&f, &code).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 300);
    let access = body["access_token"].as_str().unwrap();
    assert_eq!(header(access)["typ"], "at+jwt");
    assert_eq!(header(access)["alg"], "ES256");
    let at = claims(access);
    let client = f.client.id.as_str();
    for (field, expected) in [
        ("iss", json!(f.app.base)),
        ("aud", json!(client)),
        ("client_id", json!(client)),
        ("iat", json!(now)),
        ("nbf", json!(now)),
        ("exp", json!(now + 300)),
        ("auth_time", json!(signed_in_at)),
        ("scope", json!("openid email offline_access")),
        ("roles", json!([])),
        ("permissions", json!([])),
    ] {
        assert_eq!(at[field], expected, "access token's {field}: {at}");
    }
    assert!(at["sub"].as_str().unwrap().starts_with("usr_"));
    assert!(at["sid"].as_str().unwrap().starts_with("ses_"));
    assert!(!at["jti"].as_str().unwrap().is_empty());
    let id = claims(body["id_token"].as_str().unwrap());
    let at_hash = hallpass_core::crypto::jws::at_hash(hallpass_core::crypto::Algorithm::Es256, access);
    for (field, expected) in [
        ("iss", json!(f.app.base)),
        ("sub", at["sub"].clone()),
        ("aud", json!(client)),
        ("azp", json!(client)),
        ("iat", json!(now)),
        ("auth_time", json!(signed_in_at)),
        ("nonce", json!("n-1")),
        ("sid", at["sid"].clone()),
        ("amr", json!(["pwd"])),
        ("email", json!("grace@example.com")),
        ("email_verified", json!(true)),
        ("at_hash", json!(at_hash)),
    ] {
        assert_eq!(id[field], expected, "ID token's {field}: {id}");
    }
    assert!(id["exp"].as_i64().unwrap() > now);
    assert!(body["refresh_token"].as_str().unwrap().starts_with("hpr_"));
}

#[tokio::test]
async fn token_responses_are_never_cached() {
    let f = fixture().await;
    let code = code(&f).await;
    let (_, _, headers) = token(
        &f,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(headers["cache-control"], "no-store");
    let (_, _, headers) = token(&f, &[("grant_type", "authorization_code"), ("code", "nope")]).await;
    assert_eq!(headers["cache-control"], "no-store");
}

#[tokio::test]
async fn without_offline_access_there_is_no_refresh_token() {
    let f = fixture().await;
    let response = authorize(&f, &authorize_params(&f, &[("scope", "openid")]), Some(&f.cookie)).await;
    let code = location(&response).1["code"].clone();
    let (_, body) = exchange(&f, &code).await;
    assert!(body["refresh_token"].is_null(), "{body}");
    assert!(
        claims(body["id_token"].as_str().unwrap())["email"].is_null(),
        "no email claim without the email scope"
    );
}

#[tokio::test]
async fn unknown_client_or_unregistered_redirect_never_redirects() {
    let f = fixture().await;
    let cases = [
        vec![("redirect_uri", "http://localhost:3000/evil")],
        vec![("redirect_uri", "http://localhost:3000/callback/")],
        vec![("client_id", "cli_01arz3ndektsv4rrffq69g5fav")],
        vec![("client_id", "not-an-id")],
        vec![("redirect_uri", "")],
        vec![("client_id", "")],
    ];
    for extra in cases {
        let response = authorize(&f, &authorize_params(&f, &extra), Some(&f.cookie)).await;
        assert_eq!(response.status(), 400, "{extra:?}");
        assert!(
            response.headers().get("location").is_none(),
            "no redirect for {extra:?}"
        );
        assert!(response.text().await.unwrap().contains("not valid"));
    }
}

#[tokio::test]
async fn authorize_errors_go_back_with_state_and_iss() {
    let f = fixture().await;
    let long_nonce = "n".repeat(513);
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![("response_type", "token")], "unsupported_response_type"),
        (vec![("response_type", "")], "invalid_request"),
        (vec![("scope", "openid admin")], "invalid_scope"),
        (vec![("scope", "")], "invalid_scope"),
        (
            vec![("code_challenge", ""), ("code_challenge_method", "")],
            "invalid_request",
        ),
        (vec![("code_challenge_method", "plain")], "invalid_request"),
        (vec![("code_challenge_method", "")], "invalid_request"),
        (vec![("code_challenge", "short")], "invalid_request"),
        (vec![("prompt", "consent")], "invalid_request"),
        (vec![("prompt", "none login")], "invalid_request"),
        (vec![("max_age", "soon")], "invalid_request"),
        (vec![("organization_id", "acme")], "invalid_request"),
        (vec![("request", "eyJ...")], "invalid_request"),
        (vec![("request_uri", "urn:example:request")], "invalid_request"),
        (vec![("code_challenge", "")], "invalid_request"),
        (vec![("nonce", long_nonce.as_str())], "invalid_request"),
        (
            vec![("organization_id", "org_01arz3ndektsv4rrffq69g5fav")],
            "invalid_request",
        ),
        (vec![("response_mode", "fragment")], "invalid_request"),
    ];
    for (extra, error) in cases {
        let response = authorize(&f, &authorize_params(&f, &extra), Some(&f.cookie)).await;
        assert_eq!(response.status(), 302, "{extra:?}");
        let (location, query) = location(&response);
        assert!(location.starts_with(REDIRECT), "{location}");
        assert_eq!(query["error"], error, "{extra:?}: {query:?}");
        assert!(!query["error_description"].is_empty());
        assert_eq!(query["state"], "st-1");
        assert_eq!(query["iss"], f.app.base);
        assert!(!query.contains_key("code"));
    }
}

#[tokio::test]
async fn an_over_long_state_is_refused() {
    let f = fixture().await;
    let long = "s".repeat(2049);
    let response = authorize(&f, &authorize_params(&f, &[("state", &long)]), Some(&f.cookie)).await;
    let (_, query) = location(&response);
    assert_eq!(query["error"], "invalid_request", "{query:?}");
    assert!(!query.contains_key("code"));
    let longest = "s".repeat(2048);
    let response = authorize(&f, &authorize_params(&f, &[("state", &longest)]), Some(&f.cookie)).await;
    assert!(
        location(&response).1.contains_key("code"),
        "2048 characters are allowed"
    );
}

#[tokio::test]
async fn duplicated_parameters_are_refused() {
    let f = fixture().await;
    let mut params = authorize_params(&f, &[]);
    params.push(("scope", "openid"));
    let response = authorize(&f, &params, Some(&f.cookie)).await;
    let (_, query) = location(&response);
    assert_eq!(query["error"], "invalid_request");
    assert!(query["error_description"].contains("scope"));

    let mut params = authorize_params(&f, &[]);
    params.push(("redirect_uri", REDIRECT));
    let response = authorize(&f, &params, Some(&f.cookie)).await;
    assert_eq!(
        response.status(),
        400,
        "a repeated redirect_uri is not trusted enough to redirect to"
    );

    let code = code(&f).await;
    let (status, body, _) = token(
        &f,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("code", &code),
            ("redirect_uri", REDIRECT),
        ],
    )
    .await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_request")));
}

#[tokio::test]
async fn no_session_sends_the_user_to_sign_in_and_prompt_none_says_login_required() {
    let f = fixture().await;
    let response = authorize(&f, &authorize_params(&f, &[]), None).await;
    assert_eq!(response.status(), 302);
    let (to, query) = location(&response);
    assert!(to.starts_with("/login?"), "{to}");
    assert!(query["return_to"].starts_with("/oauth/authorize?"));

    let response = authorize(&f, &authorize_params(&f, &[("prompt", "create")]), Some(&f.cookie)).await;
    assert!(location_of(&response).starts_with("/signup?"));

    let response = authorize(&f, &authorize_params(&f, &[("prompt", "none")]), None).await;
    let (_, query) = location(&response);
    assert_eq!(query["error"], "login_required");

    let response = authorize(&f, &authorize_params(&f, &[("prompt", "none")]), Some(&f.cookie)).await;
    assert!(
        location(&response).1.contains_key("code"),
        "prompt=none with a session issues a code"
    );

    let response = authorize(&f, &authorize_params(&f, &[("prompt", "login")]), Some(&f.cookie)).await;
    let (to, query) = location(&response);
    assert!(to.starts_with("/login?"), "prompt=login re-authenticates");
    assert!(!query["return_to"].contains("prompt=login"), "and does not loop");

    f.app.advance(Duration::from_secs(120));
    let response = authorize(
        &f,
        &authorize_params(&f, &[("max_age", "60"), ("prompt", "none")]),
        Some(&f.cookie),
    )
    .await;
    assert_eq!(
        location(&response).1["error"],
        "login_required",
        "a sign-in older than max_age"
    );
}

fn location_of(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn pkce_mismatch_and_missing_verifier_are_invalid_grant() {
    let f = fixture().await;
    let code1 = code(&f).await;
    let (status, body, _) = token(
        &f,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code1),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &"x".repeat(43)),
        ],
    )
    .await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
    let code2 = code(&f).await;
    let (status, body, _) = token(
        &f,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code2),
            ("redirect_uri", REDIRECT),
        ],
    )
    .await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
    let code3 = code(&f).await;
    let (_, body, _) = token(
        &f,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code3),
            ("redirect_uri", REDIRECT),
            ("code_verifier", "short"),
        ],
    )
    .await;
    assert_eq!(body["error"], "invalid_request");
}

#[tokio::test]
async fn pkce_can_be_optional_for_confidential_clients_only_by_config() {
    let app = TestApp::start_with(|c| c.oauth.require_pkce = false).await;
    let client = app.client(|_| {}).await;
    let public = app.client(|c| c.kind = hallpass_core::store::ClientKind::Public).await;
    let user = app.user("x@example.com").await;
    let (session_token, _) = app.sign_in(&user).await;
    let f = Fixture {
        app,
        client,
        cookie: String::new(),
    };
    let cookie = f.app.cookie(&session_token);
    let params = authorize_params(&f, &[("code_challenge", ""), ("code_challenge_method", "")]);
    let response = authorize(&f, &params, Some(&cookie)).await;
    let code = location(&response).1["code"].clone();
    let (status, body, _) = token(
        &f,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    // A verifier without a challenge is a downgrade attempt (RFC 9700).
    let response = authorize(&f, &params, Some(&cookie)).await;
    let code = location(&response).1["code"].clone();
    let (_, body) = exchange(&f, &code).await;
    assert_eq!(body["error"], "invalid_grant");
    // Public clients need PKCE whatever the config says.
    let mut public_params = params.clone();
    for p in public_params.iter_mut() {
        if p.0 == "client_id" {
            p.1 = public.id.as_str();
        }
    }
    let response = authorize(&f, &public_params, Some(&cookie)).await;
    assert_eq!(location(&response).1["error"], "invalid_request");
}

#[tokio::test]
async fn a_replayed_code_fails_and_revokes_what_it_issued() {
    let f = fixture().await;
    let code = code(&f).await;
    let (status, first) = exchange(&f, &code).await;
    assert_eq!(status, 200);
    let (status, replay) = exchange(&f, &code).await;
    assert_eq!((status, replay["error"].as_str()), (400, Some("invalid_grant")));
    let refresh = first["refresh_token"].as_str().unwrap();
    let (_, body, _) = token(&f, &[("grant_type", "refresh_token"), ("refresh_token", refresh)]).await;
    assert_eq!(
        body["error"], "invalid_grant",
        "the refresh token issued from a replayed code is revoked"
    );
}

#[tokio::test]
async fn an_expired_code_is_invalid_grant() {
    let f = fixture().await;
    let code = code(&f).await;
    f.app.advance(Duration::from_secs(61));
    let (status, body) = exchange(&f, &code).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
    assert!(body["error_description"].as_str().unwrap().contains("expired"));
}

#[tokio::test]
async fn a_code_is_bound_to_its_client_and_redirect_uri() {
    let f = fixture().await;
    let code1 = code(&f).await;
    let (_, body, _) = token(
        &f,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code1),
            ("redirect_uri", "http://localhost:3000/other"),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(body["error"], "invalid_grant");
    let other = f.app.client(|_| {}).await;
    let code2 = code(&f).await;
    let response = http()
        .post(f.app.url("/oauth/token"))
        .basic_auth(&other.id, other.secret.as_deref())
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code2.as_str()),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.json::<Value>().await.unwrap()["error"], "invalid_grant");
}

#[tokio::test]
async fn a_code_exchange_needs_the_redirect_uri() {
    let f = fixture().await;
    let code = code(&f).await;
    let (status, body, _) = token(
        &f,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
    assert!(body.get("access_token").is_none());
}

#[tokio::test]
async fn a_code_is_refused_once_its_session_ended_or_its_user_is_gone() {
    use hallpass_core::services::{audit::Actor, users};
    use hallpass_core::sessions::{self, EndReason};
    let f = fixture().await;
    let user = f.app.user("ended@example.com").await;
    let (token_of_session, session) = f.app.sign_in(&user).await;
    let cookie = f.app.cookie(&token_of_session);
    let response = authorize(&f, &authorize_params(&f, &[]), Some(&cookie)).await;
    let code = location(&response).1["code"].clone();
    sessions::end(f.app.state.ctx(), &session.id, EndReason::Revoked)
        .await
        .unwrap();
    let (status, body) = exchange(&f, &code).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");

    let gone = f.app.user("gone@example.com").await;
    let (token_of_session, _) = f.app.sign_in(&gone).await;
    let cookie = f.app.cookie(&token_of_session);
    let response = authorize(&f, &authorize_params(&f, &[]), Some(&cookie)).await;
    let code = location(&response).1["code"].clone();
    users::delete_user(f.app.state.ctx(), &gone.id, &Actor::Cli)
        .await
        .unwrap();
    let (status, body) = exchange(&f, &code).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
}

#[tokio::test]
async fn client_authentication_failures_are_401_invalid_client() {
    let f = fixture().await;
    let cases: Vec<reqwest::RequestBuilder> = vec![
        http()
            .post(f.app.url("/oauth/token"))
            .basic_auth(&f.client.id, Some("wrong")),
        http()
            .post(f.app.url("/oauth/token"))
            .basic_auth("cli_01arz3ndektsv4rrffq69g5fav", Some("x")),
        http().post(f.app.url("/oauth/token")),
        http()
            .post(f.app.url("/oauth/token"))
            .header("authorization", "Bearer abc"),
    ];
    for request in cases {
        let response = request
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
        assert!(response.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Basic"));
        assert_eq!(response.json::<Value>().await.unwrap()["error"], "invalid_client");
    }
    // A confidential client that sends only its id is refused.
    let response = http()
        .post(f.app.url("/oauth/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", f.client.id.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    // Two methods at once are a malformed request.
    let response = http()
        .post(f.app.url("/oauth/token"))
        .basic_auth(&f.client.id, f.client.secret.as_deref())
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_secret", f.client.secret.as_deref().unwrap()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.json::<Value>().await.unwrap()["error"], "invalid_request");
}

#[tokio::test]
async fn client_secret_post_works_and_grant_types_are_checked() {
    let f = fixture().await;
    let response = http()
        .post(f.app.url("/oauth/token"))
        .form(&[
            ("grant_type", "password"),
            ("client_id", f.client.id.as_str()),
            ("client_secret", f.client.secret.as_deref().unwrap()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.json::<Value>().await.unwrap()["error"],
        "unsupported_grant_type"
    );
    let (_, body, _) = token(&f, &[("code", "x")]).await;
    assert_eq!(body["error"], "invalid_request");
    let response = http()
        .post(f.app.url("/oauth/token"))
        .basic_auth(&f.client.id, f.client.secret.as_deref())
        .json(&serde_json::json!({"grant_type": "client_credentials"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.json::<Value>().await.unwrap()["error"],
        "invalid_request",
        "JSON bodies are refused"
    );
}

#[tokio::test]
async fn refresh_reuse_inside_the_grace_window_gets_the_same_successor() {
    let f = fixture().await;
    let (_, first) = exchange(&f, &code(&f).await).await;
    let refresh = first["refresh_token"].as_str().unwrap().to_owned();
    let (status, a, _) = token(&f, &[("grant_type", "refresh_token"), ("refresh_token", &refresh)]).await;
    assert_eq!(status, 200, "{a}");
    f.app.advance(Duration::from_secs(2));
    let (status, b, _) = token(&f, &[("grant_type", "refresh_token"), ("refresh_token", &refresh)]).await;
    assert_eq!(status, 200, "a second tab refreshing at once is not a thief: {b}");
    assert_eq!(
        a["refresh_token"], b["refresh_token"],
        "a retry gets the successor already issued, never a second chain"
    );
    assert_ne!(a["access_token"], b["access_token"]);
    f.app.advance(Duration::from_secs(10));
    let (status, c, _) = token(
        &f,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", b["refresh_token"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(status, 200, "the one successor keeps working: {c}");
}

#[tokio::test]
async fn a_refused_refresh_leaves_the_token_usable() {
    let f = fixture().await;
    let (_, first) = exchange(&f, &code(&f).await).await;
    let refresh = first["refresh_token"].as_str().unwrap().to_owned();
    let wider = format!("{} hallpass:admin", first["scope"].as_str().unwrap());
    let (status, body, _) = token(
        &f,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
            ("scope", &wider),
        ],
    )
    .await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_scope")), "{body}");
    // Past the grace window: had the refused request rotated the token, this
    // retry would count as reuse and end the session.
    f.app.advance(Duration::from_millis(6_500));
    let (status, body, _) = token(&f, &[("grant_type", "refresh_token"), ("refresh_token", &refresh)]).await;
    assert_eq!(status, 200, "the token was not used up: {body}");
    let response = authorize(&f, &authorize_params(&f, &[("prompt", "none")]), Some(&f.cookie)).await;
    assert!(location(&response).1.contains_key("code"), "the session is live");
}

#[tokio::test]
async fn refresh_reuse_after_the_grace_window_ends_the_session() {
    let f = fixture().await;
    let (_, first) = exchange(&f, &code(&f).await).await;
    let refresh = first["refresh_token"].as_str().unwrap().to_owned();
    let (_, rotated, _) = token(&f, &[("grant_type", "refresh_token"), ("refresh_token", &refresh)]).await;
    f.app.advance(Duration::from_secs(30));
    let (status, body, _) = token(&f, &[("grant_type", "refresh_token"), ("refresh_token", &refresh)]).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
    let (_, body, _) = token(
        &f,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", rotated["refresh_token"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(body["error"], "invalid_grant", "the whole session is revoked");
    let response = authorize(&f, &authorize_params(&f, &[("prompt", "none")]), Some(&f.cookie)).await;
    assert_eq!(
        location(&response).1["error"],
        "login_required",
        "the browser session ended too"
    );
}

#[tokio::test]
async fn refresh_stops_when_the_session_times_out_and_may_narrow_scope() {
    let f = fixture().await;
    let (_, first) = exchange(&f, &code(&f).await).await;
    let refresh = first["refresh_token"].as_str().unwrap().to_owned();
    let (status, narrowed, _) = token(
        &f,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
            ("scope", "openid"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(narrowed["scope"], "openid");
    let next = narrowed["refresh_token"].as_str().unwrap().to_owned();
    let (_, body, _) = token(
        &f,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &next),
            ("scope", "openid admin"),
        ],
    )
    .await;
    assert_eq!(body["error"], "invalid_scope");
    f.app.advance(Duration::from_secs(8 * 86_400));
    let (_, body, _) = token(&f, &[("grant_type", "refresh_token"), ("refresh_token", &next)]).await;
    assert_eq!(body["error"], "invalid_grant", "idle timeout ended the session");
}

#[tokio::test]
async fn client_credentials_issue_machine_tokens_with_granted_scopes() {
    let app = TestApp::start().await;
    let machine = app
        .client(|c| {
            c.redirect_uris.clear();
            c.granted_scopes = vec!["reports:read".into(), "reports:write".into()];
        })
        .await;
    let form = |scope: Option<&'static str>| {
        let mut form = vec![("grant_type", "client_credentials")];
        if let Some(scope) = scope {
            form.push(("scope", scope));
        }
        form
    };
    let call = |form: Vec<(&'static str, &'static str)>| {
        http()
            .post(app.url("/oauth/token"))
            .basic_auth(&machine.id, machine.secret.as_deref())
            .form(&form)
            .send()
    };
    let body: Value = call(form(None)).await.unwrap().json().await.unwrap();
    let at = claims(body["access_token"].as_str().unwrap());
    assert_eq!(at["sub"], machine.id);
    assert_eq!(at["scope"], "reports:read reports:write");
    assert!(at["sid"].is_null());
    assert!(body["refresh_token"].is_null() && body["id_token"].is_null());
    let body: Value = call(form(Some("reports:read"))).await.unwrap().json().await.unwrap();
    assert_eq!(body["scope"], "reports:read");
    let body: Value = call(form(Some("hallpass:admin"))).await.unwrap().json().await.unwrap();
    assert_eq!(body["error"], "invalid_scope");

    let user_app = app.client(|_| {}).await;
    let response = http()
        .post(app.url("/oauth/token"))
        .basic_auth(&user_app.id, user_app.secret.as_deref())
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.json::<Value>().await.unwrap()["error"], "unauthorized_client");
}

#[tokio::test]
async fn public_clients_use_pkce_without_a_secret() {
    let app = TestApp::start().await;
    let public = app.client(|c| c.kind = hallpass_core::store::ClientKind::Public).await;
    let user = app.user("pub@example.com").await;
    let (token, _) = app.sign_in(&user).await;
    let f = Fixture {
        cookie: app.cookie(&token),
        client: public,
        app,
    };
    let code = code(&f).await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
        ("code_verifier", VERIFIER),
        ("client_id", f.client.id.as_str()),
    ];
    let response = http().post(f.app.url("/oauth/token")).form(&form).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let refresh = body["refresh_token"].as_str().unwrap();
    let response = http()
        .post(f.app.url("/oauth/token"))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh),
            ("client_id", f.client.id.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "public clients rotate refresh tokens too");
}

#[tokio::test]
async fn native_clients_may_use_any_loopback_port() {
    let app = TestApp::start().await;
    let native = app
        .client(|c| {
            c.kind = hallpass_core::store::ClientKind::Public;
            c.native = true;
            c.redirect_uris = vec!["http://127.0.0.1/callback".into()];
        })
        .await;
    let user = app.user("native@example.com").await;
    let (token, _) = app.sign_in(&user).await;
    let f = Fixture {
        cookie: app.cookie(&token),
        client: native,
        app,
    };
    let ok = authorize(
        &f,
        &authorize_params(&f, &[("redirect_uri", "http://127.0.0.1:53312/callback")]),
        Some(&f.cookie),
    )
    .await;
    assert!(location(&ok).0.starts_with("http://127.0.0.1:53312/callback?code="));
    let bad = authorize(
        &f,
        &authorize_params(&f, &[("redirect_uri", "http://127.0.0.1:53312/other")]),
        Some(&f.cookie),
    )
    .await;
    assert_eq!(bad.status(), 400);
}
