//! The hosted pages as a browser without JavaScript uses them: cookies kept,
//! forms posted, redirects followed by hand. (The headless-Chromium suite
//! drives the same pages through a real browser.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::collections::HashMap;
use support::app::TestApp;
use url::Url;

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .user_agent("hallpass-test-browser")
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} field in {html}"))
        + marker.len();
    let end = html[start..].find('"').unwrap() + start;
    html[start..end]
        .replace("&amp;", "&")
        .replace("&#x2f;", "/")
        .replace("&#x3d;", "=")
        .replace("&#x3f;", "?")
}

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_owned()
}

async fn authorize_url(app: &TestApp, client_id: &str) -> String {
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

/// Follows redirects inside Hallpass; returns the first one that leaves it.
async fn follow(
    app: &TestApp,
    browser: &reqwest::Client,
    mut response: reqwest::Response,
) -> (reqwest::Response, String) {
    loop {
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
}

#[tokio::test]
async fn sign_up_verify_then_complete_the_authorization() {
    let app = TestApp::start().await;
    let client = app.client(|_| {}).await;
    let browser = browser();
    let start = browser.get(authorize_url(&app, &client.id).await).send().await.unwrap();
    let to_login = location(&start);
    assert!(to_login.starts_with("/login?return_to="), "{to_login}");
    let signup_url = to_login.replacen("/login", "/signup", 1);
    let page = browser.get(app.url(&signup_url)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("default-src 'none'"));
    let html = page.text().await.unwrap();
    let (csrf, return_to) = (hidden(&html, "csrf"), hidden(&html, "return_to"));
    assert!(return_to.starts_with("/oauth/authorize?"), "{return_to}");

    // A weak password is refused with the email kept.
    let weak = browser
        .post(app.url("/signup"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("return_to", &return_to),
            ("email", "new@example.com"),
            ("password", "short"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(weak.status(), 422);
    let html = weak.text().await.unwrap();
    assert!(html.contains("at least 8 characters"), "{html}");
    assert!(html.contains("value=\"new@example.com\""));

    let verify_page = browser
        .post(app.url("/signup"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("return_to", &return_to),
            ("email", "New@Example.com"),
            ("name", "Nia"),
            ("password", "a long pass phrase"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(verify_page.status(), 200);
    let html = verify_page.text().await.unwrap();
    assert!(html.contains("Check your email"));
    assert!(
        app.state
            .ctx()
            .store
            .find_user_by_email(&hallpass_core::values::Email::parse("new@example.com").unwrap())
            .await
            .unwrap()
            .is_none(),
        "no account before the address is proved"
    );

    let mail = app.mails().into_iter().next().expect("a code was mailed");
    assert_eq!(mail.to, "New@Example.com");
    let code: String = mail.subject.chars().take(6).collect();
    assert!(code.chars().all(|c| c.is_ascii_digit()), "{}", mail.subject);

    let wrong = browser
        .post(app.url("/signup/verify"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("return_to", &return_to),
            ("email", "New@Example.com"),
            ("code", "000000"),
        ])
        .send()
        .await
        .unwrap();
    let status = wrong.status().as_u16();
    let body = wrong.text().await.unwrap();
    if code != "000000" {
        assert_eq!(status, 422);
        assert!(body.contains("4 tries left"), "{body}");
    }

    let verified = browser
        .post(app.url("/signup/verify"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("return_to", &return_to),
            ("email", "New@Example.com"),
            ("code", &code),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(verified.status(), 303);
    assert!(verified.headers()["set-cookie"].to_str().unwrap().contains("HttpOnly"));
    let (_, callback) = follow(&app, &browser, verified).await;
    assert!(
        callback.starts_with("http://localhost:3000/callback?code="),
        "{callback}"
    );
    let user = app
        .state
        .ctx()
        .store
        .find_user_by_email(&hallpass_core::values::Email::parse("new@example.com").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(user.email_verified);
    assert_eq!(user.name.as_deref(), Some("Nia"));

    let query: HashMap<String, String> = Url::parse(&callback).unwrap().query_pairs().into_owned().collect();
    let tokens: serde_json::Value = browser
        .post(app.url("/oauth/token"))
        .basic_auth(&client.id, client.secret.as_deref())
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", query["code"].as_str()),
            ("redirect_uri", "http://localhost:3000/callback"),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(tokens["id_token"].is_string(), "{tokens}");
}

#[tokio::test]
async fn sign_in_with_a_password_and_refuse_wrong_ones_alike() {
    let app = TestApp::start().await;
    let client = app.client(|_| {}).await;
    let new = hallpass_core::services::users::NewUser {
        email: "pat@example.com".into(),
        password: Some("correct horse battery".into()),
        email_verified: true,
        ..Default::default()
    };
    hallpass_core::services::users::create_user(
        app.state.ctx(),
        new,
        &app.state.config().passwords,
        &hallpass_core::services::audit::Actor::Cli,
    )
    .await
    .unwrap();
    let browser = browser();
    let to_login = location(&browser.get(authorize_url(&app, &client.id).await).send().await.unwrap());
    let html = browser
        .get(app.url(&to_login))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let (csrf, return_to) = (hidden(&html, "csrf"), hidden(&html, "return_to"));

    let mut bodies = Vec::new();
    for (email, password) in [
        ("pat@example.com", "wrong password!"),
        ("nobody@example.com", "wrong password!"),
    ] {
        let response = browser
            .post(app.url("/login"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("return_to", &return_to),
                ("email", email),
                ("password", password),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
        let html = response.text().await.unwrap();
        assert!(html.contains(&format!("value=\"{email}\"")), "the email is kept");
        bodies.push(html.replace(email, "EMAIL"));
    }
    assert_eq!(
        bodies[0], bodies[1],
        "an unknown email and a wrong password look the same"
    );
    let filter = hallpass_core::store::AuditFilter {
        kind: Some("user.sign_in_failed".into()),
        limit: 10,
        ..Default::default()
    };
    let failures = app.state.ctx().store.list_audit_events(&filter).await.unwrap();
    assert_eq!(failures.len(), 2, "each failure is audited");
    assert_eq!(failures[0].event.ip.as_deref(), Some("127.0.0.1"));
    assert_eq!(failures[0].event.user_agent.as_deref(), Some("hallpass-test-browser"));

    let forged = browser
        .post(app.url("/login"))
        .form(&[
            ("csrf", "x".repeat(43).as_str()),
            ("return_to", &return_to),
            ("email", "pat@example.com"),
            ("password", "correct horse battery"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403, "a wrong CSRF token is refused");

    let ok = browser
        .post(app.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("return_to", &return_to),
            ("email", "PAT@example.com"),
            ("password", "correct horse battery"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 303);
    let (_, callback) = follow(&app, &browser, ok).await;
    assert!(
        callback.contains("code=") && callback.contains("state=xyz"),
        "{callback}"
    );

    let account = browser
        .get(app.url("/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(account.contains("pat@example.com"));
    let csrf = hidden(&account, "csrf");
    let out = browser
        .post(app.url("/logout"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert!(out.text().await.unwrap().contains("signed out"));
    let after = browser.get(app.url("/account")).send().await.unwrap();
    assert_eq!(location(&after), "/login");
}

#[tokio::test]
async fn return_to_cannot_leave_hallpass() {
    let app = TestApp::start().await;
    for evil in [
        "https://evil.example.com/",
        "//evil.example.com",
        "/account\r\nSet-Cookie: x=y",
    ] {
        let url = Url::parse_with_params(&app.url("/login"), &[("return_to", evil)]).unwrap();
        let html = browser().get(url).send().await.unwrap().text().await.unwrap();
        assert_eq!(hidden(&html, "return_to"), "/account", "{evil}");
    }
}

#[tokio::test]
async fn an_abandoned_sign_up_can_start_again() {
    let app = TestApp::start().await;
    let browser = browser();
    let html = browser
        .get(app.url("/signup"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = hidden(&html, "csrf");
    for _ in 0..2 {
        let response = browser
            .post(app.url("/signup"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", "again@example.com"),
                ("password", "long enough pass"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
    let mails = app.mails();
    assert_eq!(mails.len(), 2);
    let old_code: String = mails[1].subject.chars().take(6).collect();
    let new_code: String = mails[0].subject.chars().take(6).collect();
    if old_code != new_code {
        let stale = browser
            .post(app.url("/signup/verify"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", "again@example.com"),
                ("code", &old_code),
            ])
            .send()
            .await
            .unwrap();
        assert_ne!(stale.status(), 303, "sending again voids the old code");
    }
    let ok = browser
        .post(app.url("/signup/verify"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "again@example.com"),
            ("code", &new_code),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 303);
    assert_eq!(location(&ok), "/account");
    // Signing up again with a taken address says the same, and mails the owner.
    let response = browser
        .post(app.url("/signup"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "again@example.com"),
            ("password", "another long pass"),
        ])
        .send()
        .await
        .unwrap();
    assert!(response.text().await.unwrap().contains("Check your email"));
    assert!(app.mails()[0].subject.contains("already have"));
}

async fn existing_user(app: &TestApp, email: &str) {
    let new = hallpass_core::services::users::NewUser {
        email: email.into(),
        ..Default::default()
    };
    hallpass_core::services::users::create_user(
        app.state.ctx(),
        new,
        &app.state.config().passwords,
        &hallpass_core::services::audit::Actor::Cli,
    )
    .await
    .unwrap();
}

async fn ask_for_code(
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

fn link_token(mail: &support::app::Mail) -> String {
    let start = mail.text.find("token=").unwrap() + "token=".len();
    mail.text[start..].split_whitespace().next().unwrap().to_owned()
}

#[tokio::test]
async fn sign_in_with_an_emailed_code() {
    let app = TestApp::start().await;
    let client = app.client(|_| {}).await;
    existing_user(&app, "cora@example.com").await;
    let browser = browser();
    let to_login = location(&browser.get(authorize_url(&app, &client.id).await).send().await.unwrap());
    let return_to: HashMap<String, String> = Url::parse(&app.url(&to_login))
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    let (csrf, page) = ask_for_code(&app, &browser, "cora@example.com", &return_to["return_to"]).await;
    assert_eq!(page.status(), 200);
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("If <strong>cora@example.com</strong> has an account"));
    let mail = app.mails().remove(0);
    assert!(
        mail.text.contains("/login/link?token="),
        "the mail carries a magic link too"
    );
    let code: String = mail.subject.chars().take(6).collect();

    let verified = browser
        .post(app.url("/login/code/verify"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("return_to", return_to["return_to"].as_str()),
            ("email", "cora@example.com"),
            ("code", &code),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(verified.status(), 303);
    let (_, callback) = follow(&app, &browser, verified).await;
    assert!(callback.contains("code="), "{callback}");
    let again = browser
        .post(app.url("/login/code/verify"))
        .form(&[("csrf", csrf.as_str()), ("email", "cora@example.com"), ("code", &code)])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 410, "a code works once");
    let user = app
        .state
        .ctx()
        .store
        .find_user_by_email(&hallpass_core::values::Email::parse("cora@example.com").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(user.email_verified, "a code from the mailbox proves the address");
}

#[tokio::test]
async fn codes_expire_run_out_of_tries_and_resending_voids_the_old() {
    let app = TestApp::start().await;
    existing_user(&app, "dev@example.com").await;
    let browser = browser();
    let (csrf, _) = ask_for_code(&app, &browser, "dev@example.com", "/account").await;
    let first: String = app.mails()[0].subject.chars().take(6).collect();
    ask_for_code(&app, &browser, "dev@example.com", "/account").await;
    let second: String = app.mails()[0].subject.chars().take(6).collect();
    let try_code = |code: String| {
        let browser = browser.clone();
        let (url, csrf) = (app.url("/login/code/verify"), csrf.clone());
        async move {
            browser
                .post(url)
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("email", "dev@example.com"),
                    ("code", code.as_str()),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    if first != second {
        assert_ne!(try_code(first).await, 303, "a resent code voids the old one");
    }
    let wrong = if second == "999999" { "000000" } else { "999999" };
    for _ in 0..5 {
        try_code(wrong.to_owned()).await;
    }
    assert_eq!(try_code(second).await, 410, "five wrong tries use the code up");

    ask_for_code(&app, &browser, "dev@example.com", "/account").await;
    let third: String = app.mails()[0].subject.chars().take(6).collect();
    app.advance(std::time::Duration::from_secs(301));
    assert_eq!(try_code(third).await, 410, "codes live five minutes");
}

#[tokio::test]
async fn magic_links_ask_for_a_click_and_work_once() {
    let app = TestApp::start().await;
    existing_user(&app, "eli@example.com").await;
    let browser = browser();
    ask_for_code(&app, &browser, "eli@example.com", "/account").await;
    let token = link_token(&app.mails()[0]);
    let page = browser
        .get(app.url(&format!("/login/link?token={token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200, "a GET (a mail scanner) does not sign in");
    let html = page.text().await.unwrap();
    let csrf = hidden(&html, "csrf");
    let redeem = || {
        browser
            .post(app.url("/login/link"))
            .form(&[("csrf", csrf.as_str()), ("token", token.as_str())])
            .send()
    };
    let ok = redeem().await.unwrap();
    assert_eq!(ok.status(), 303);
    assert_eq!(location(&ok), "/account");
    assert_eq!(redeem().await.unwrap().status(), 410, "a link works once");
}

#[tokio::test]
async fn same_browser_links_refuse_another_browser() {
    let app = TestApp::start_with(|c| c.signin.same_browser_links = true).await;
    existing_user(&app, "fay@example.com").await;
    let asking = browser();
    ask_for_code(&app, &asking, "fay@example.com", "/account").await;
    let token = link_token(&app.mails()[0]);
    let other = browser();
    let html = other
        .get(app.url(&format!("/login/link?token={token}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = hidden(&html, "csrf");
    let refused = other
        .post(app.url("/login/link"))
        .form(&[("csrf", csrf.as_str()), ("token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 410);
    let html = asking
        .get(app.url(&format!("/login/link?token={token}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = hidden(&html, "csrf");
    let ok = asking
        .post(app.url("/login/link"))
        .form(&[("csrf", csrf.as_str()), ("token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(
        ok.status(),
        303,
        "the asking browser can still use it: the other one did not use it up"
    );
}

#[tokio::test]
async fn a_code_for_an_unknown_address_looks_the_same() {
    let app = TestApp::start().await;
    let browser = browser();
    let (_, page) = ask_for_code(&app, &browser, "ghost@example.com", "/account").await;
    assert_eq!(page.status(), 200);
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("If <strong>ghost@example.com</strong> has an account"));
    assert!(app.mails()[0].subject.contains("No Hallpass account"));
}

#[tokio::test]
async fn too_many_attempts_get_a_429_that_says_when_to_retry() {
    let app = TestApp::start_with(|c| c.limits.attempts_per_account_per_hour = 3).await;
    existing_user(&app, "gus@example.com").await;
    let browser = browser();
    let html = browser
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = hidden(&html, "csrf");
    let attempt = |email: &'static str| {
        browser
            .post(app.url("/login"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", email),
                ("password", "wrong password"),
            ])
            .send()
    };
    for _ in 0..3 {
        assert_eq!(attempt("gus@example.com").await.unwrap().status(), 401);
    }
    let limited = attempt("GUS@example.com").await.unwrap();
    assert_eq!(limited.status(), 429);
    let retry: u64 = limited.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry > 0 && retry <= 1200, "{retry}");
    assert!(limited.text().await.unwrap().contains("Too many attempts"));
    assert_eq!(
        attempt("other@example.com").await.unwrap().status(),
        401,
        "other accounts are unaffected"
    );
}

#[tokio::test]
async fn reset_a_password_by_mail_and_sign_out_everywhere_else() {
    let app = TestApp::start().await;
    let new = hallpass_core::services::users::NewUser {
        email: "hal@example.com".into(),
        password: Some("old password 1".into()),
        email_verified: true,
        ..Default::default()
    };
    let user = hallpass_core::services::users::create_user(
        app.state.ctx(),
        new,
        &app.state.config().passwords,
        &hallpass_core::services::audit::Actor::Cli,
    )
    .await
    .unwrap();
    let (_, other_session) = app.sign_in(&user).await;
    let browser = browser();
    let html = browser
        .get(app.url("/password/forgot"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = hidden(&html, "csrf");
    let asked = browser
        .post(app.url("/password/forgot"))
        .form(&[("csrf", csrf.as_str()), ("email", "hal@example.com")])
        .send()
        .await
        .unwrap();
    assert!(asked
        .text()
        .await
        .unwrap()
        .contains("If hal@example.com has an account"));
    let unknown = browser
        .post(app.url("/password/forgot"))
        .form(&[("csrf", csrf.as_str()), ("email", "nobody@example.com")])
        .send()
        .await
        .unwrap();
    assert!(
        unknown
            .text()
            .await
            .unwrap()
            .contains("If nobody@example.com has an account"),
        "the same answer"
    );
    assert_eq!(app.mails().len(), 1, "only the account's owner gets mail");
    let mail = app.mails().remove(0);
    let start = mail.text.find("/password/reset?token=").unwrap();
    let path = mail.text[start..].split_whitespace().next().unwrap().to_owned();
    let token = path.trim_start_matches("/password/reset?token=").to_owned();

    let page = browser.get(app.url(&path)).send().await.unwrap().text().await.unwrap();
    assert_eq!(hidden(&page, "token"), token);
    let weak = browser
        .post(app.url("/password/reset"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("token", token.as_str()),
            ("password", "short"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(weak.status(), 422);
    let done = browser
        .post(app.url("/password/reset"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("token", token.as_str()),
            ("password", "brand new password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 303, "a refused password left the link working");
    let ended = app
        .state
        .ctx()
        .store
        .get_session(&other_session.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ended.end_reason.as_deref(), Some("password_reset"));
    let again = browser
        .post(app.url("/password/reset"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("token", token.as_str()),
            ("password", "another new password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 410, "a reset link works once");

    let outcome = hallpass_core::signin::password::sign_in(
        app.state.ctx(),
        app.state.policy(),
        &app.state.config().passwords,
        "hal@example.com",
        "brand new password",
        Default::default(),
    )
    .await
    .unwrap();
    assert!(matches!(
        outcome,
        hallpass_core::signin::password::PasswordSignIn::SignedIn { .. }
    ));
}

#[tokio::test]
async fn a_common_password_is_refused_at_sign_up() {
    let app = TestApp::start().await;
    let browser = browser();
    let html = browser
        .get(app.url("/signup"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = hidden(&html, "csrf");
    let response = browser
        .post(app.url("/signup"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "common@example.com"),
            ("password", "Password123"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("most common passwords"));
    assert!(app.mails().is_empty(), "nothing is sent for a refused sign-up");
}

async fn password_sign_in(app: &TestApp, browser: &reqwest::Client, email: &str, password: &str) {
    let html = browser
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = hidden(&html, "csrf");
    let response = browser
        .post(app.url("/login"))
        .form(&[("csrf", csrf.as_str()), ("email", email), ("password", password)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
}

#[tokio::test]
async fn the_account_page_changes_name_and_password_and_ends_other_sessions() {
    let app = TestApp::start().await;
    let new = hallpass_core::services::users::NewUser {
        email: "ida@example.com".into(),
        password: Some("first pass phrase".into()),
        email_verified: true,
        ..Default::default()
    };
    hallpass_core::services::users::create_user(
        app.state.ctx(),
        new,
        &app.state.config().passwords,
        &hallpass_core::services::audit::Actor::Cli,
    )
    .await
    .unwrap();
    let (laptop, phone, tablet) = (browser(), browser(), browser());
    for device in [&laptop, &phone, &tablet] {
        password_sign_in(&app, device, "ida@example.com", "first pass phrase").await;
    }
    let html = laptop
        .get(app.url("/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        html.matches("Sign out there").count(),
        2,
        "the two other sessions can be ended"
    );
    assert_eq!(html.matches("this browser").count(), 1);
    let csrf = hidden(&html, "csrf");

    let renamed = laptop
        .post(app.url("/account/name"))
        .form(&[("csrf", csrf.as_str()), ("name", "Ida B.")])
        .send()
        .await
        .unwrap();
    assert!(renamed.text().await.unwrap().contains("value=\"Ida B.\""));

    let start = html.find("/account/sessions/").unwrap();
    let revoke_path = html[start..].split('"').next().unwrap().to_owned();
    let revoked = laptop
        .post(app.url(&revoke_path))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert!(revoked.text().await.unwrap().contains("That device is signed out"));
    let still_in = [
        phone.get(app.url("/account")).send().await.unwrap(),
        tablet.get(app.url("/account")).send().await.unwrap(),
    ];
    assert_eq!(
        still_in.iter().filter(|r| r.status() == 200).count(),
        1,
        "exactly one of the other devices was signed out"
    );

    let wrong = laptop
        .post(app.url("/account/password"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("current_password", "not it"),
            ("new_password", "second pass phrase"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 422);
    assert!(wrong.text().await.unwrap().contains("current password is not right"));
    let changed = laptop
        .post(app.url("/account/password"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("current_password", "first pass phrase"),
            ("new_password", "second pass phrase"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    for device in [&phone, &tablet] {
        assert_eq!(
            device.get(app.url("/account")).send().await.unwrap().status(),
            303,
            "other devices are signed out"
        );
    }
    assert_eq!(
        laptop.get(app.url("/account")).send().await.unwrap().status(),
        200,
        "this one stays"
    );
    let stranger = browser();
    password_sign_in(&app, &stranger, "ida@example.com", "second pass phrase").await;
    let forged = laptop
        .post(app.url("/account/name"))
        .form(&[("csrf", "wrong"), ("name", "X")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
}
