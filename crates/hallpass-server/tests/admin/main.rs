//! The admin console over HTTP as a browser without JavaScript uses it:
//! cookies kept, forms posted, redirects followed by hand. Who gets in, the
//! CSRF and confirm rules, audit actors, the session's idle end, the CLI.
//! (tests/console_browser.rs drives the screens through headless Chromium.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod access;
mod forms;
mod owned;
#[path = "../support/mod.rs"]
mod support;

use hallpass_core::services::audit::Actor;
use hallpass_core::services::console;
use hallpass_core::store::AuditFilter;
use std::time::Duration;
use support::app::TestApp;
use support::hidden;

const PASSWORD: &str = "a long admin pass phrase";

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Follows redirects inside Hallpass and returns the page it stops at, with its path.
async fn open(app: &TestApp, browser: &reqwest::Client, path: &str) -> (u16, String, String) {
    let mut url = app.url(path);
    for _ in 0..10 {
        let response = browser.get(&url).header("accept", "text/html").send().await.unwrap();
        if response.status().is_redirection() {
            let to = response.headers()["location"].to_str().unwrap().to_owned();
            url = if to.starts_with('/') { app.url(&to) } else { to };
            continue;
        }
        let status = response.status().as_u16();
        let path = response.url().path().to_owned();
        return (status, path, response.text().await.unwrap());
    }
    panic!("a redirect loop from {path}");
}

async fn sign_in(app: &TestApp, browser: &reqwest::Client, email: &str) {
    let csrf = support::csrf_of(browser, &app.url("/login")).await;
    let response = browser
        .post(app.url("/login"))
        .form(&[("csrf", csrf.as_str()), ("email", email), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
}

/// A console admin signed in to the console in `browser`.
async fn signed_in_admin(app: &TestApp, email: &str) -> reqwest::Client {
    app.user_with_password(email, PASSWORD).await;
    console::add_admin(app.state.ctx(), email, &Actor::Cli).await.unwrap();
    let browser = browser();
    sign_in(app, &browser, email).await;
    let (status, path, html) = open(app, &browser, "/admin").await;
    assert_eq!((status, path.as_str()), (200, "/admin"), "{html}");
    browser
}

/// Posts a console form with the CSRF token of the page at `page`.
async fn post_form(
    app: &TestApp,
    browser: &reqwest::Client,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let (_, _, html) = open(app, browser, page).await;
    let csrf = hidden(&html, "csrf");
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    browser.post(app.url(action)).form(&form).send().await.unwrap()
}

/// The actor of the newest audit event of `kind`.
async fn actor_of_latest(app: &TestApp, kind: &str) -> Option<String> {
    let events = app
        .state
        .ctx()
        .store
        .list_audit_events(&AuditFilter {
            kind: Some(kind.into()),
            limit: 1,
            ..Default::default()
        })
        .await
        .unwrap();
    events.first().and_then(|e| e.event.actor.clone())
}
