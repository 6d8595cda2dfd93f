//! Many callers at once on one secret, through the real HTTP endpoints:
//! the store's atomic operations must show through, with no 500 anywhere.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use serde_json::Value;
use std::collections::HashMap;
use support::app::{RegisteredClient, TestApp};
use support::http;
use url::Url;

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

async fn code(app: &TestApp, client: &RegisteredClient, cookie: &str) -> String {
    let url = Url::parse_with_params(
        &app.url("/oauth/authorize"),
        &[
            ("response_type", "code"),
            ("client_id", client.id.as_str()),
            ("redirect_uri", "http://localhost:3000/callback"),
            ("scope", "openid offline_access"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ],
    )
    .unwrap();
    let response = http().get(url).header("cookie", cookie).send().await.unwrap();
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let query: HashMap<String, String> = Url::parse(&location).unwrap().query_pairs().into_owned().collect();
    query["code"].clone()
}

/// A token request that owns what it needs, so a hundred can run as tasks.
fn token(
    app: &TestApp,
    client: &RegisteredClient,
    form: Vec<(&'static str, String)>,
) -> impl std::future::Future<Output = (u16, Value)> + Send + 'static {
    let (url, id, secret) = (app.url("/oauth/token"), client.id.clone(), client.secret.clone());
    async move {
        let response = http()
            .post(url)
            .basic_auth(id, secret)
            .form(&form)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_exchanges_of_one_code_give_exactly_one_success() {
    let app = TestApp::start().await;
    let client = app.client(|_| {}).await;
    let user = app.user("race@example.com").await;
    let (cookie, _) = app.sign_in(&user).await;
    let code = code(&app, &client, &app.cookie(&cookie)).await;
    let form = vec![
        ("grant_type", "authorization_code".to_owned()),
        ("code", code),
        ("redirect_uri", "http://localhost:3000/callback".to_owned()),
        ("code_verifier", VERIFIER.to_owned()),
    ];
    let calls = (0..100).map(|_| token(&app, &client, form.clone()));
    let results = run_all(calls).await;
    let ok = results.iter().filter(|(s, _)| *s == 200).count();
    assert_eq!(ok, 1, "exactly one exchange wins");
    for (status, body) in results.iter().filter(|(s, _)| *s != 200) {
        assert_eq!(
            (*status, body["error"].as_str()),
            (400, Some("invalid_grant")),
            "the rest are invalid_grant, never a 500"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_refreshes_of_one_token_get_one_successor_and_no_500() {
    let app = TestApp::start().await;
    let client = app.client(|_| {}).await;
    let user = app.user("tabs@example.com").await;
    let (cookie, session) = app.sign_in(&user).await;
    let code = code(&app, &client, &app.cookie(&cookie)).await;
    let (_, tokens) = token(
        &app,
        &client,
        vec![
            ("grant_type", "authorization_code".to_owned()),
            ("code", code),
            ("redirect_uri", "http://localhost:3000/callback".to_owned()),
            ("code_verifier", VERIFIER.to_owned()),
        ],
    )
    .await;
    let refresh = tokens["refresh_token"].as_str().unwrap().to_owned();
    let form = vec![("grant_type", "refresh_token"), ("refresh_token", refresh.as_str())]
        .into_iter()
        .map(|(k, v)| (k, v.to_owned()))
        .collect::<Vec<_>>();
    let results = run_all((0..100).map(|_| token(&app, &client, form.clone()))).await;
    assert!(
        results.iter().all(|(s, _)| *s == 200 || *s == 400),
        "no 500: {:?}",
        results.iter().map(|r| r.0).collect::<Vec<_>>()
    );
    // All of them land inside the grace window (the test clock does not move),
    // so every tab gets the one successor: a single family, rotated once.
    let fresh: std::collections::HashSet<&str> = results
        .iter()
        .map(|(_, b)| b["refresh_token"].as_str().unwrap_or_else(|| panic!("{b}")))
        .collect();
    assert_eq!(fresh.len(), 1, "one successor for every tab");
    let successor = fresh.into_iter().next().unwrap();
    assert_ne!(successor, refresh);
    let admin = app.client(|c| c.granted_scopes = vec!["hallpass:admin".into()]).await;
    let info: Value = http()
        .post(app.url("/oauth/introspect"))
        .basic_auth(&admin.id, admin.secret.as_deref())
        .form(&[("token", successor)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["active"], true);
    assert_eq!(info["sid"], session.id.to_string());

    // Outside the grace window, a replayed token ends the session instead.
    app.advance(std::time::Duration::from_secs(30));
    let results = run_all((0..100).map(|_| token(&app, &client, form.clone()))).await;
    assert!(results.iter().all(|(s, b)| *s == 400 && b["error"] == "invalid_grant"));
    let ended = app.state.ctx().store.get_session(&session.id).await.unwrap().unwrap();
    assert_eq!(ended.end_reason.as_deref(), Some("refresh_reuse"));
}

async fn run_all<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let mut set = Vec::new();
    for future in futures {
        set.push(tokio::spawn(future));
    }
    let mut out = Vec::new();
    for handle in set {
        out.push(handle.await.unwrap());
    }
    out
}
