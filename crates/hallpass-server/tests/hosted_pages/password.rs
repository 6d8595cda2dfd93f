//! Passwords: sign in, reset, limits, and where a finished sign-in may go.

use super::*;

#[tokio::test]
async fn sign_in_with_a_password_and_refuse_wrong_ones_alike() {
    let app = TestApp::start().await;
    let client = app.client(|_| {}).await;
    app.user_with_password("pat@example.com", "correct horse battery").await;
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
async fn reset_a_password_by_mail_and_sign_out_everywhere_else() {
    let app = TestApp::start().await;
    let user = app.user_with_password("hal@example.com", "old password 1").await;
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
    assert_eq!(app.mails().await.len(), 1, "only the account's owner gets mail");
    let mail = app.mails().await.remove(0);
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
    let ended = app.session(&other_session.id).await;
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
        &app.config.passwords,
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
async fn too_many_attempts_get_a_429_that_says_when_to_retry() {
    let app = TestApp::start_with(|c| c.limits.failures_before_delay = 3).await;
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
