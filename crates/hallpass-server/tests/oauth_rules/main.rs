//! Every rule of the authorization and token endpoints, one test per branch,
//! with raw HTTP so nothing is smoothed over by a client library.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../support/mod.rs"]
mod support;

mod authorize;
mod clients;
mod codes;
mod refresh;
mod resources;
mod tokens;

pub use base64::engine::general_purpose::URL_SAFE_NO_PAD;
pub use base64::Engine;
pub use serde_json::{json, Value};
pub use std::collections::HashMap;
pub use std::time::Duration;
pub use support::app::{RegisteredClient, TestApp};
pub use support::http;
pub use url::Url;

pub const REDIRECT: &str = "http://localhost:3000/callback";
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
pub const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

pub struct Fixture {
    pub app: TestApp,
    pub client: RegisteredClient,
    pub cookie: String,
}

pub async fn fixture() -> Fixture {
    let app = TestApp::start().await;
    let client = app.client(|_| {}).await;
    let user = app.user("grace@example.com").await;
    let (token, _) = app.sign_in(&user).await;
    let cookie = app.cookie(&token);
    Fixture { app, client, cookie }
}

pub fn authorize_params<'a>(f: &'a Fixture, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
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

pub async fn authorize(f: &Fixture, params: &[(&str, &str)], cookie: Option<&str>) -> reqwest::Response {
    let url = Url::parse_with_params(&f.app.url("/oauth/authorize"), params).unwrap();
    let mut request = http().get(url);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.unwrap()
}

pub fn location(response: &reqwest::Response) -> (String, HashMap<String, String>) {
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let url = Url::parse(&location).unwrap_or_else(|_| Url::parse(&format!("http://x{location}")).unwrap());
    let query = url.query_pairs().into_owned().collect();
    (location, query)
}

pub async fn code(f: &Fixture) -> String {
    let response = authorize(f, &authorize_params(f, &[]), Some(&f.cookie)).await;
    assert_eq!(response.status(), 302);
    location(&response).1["code"].clone()
}

pub async fn token(f: &Fixture, form: &[(&str, &str)]) -> (u16, Value, reqwest::header::HeaderMap) {
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

pub async fn exchange(f: &Fixture, code: &str) -> (u16, Value) {
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

pub fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

pub fn header(jwt: &str) -> Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(jwt.split('.').next().unwrap()).unwrap()).unwrap()
}

pub fn location_of(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_owned()
}
