//! Every form refuses a POST whose CSRF token is missing or wrong, and the
//! refused POST changes nothing: no mail, no code or link used up, no
//! account, no new password, no session ended.

use super::*;
use hallpass_core::values::Email;

/// A wrong token of the right shape, so only the comparison can refuse it.
fn wrong_token() -> String {
    "x".repeat(43)
}

/// Gives `browser` a CSRF cookie and returns the token that matches it.
async fn csrf_of(app: &TestApp, browser: &reqwest::Client) -> String {
    let html = browser
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    hidden(&html, "csrf")
}

/// Posts `fields` to `path` once without a CSRF field and once with a wrong
/// one (the browser holds a real CSRF cookie); both must be 403.
async fn forgeries_are_refused(app: &TestApp, browser: &reqwest::Client, path: &str, fields: &[(&str, &str)]) {
    let wrong = wrong_token();
    for csrf in [None, Some(wrong.as_str())] {
        let mut form = fields.to_vec();
        form.extend(csrf.map(|token| ("csrf", token)));
        let response = browser.post(app.url(path)).form(&form).send().await.unwrap();
        assert_eq!(response.status(), 403, "POST {path} with csrf {csrf:?}");
    }
}

fn code_in(mail: &support::app::Mail) -> String {
    mail.subject.chars().take(6).collect()
}

async fn user_named(app: &TestApp, email: &str) -> Option<hallpass_core::store::User> {
    let email = Email::parse(email).unwrap();
    app.state.ctx().store.find_user_by_email(&email).await.unwrap()
}

#[tokio::test]
async fn asking_for_a_code_mails_nothing_without_the_token() {
    let app = TestApp::start().await;
    existing_user(&app, "ann@example.com").await;
    let browser = browser();
    csrf_of(&app, &browser).await;
    forgeries_are_refused(&app, &browser, "/login/code", &[("email", "ann@example.com")]).await;
    assert!(app.mails().await.is_empty(), "no mail was sent");
}

#[tokio::test]
async fn a_forged_code_check_does_not_use_the_code() {
    let app = TestApp::start().await;
    existing_user(&app, "ben@example.com").await;
    let browser = browser();
    let (csrf, _) = ask_for_code(&app, &browser, "ben@example.com", "/account").await;
    let code = code_in(&app.mails().await[0]);
    let fields = [("email", "ben@example.com"), ("code", code.as_str())];
    forgeries_are_refused(&app, &browser, "/login/code/verify", &fields).await;
    assert_eq!(
        browser.get(app.url("/account")).send().await.unwrap().status(),
        303,
        "no session was started"
    );
    let mut form = fields.to_vec();
    form.push(("csrf", csrf.as_str()));
    let used = browser
        .post(app.url("/login/code/verify"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(used.status(), 303, "the code still works, tries not spent");
}

#[tokio::test]
async fn a_forged_link_click_does_not_use_the_link() {
    let app = TestApp::start().await;
    existing_user(&app, "cat@example.com").await;
    let browser = browser();
    let (csrf, _) = ask_for_code(&app, &browser, "cat@example.com", "/account").await;
    let token = link_token(&app.mails().await[0]);
    forgeries_are_refused(&app, &browser, "/login/link", &[("token", token.as_str())]).await;
    let used = browser
        .post(app.url("/login/link"))
        .form(&[("csrf", csrf.as_str()), ("token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(used.status(), 303, "the link still works");
}

#[tokio::test]
async fn a_forged_reset_request_mails_nothing() {
    let app = TestApp::start().await;
    app.user_with_password("dan@example.com", "old password 1").await;
    let browser = browser();
    csrf_of(&app, &browser).await;
    forgeries_are_refused(&app, &browser, "/password/forgot", &[("email", "dan@example.com")]).await;
    assert!(app.mails().await.is_empty(), "no mail was sent");
}

#[tokio::test]
async fn a_forged_reset_leaves_the_password_and_the_link() {
    let app = TestApp::start().await;
    let user = app.user_with_password("eve@example.com", "old password 1").await;
    let browser = browser();
    let csrf = csrf_of(&app, &browser).await;
    browser
        .post(app.url("/password/forgot"))
        .form(&[("csrf", csrf.as_str()), ("email", "eve@example.com")])
        .send()
        .await
        .unwrap();
    let token = link_token(&app.mails().await[0]);
    let fields = [("token", token.as_str()), ("password", "forged new password")];
    forgeries_are_refused(&app, &browser, "/password/reset", &fields).await;
    let after = user_named(&app, "eve@example.com").await.unwrap();
    assert_eq!(after.password_hash, user.password_hash, "the password is unchanged");
    let used = browser
        .post(app.url("/password/reset"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("token", token.as_str()),
            ("password", "chosen new password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(used.status(), 303, "the link still works");
}

#[tokio::test]
async fn a_forged_sign_up_creates_and_mails_nothing() {
    let app = TestApp::start().await;
    let browser = browser();
    csrf_of(&app, &browser).await;
    let fields = [("email", "fay@example.com"), ("password", "a long pass phrase")];
    forgeries_are_refused(&app, &browser, "/signup", &fields).await;
    assert!(app.mails().await.is_empty(), "no mail was sent");
    assert!(user_named(&app, "fay@example.com").await.is_none(), "no account");
}

#[tokio::test]
async fn a_forged_sign_up_check_creates_nothing_and_keeps_the_code() {
    let app = TestApp::start().await;
    let browser = browser();
    let csrf = csrf_of(&app, &browser).await;
    browser
        .post(app.url("/signup"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "gil@example.com"),
            ("password", "a long pass phrase"),
        ])
        .send()
        .await
        .unwrap();
    let code = code_in(&app.mails().await[0]);
    let fields = [("email", "gil@example.com"), ("code", code.as_str())];
    forgeries_are_refused(&app, &browser, "/signup/verify", &fields).await;
    assert!(user_named(&app, "gil@example.com").await.is_none(), "no account");
    let mut form = fields.to_vec();
    form.push(("csrf", csrf.as_str()));
    let used = browser
        .post(app.url("/signup/verify"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(used.status(), 303, "the code still works, tries not spent");
}

#[tokio::test]
async fn a_forged_sign_out_ends_no_session() {
    let app = TestApp::start().await;
    app.user_with_password("hat@example.com", "the pass phrase").await;
    let browser = browser();
    password_sign_in(&app, &browser, "hat@example.com", "the pass phrase").await;
    forgeries_are_refused(&app, &browser, "/logout", &[]).await;
    assert_eq!(
        browser.get(app.url("/account")).send().await.unwrap().status(),
        200,
        "still signed in"
    );
    let user = user_named(&app, "hat@example.com").await.unwrap();
    let sessions = app.state.ctx().store.list_user_sessions(&user.id).await.unwrap();
    assert!(sessions.iter().all(|s| s.ended_at.is_none()), "no session ended");
}

/// A cross-site page can post `text/plain` without a preflight: the forms take
/// only form-encoded bodies, even ones carrying the right token.
#[tokio::test]
async fn a_body_that_is_not_form_encoded_is_refused() {
    let app = TestApp::start().await;
    app.user_with_password("ink@example.com", "the pass phrase").await;
    let browser = browser();
    password_sign_in(&app, &browser, "ink@example.com", "the pass phrase").await;
    let csrf = csrf_of(&app, &browser).await;
    for path in ["/account/name", "/logout"] {
        let response = browser
            .post(app.url(path))
            .header("content-type", "text/plain")
            .body(format!("csrf={csrf}&name=Mallory"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "POST {path}");
    }
    let user = user_named(&app, "ink@example.com").await.unwrap();
    assert_eq!(user.name, None, "the name is unchanged");
    assert_eq!(
        browser.get(app.url("/account")).send().await.unwrap().status(),
        200,
        "still signed in"
    );
}
