//! The sign-in methods the configuration turns on are the only ones offered.

use super::*;

#[tokio::test]
async fn links_only_no_password_no_code() {
    let app = TestApp::start_with(|c| {
        c.signin.methods = vec!["magic_link".into()];
        c.signin.ask_name = false;
    })
    .await;
    let browser = browser();
    let html = browser
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("id=\"password\""), "no password field");
    assert!(!html.contains("Forgot your password"));
    assert!(html.contains("Email me a sign-in link"));
    let csrf = hidden(&html, "csrf");
    let refused = browser
        .post(app.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "x@example.com"),
            ("password", "whatever pass"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 404, "password sign-in is off");

    // Sign up with only an address, proved by the mailed code.
    let signup = browser
        .get(app.url("/signup"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!signup.contains("id=\"password\"") && !signup.contains("id=\"name\""));
    let started = browser
        .post(app.url("/signup"))
        .form(&[("csrf", csrf.as_str()), ("email", "linky@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), 200);
    let code: String = app.mails().await[0].subject.chars().take(6).collect();
    let verified = browser
        .post(app.url("/signup/verify"))
        .form(&[("csrf", csrf.as_str()), ("email", "linky@example.com"), ("code", &code)])
        .send()
        .await
        .unwrap();
    assert_eq!(verified.status(), 303);
    let user = app
        .state
        .ctx()
        .store
        .find_user_by_email(&hallpass_core::values::Email::parse("linky@example.com").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(user.password_hash.is_none(), "no password was asked for or stored");

    // A sign-in mail carries only a link, and codes cannot be typed.
    let fresh = super::browser();
    let (fresh_csrf, _) = ask_for_code(&app, &fresh, "linky@example.com", "/account").await;
    let mail = app.mails().await.remove(0);
    assert_eq!(mail.subject, "Your Hallpass sign-in link");
    assert!(mail.text.contains("/login/link?token=") && !mail.text.contains("sign-in code is"));
    let typed = fresh
        .post(app.url("/login/code/verify"))
        .form(&[
            ("csrf", fresh_csrf.as_str()),
            ("email", "linky@example.com"),
            ("code", "123456"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(typed.status(), 404);
}

#[tokio::test]
async fn passwords_only_no_mail_sign_in() {
    let app = TestApp::start_with(|c| c.signin.methods = vec!["password".into()]).await;
    let browser = browser();
    let html = browser
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"password\"") && !html.contains("/login/code"));
    let csrf = hidden(&html, "csrf");
    let refused = browser
        .post(app.url("/login/code"))
        .form(&[("csrf", csrf.as_str()), ("email", "x@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 404);
    assert!(app.mails().await.is_empty());
}
