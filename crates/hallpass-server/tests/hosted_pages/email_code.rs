//! Emailed codes and magic links.

use super::*;

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
    let mail = app.mails().await.remove(0);
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
    // The code's own tries run out here, before the sign-in limits slow this browser.
    let app = TestApp::start_with(|c| c.limits.failures_before_delay = 10).await;
    existing_user(&app, "dev@example.com").await;
    let browser = browser();
    let (csrf, _) = ask_for_code(&app, &browser, "dev@example.com", "/account").await;
    let first: String = app.mails().await[0].subject.chars().take(6).collect();
    ask_for_code(&app, &browser, "dev@example.com", "/account").await;
    let second: String = app.mails().await[0].subject.chars().take(6).collect();
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
    let third: String = app.mails().await[0].subject.chars().take(6).collect();
    app.advance(std::time::Duration::from_secs(301));
    assert_eq!(try_code(third).await, 410, "codes live five minutes");
}

#[tokio::test]
async fn magic_links_ask_for_a_click_and_work_once() {
    let app = TestApp::start().await;
    existing_user(&app, "eli@example.com").await;
    let browser = browser();
    ask_for_code(&app, &browser, "eli@example.com", "/account").await;
    let token = link_token(&app.mails().await[0]);
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
    assert_signed_in_as(&app, &browser, "eli@example.com").await;
    assert_eq!(redeem().await.unwrap().status(), 410, "a link works once");
}

/// Opens a sign-in link in `browser` and clicks its button.
async fn click_link(app: &TestApp, browser: &reqwest::Client, token: &str) -> reqwest::Response {
    let html = browser
        .get(app.url(&format!("/login/link?token={token}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    browser
        .post(app.url("/login/link"))
        .form(&[("csrf", hidden(&html, "csrf").as_str()), ("token", token)])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_link_asked_for_the_attackers_account_does_not_sign_a_victim_in() {
    let app = TestApp::start().await; // the default configuration
    existing_user(&app, "mallory@example.com").await;
    app.user_with_password("victim@example.com", "the victim's own pass")
        .await;
    let attacker = browser();
    ask_for_code(&app, &attacker, "mallory@example.com", "/account").await;
    let token = link_token(&app.mails().await[0]);

    // The victim, signed in as themself, clicks the link the attacker sent.
    let victim = browser();
    password_sign_in(&app, &victim, "victim@example.com", "the victim's own pass").await;
    let refused = click_link(&app, &victim, &token).await;
    assert_eq!(refused.status(), 410, "a link works only in the browser that asked");
    assert!(
        refused.headers().get("set-cookie").is_none(),
        "the victim's session is untouched"
    );
    assert_signed_in_as(&app, &victim, "victim@example.com").await;

    let ok = click_link(&app, &attacker, &token).await;
    assert_eq!(
        ok.status(),
        303,
        "the asking browser can still use it: the other one did not use it up"
    );
    assert_signed_in_as(&app, &attacker, "mallory@example.com").await;
}

#[tokio::test]
async fn links_can_be_allowed_in_any_browser() {
    let app = TestApp::start_with(|c| c.signin.same_browser_links = false).await;
    existing_user(&app, "fay@example.com").await;
    ask_for_code(&app, &browser(), "fay@example.com", "/account").await;
    let token = link_token(&app.mails().await[0]);
    let elsewhere = browser();
    assert_eq!(click_link(&app, &elsewhere, &token).await.status(), 303);
    assert_signed_in_as(&app, &elsewhere, "fay@example.com").await;
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
    assert!(app.mails().await[0].subject.contains("No Hallpass account"));
}

#[tokio::test]
async fn the_json_outbox_gives_one_address_mail_newest_first() {
    let app = TestApp::start().await;
    let browser = browser();
    existing_user(&app, "dora@example.com").await;
    existing_user(&app, "eli@example.com").await;
    for email in ["dora@example.com", "eli@example.com", "dora@example.com"] {
        ask_for_code(&app, &browser, email, "/account").await;
    }
    let outbox = |query: &'static str| {
        let request = browser.get(app.url(&format!("/dev/outbox.json{query}")));
        async move {
            request
                .send()
                .await
                .unwrap()
                .json::<Vec<serde_json::Value>>()
                .await
                .unwrap()
        }
    };
    let mails = outbox("?to=DORA@example.com").await;
    assert_eq!(mails.len(), 2, "{mails:?}");
    assert!(mails.iter().all(|m| m["to"] == "dora@example.com"));
    assert_eq!(
        mails[0]["subject"].as_str().unwrap(),
        app.mails().await[0].subject,
        "the newest comes first"
    );
    let all = outbox("").await;
    assert_eq!(all.len(), 3);
}
