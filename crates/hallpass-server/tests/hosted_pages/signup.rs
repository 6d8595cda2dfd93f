//! Signing up: the address is proved before the account exists.

use super::*;

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

    let mail = app.mails().await.into_iter().next().expect("a code was mailed");
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
async fn an_abandoned_sign_up_can_start_again() {
    let app = TestApp::start().await;
    let browser = browser();
    let csrf = page_csrf(&app, &browser, "/signup").await;
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
    let mails = app.mails().await;
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
    assert_signed_in_as(&app, &browser, "again@example.com").await;
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
    assert!(app.mails().await[0].subject.contains("already have"));
}

#[tokio::test]
async fn a_common_password_is_refused_at_sign_up() {
    let app = TestApp::start().await;
    let browser = browser();
    let csrf = page_csrf(&app, &browser, "/signup").await;
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
    assert!(app.mails().await.is_empty(), "nothing is sent for a refused sign-up");
}

/// Starts a sign-up in `browser`; gives the CSRF token its forms carry.
async fn start_sign_up(app: &TestApp, browser: &reqwest::Client, email: &str, password: &str) -> String {
    let csrf = page_csrf(app, browser, "/signup").await;
    let response = browser
        .post(app.url("/signup"))
        .form(&[("csrf", csrf.as_str()), ("email", email), ("password", password)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    csrf
}

async fn verify_sign_up(app: &TestApp, browser: &reqwest::Client, csrf: &str, email: &str, code: &str) -> u16 {
    let response = browser
        .post(app.url("/signup/verify"))
        .form(&[("csrf", csrf), ("email", email), ("code", code)])
        .send()
        .await
        .unwrap();
    response.status().as_u16()
}

#[tokio::test]
async fn a_second_sign_up_for_the_same_address_cannot_take_over_the_first() {
    let app = TestApp::start().await;
    let victim = browser();
    let victim_csrf = start_sign_up(&app, &victim, "vic@example.com", "the victim's pass phrase").await;
    // Inside the first one's window, an attacker signs up the same address
    // with a password of their own; the owner then gets a second code.
    start_sign_up(&app, &browser(), "vic@example.com", "the attacker's pass phrase").await;
    let attackers_code: String = app.mails().await[0].subject.chars().take(6).collect();
    let status = verify_sign_up(&app, &victim, &victim_csrf, "vic@example.com", &attackers_code).await;
    assert_ne!(status, 303, "the attacker's code does not work in the owner's browser");
    let user = app
        .state
        .ctx()
        .store
        .find_user_by_email(&hallpass_core::values::Email::parse("vic@example.com").unwrap())
        .await
        .unwrap();
    assert!(user.is_none(), "no account with the attacker's password");

    // Starting again in the owner's browser works as usual.
    let victim_csrf = start_sign_up(&app, &victim, "vic@example.com", "the victim's pass phrase").await;
    let code: String = app.mails().await[0].subject.chars().take(6).collect();
    assert_eq!(
        verify_sign_up(&app, &victim, &victim_csrf, "vic@example.com", &code).await,
        303
    );
    password_sign_in(&app, &browser(), "vic@example.com", "the victim's pass phrase").await;
}
