//! Client ID metadata documents: a URL `client_id` fetched from a document
//! server on loopback (development), cached by its Cache-Control, and every
//! refusal: another client_id, a redirect elsewhere, too large, a redirect
//! URI breaking the rules, a private address in production.

use super::consent::{agent, redirect_query, Agent, MCP};
use super::*;
use axum::http::header::{CACHE_CONTROL, LOCATION};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Serves documents on loopback; counts fetches of `/agent.json`.
struct Documents {
    base: String,
    fetches: Arc<AtomicUsize>,
}

async fn documents() -> Documents {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let fetches = Arc::new(AtomicUsize::new(0));
    let document = |path: &str, client_id: String, redirect: &str| {
        json!({
            "client_id": client_id,
            "client_name": "Document Agent",
            "client_uri": "https://docs-agent.example.com",
            "redirect_uris": [redirect],
            "token_endpoint_auth_method": "none",
            "grant_types": ["authorization_code", "refresh_token"],
            "path": path,
        })
    };
    let good = document("agent", format!("{base}/agent.json"), LOOPBACK_REDIRECT);
    let other = document("other", format!("{base}/somebody-else.json"), LOOPBACK_REDIRECT);
    let bad_redirect = document("bad", format!("{base}/bad-redirect.json"), "http://evil.example.com/cb");
    let with_secret = {
        let mut d = document("secret", format!("{base}/secret.json"), LOOPBACK_REDIRECT);
        d["client_secret"] = json!("s3cret");
        d
    };
    let large = {
        let mut d = document("large", format!("{base}/large.json"), LOOPBACK_REDIRECT);
        d["padding"] = json!("x".repeat(6 * 1024));
        d
    };
    let elsewhere = format!("http://localhost:{port}/agent.json");
    let counter = fetches.clone();
    let router = axum::Router::new()
        .route(
            "/agent.json",
            axum::routing::get(move || {
                counter.fetch_add(1, Ordering::SeqCst);
                let good = good.clone();
                async move { ([(CACHE_CONTROL, "public, max-age=60")], axum::Json(good)) }
            }),
        )
        .route(
            "/other.json",
            axum::routing::get(move || async move { axum::Json(other) }),
        )
        .route(
            "/bad-redirect.json",
            axum::routing::get(move || async move { axum::Json(bad_redirect) }),
        )
        .route(
            "/secret.json",
            axum::routing::get(move || async move { axum::Json(with_secret) }),
        )
        .route(
            "/large.json",
            axum::routing::get(move || async move { axum::Json(large) }),
        )
        .route(
            "/moved.json",
            axum::routing::get(move || async move { (StatusCode::FOUND, [(LOCATION, elsewhere)]).into_response() }),
        );
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    Documents { base, fetches }
}

/// The page answering an authorization request for `client_id` (not followed).
async fn authorize_as(agent: &Agent, client_id: &str) -> reqwest::Response {
    let url = agent.authorize_url(client_id, "openid offline_access mcp:tools", None);
    agent.browser.get(url).send().await.unwrap()
}

#[tokio::test]
async fn a_url_client_id_is_fetched_asked_for_consent_and_gets_tokens_in_its_name() {
    let agent = agent().await;
    let docs = documents().await;
    let client_id = format!("{}/agent.json", docs.base);
    let page = authorize_as(&agent, &client_id).await;
    assert_eq!(page.status(), 200, "the consent page");
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Document Agent") && html.contains("127.0.0.1"),
        "named with its domain: {html}"
    );
    let query = redirect_query(&agent.answer(&html, "allow").await);
    let response = http()
        .post(agent.app.url("/oauth/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", client_id.as_str()),
            ("code", query["code"].as_str()),
            ("redirect_uri", LOOPBACK_REDIRECT),
            ("code_verifier", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let tokens: Value = response.json().await.unwrap();
    let claims = claims(tokens["access_token"].as_str().unwrap());
    assert_eq!(claims["client_id"], client_id.as_str());
    assert_eq!(claims["aud"], MCP);

    // Cached for its max-age (60 s), then fetched again.
    assert!(redirect_query(&authorize_as(&agent, &client_id).await).contains_key("code"));
    assert_eq!(docs.fetches.load(Ordering::SeqCst), 1, "fresh: not fetched again");
    agent.app.advance(Duration::from_secs(61));
    assert!(redirect_query(&authorize_as(&agent, &client_id).await).contains_key("code"));
    assert_eq!(docs.fetches.load(Ordering::SeqCst), 2, "stale: fetched again");
}

#[tokio::test]
async fn documents_that_break_a_rule_are_refused_and_no_client_is_made() {
    let agent = agent().await;
    let docs = documents().await;
    let before = client_count(&agent.app).await;
    for (path, reason) in [
        ("/other.json", "client_id is not its own URL"),
        ("/moved.json", "redirects elsewhere"),
        ("/large.json", "larger than 5120 bytes"),
        ("/bad-redirect.json", "http://evil.example.com/cb"),
        ("/secret.json", "must not carry a secret"),
        ("/missing.json", "answered 404"),
    ] {
        let response = authorize_as(&agent, &format!("{}{path}", docs.base)).await;
        assert_eq!(response.status(), 400, "{path}: never redirected");
        let html = response.text().await.unwrap();
        let html = html.replace("&#x2f;", "/");
        assert!(html.contains(reason), "{path}: {html}");
    }
    assert_eq!(client_count(&agent.app).await, before);
}

#[tokio::test]
async fn outside_development_a_document_on_a_private_address_is_not_fetched() {
    let app = TestApp::start_with(|c| c.issuer = Some("https://auth.example.com".into())).await;
    let docs = documents().await;
    let port = docs.base.rsplit(':').next().unwrap();
    for (client_id, reason) in [
        (format!("https://127.0.0.1:{port}/agent.json"), "on a private address"),
        (format!("https://localhost:{port}/agent.json"), "on a private address"),
        (format!("{}/agent.json", docs.base), "must use https"),
    ] {
        let url = url::Url::parse_with_params(
            &app.url("/oauth/authorize"),
            &[
                ("response_type", "code"),
                ("client_id", client_id.as_str()),
                ("redirect_uri", LOOPBACK_REDIRECT),
                ("scope", "openid"),
                ("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"),
                ("code_challenge_method", "S256"),
            ],
        )
        .unwrap();
        let response = http().get(url).send().await.unwrap();
        assert_eq!(response.status(), 400, "{client_id}");
        let html = response.text().await.unwrap();
        assert!(html.contains(reason), "{client_id}: {html}");
    }
    assert_eq!(
        docs.fetches.load(Ordering::SeqCst),
        0,
        "nothing reached the private address"
    );
    assert_eq!(client_count(&app).await, 0);
}
