//! The discovery document, the form-post authorize request, and the
//! back-channel sender against a real receiver.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use axum::routing::post;
use hallpass_core::oauth::backchannel::{BackchannelSender, Notice};
use hallpass_server::oauth::backchannel::HttpSender;
use serde_json::Value;
use std::sync::{Arc, Mutex};
use support::app::TestApp;
use support::http;

/// The metadata is a contract with every relying party: a change to it must
/// be a deliberate change to this snapshot.
#[tokio::test]
async fn discovery_matches_its_snapshot_and_both_addresses_agree() {
    let app = TestApp::start().await;
    let response = http()
        .get(app.url("/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["cache-control"], "public, max-age=300");
    let body = response.text().await.unwrap().replace(&app.base, "{issuer}");
    let actual: Value = serde_json::from_str(&body).unwrap();
    let expected: Value = serde_json::from_str(include_str!("snapshots/openid-configuration.json")).unwrap();
    assert_eq!(
        actual,
        expected,
        "discovery document changed:\n{}",
        serde_json::to_string_pretty(&actual).unwrap()
    );
    let rfc8414: Value = http()
        .get(app.url("/.well-known/oauth-authorization-server"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(rfc8414["issuer"], app.base);
    assert_eq!(rfc8414["token_endpoint"], format!("{}/oauth/token", app.base));
}

#[tokio::test]
async fn authorize_accepts_a_form_post() {
    let app = TestApp::start().await;
    let client = app.client(|_| {}).await;
    let user = app.user("post@example.com").await;
    let (token, _) = app.sign_in(&user).await;
    let response = http()
        .post(app.url("/oauth/authorize"))
        .header("cookie", app.cookie(&token))
        .form(&[
            ("response_type", "code"),
            ("client_id", client.id.as_str()),
            ("redirect_uri", "http://localhost:3000/callback"),
            ("scope", "openid"),
            ("state", "s"),
            ("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    assert!(response.headers()["location"].to_str().unwrap().contains("code="));
    let not_form = http().post(app.url("/oauth/authorize")).body("x").send().await.unwrap();
    assert_eq!(not_form.status(), 400);
}

#[tokio::test]
async fn the_http_sender_posts_the_logout_token_as_a_form() {
    let _bound = support::Watchdog::arm();
    let received: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = received.clone();
    let receiver = axum::Router::new()
        .route(
            "/ok",
            post(move |body: String| {
                let sink = sink.clone();
                async move {
                    sink.lock().unwrap().push(body);
                    axum::http::StatusCode::OK
                }
            }),
        )
        .route(
            "/fail",
            post(|| async { axum::http::StatusCode::INTERNAL_SERVER_ERROR }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, receiver).await.unwrap() });

    let sender = HttpSender::new();
    let notice = |path: &str| Notice {
        client_id: "cli_x".into(),
        uri: format!("{base}{path}"),
        logout_token: "a.b.c".into(),
    };
    sender.send(&notice("/ok")).await.unwrap();
    assert_eq!(received.lock().unwrap().as_slice(), ["logout_token=a.b.c"]);
    let err = sender.send(&notice("/fail")).await.unwrap_err();
    assert!(err.contains("500"), "{err}");
    assert!(sender.send(&notice("/nothing-listens-here")).await.is_err());
}
