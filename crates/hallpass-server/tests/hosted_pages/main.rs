//! The hosted pages as a browser without JavaScript uses them: cookies kept,
//! forms posted, redirects followed by hand. (The headless-Chromium suite,
//! tests/browser.rs, drives the same pages through a real browser.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../support/mod.rs"]
mod support;

mod account;
mod csrf;
mod email_code;
mod enumeration;
mod for_browsers;
mod methods;
mod password;
mod production;
mod settings;
mod signup;

use std::collections::HashMap;
use support::app::TestApp;
use url::Url;

pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
pub const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .user_agent("hallpass-test-browser")
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub use support::{hidden, http};

pub fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_owned()
}

pub async fn authorize_url(app: &TestApp, client_id: &str) -> String {
    Url::parse_with_params(
        &app.url("/oauth/authorize"),
        &[
            ("response_type", "code"),
            ("client_id", client_id),
            ("redirect_uri", "http://localhost:3000/callback"),
            ("scope", "openid email offline_access"),
            ("state", "xyz"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ],
    )
    .unwrap()
    .to_string()
}

/// How many redirects inside Hallpass one step may take; more is a loop.
const MAX_REDIRECTS: usize = 10;

/// Follows redirects inside Hallpass; returns the first one that leaves it.
pub async fn follow(
    app: &TestApp,
    browser: &reqwest::Client,
    mut response: reqwest::Response,
) -> (reqwest::Response, String) {
    for _ in 0..MAX_REDIRECTS {
        if !response.status().is_redirection() {
            return (response, String::new());
        }
        let to = location(&response);
        if !to.starts_with('/') && !to.starts_with(&app.base) {
            return (response, to);
        }
        let url = if to.starts_with('/') { app.url(&to) } else { to };
        response = browser.get(url).send().await.unwrap();
    }
    panic!(
        "more than {MAX_REDIRECTS} redirects inside Hallpass, last to {:?}",
        response.headers().get("location")
    );
}

pub async fn existing_user(app: &TestApp, email: &str) {
    app.user_without_password(email).await;
}

pub async fn ask_for_code(
    app: &TestApp,
    browser: &reqwest::Client,
    email: &str,
    return_to: &str,
) -> (String, reqwest::Response) {
    let url = Url::parse_with_params(&app.url("/login"), &[("return_to", return_to)]).unwrap();
    let html = browser.get(url).send().await.unwrap().text().await.unwrap();
    let csrf = hidden(&html, "csrf");
    let response = browser
        .post(app.url("/login/code"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("return_to", &hidden(&html, "return_to")),
            ("email", email),
            ("password", ""),
        ])
        .send()
        .await
        .unwrap();
    (csrf, response)
}

pub fn link_token(mail: &support::app::Mail) -> String {
    let start = mail.text.find("token=").unwrap() + "token=".len();
    mail.text[start..].split_whitespace().next().unwrap().to_owned()
}

/// Opens the page at `path` in `browser`; gives the CSRF token its forms carry.
pub async fn page_csrf(app: &TestApp, browser: &reqwest::Client, path: &str) -> String {
    support::csrf_of(browser, &app.url(path)).await
}

pub async fn password_sign_in(app: &TestApp, browser: &reqwest::Client, email: &str, password: &str) {
    let csrf = page_csrf(app, browser, "/login").await;
    let response = browser
        .post(app.url("/login"))
        .form(&[("csrf", csrf.as_str()), ("email", email), ("password", password)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
}

/// The account page `browser` reaches names `email`: it holds that session.
pub async fn assert_signed_in_as(app: &TestApp, browser: &reqwest::Client, email: &str) {
    let account = browser.get(app.url("/account")).send().await.unwrap();
    assert_eq!(account.status(), 200, "signed in, not sent to sign in");
    let html = account.text().await.unwrap();
    assert!(html.contains(email), "signed in as {email}: {html}");
}

#[tokio::test]
async fn the_outbox_exists_only_when_mail_goes_there_and_the_theme_carries_the_brand() {
    let smtp = hallpass_server::mail::Smtp::new("smtp://127.0.0.1:1", "a@b.test", Default::default()).unwrap();
    let app = TestApp::start_mailing(
        |c| c.branding.primary_color = Some("#123abc".into()),
        Some(std::sync::Arc::new(smtp)),
    )
    .await;
    let outbox = browser().get(app.url("/dev/outbox")).send().await.unwrap();
    assert_eq!(outbox.status(), 404, "no outbox when mail goes over SMTP");
    let json = browser().get(app.url("/dev/outbox.json")).send().await.unwrap();
    assert_eq!(json.status(), 404, "nor its JSON form");
    let theme = browser()
        .get(app.url("/static/theme.css"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(theme, ":root { --primary: #123abc; }\n");
    let dev = TestApp::start().await;
    assert_eq!(
        browser().get(dev.url("/dev/outbox")).send().await.unwrap().status(),
        200
    );
    assert_eq!(
        browser()
            .get(dev.url("/static/theme.css"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        ""
    );
}
