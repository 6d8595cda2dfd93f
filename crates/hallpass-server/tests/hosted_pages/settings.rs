//! Sign-in settings changed at run time (`services::settings`, what the API,
//! the CLI and the admin console call) show on the very next page and mail,
//! on every node; a method turned off disappears and its form refuses.

use super::*;
use hallpass_core::services::audit::Actor;
use hallpass_core::services::settings::{self, Change, SignInSettingsChange};

async fn change(app: &TestApp, change: SignInSettingsChange) {
    let defaults = app.state.signin_defaults();
    settings::update(app.state.ctx(), defaults, change, &Actor::Cli)
        .await
        .unwrap();
}

async fn page(app: &TestApp, path: &str) -> String {
    let request = browser().get(app.url(path)).header("accept", "text/html");
    request.send().await.unwrap().text().await.unwrap()
}

fn acme() -> SignInSettingsChange {
    SignInSettingsChange {
        product_name: Change::Set("Acme <Login>".into()),
        logo_url: Change::Set("https://cdn.acme.test/logo.png?v=\"onerror=\"alert(1)".into()),
        primary_color: Change::Set("#A0B1C2".into()),
        support_email: Change::Set("help@acme.test".into()),
        ..SignInSettingsChange::default()
    }
}

#[tokio::test]
async fn new_branding_shows_on_the_next_page_and_mail() {
    let app = TestApp::start().await;
    let before = page(&app, "/login").await;
    assert!(before.contains("<p class=\"product\">Hallpass</p>") && !before.contains("class=\"logo\""));
    assert!(before.contains("/static/theme.css?v=default"));

    change(&app, acme()).await;
    let login = page(&app, "/login").await;
    assert!(login.contains("Acme &lt;Login&gt;"), "the name, HTML-escaped: {login}");
    assert!(!login.contains("<Login>"));
    assert!(
        login.contains(
            "<img class=\"logo\" src=\"https:&#x2f;&#x2f;cdn.acme.test&#x2f;logo.png?v=%22onerror=%22alert(1)\""
        ),
        "the logo, its quotes percent-encoded so the attribute cannot be left: {login}"
    );
    assert!(login.contains("mailto:help@acme.test"), "the support address");
    assert!(
        login.contains("/static/theme.css?v=a0b1c2"),
        "the stylesheet's URL follows the colour, so no cached copy hides it"
    );
    let theme = browser()
        .get(app.url("/static/theme.css?v=a0b1c2"))
        .send()
        .await
        .unwrap();
    assert_eq!(theme.text().await.unwrap(), ":root { --primary: #a0b1c2; }\n");
    for path in ["/signup", "/password/forgot", "/no-such-page"] {
        assert!(page(&app, path).await.contains("Acme &lt;Login&gt;"), "{path}");
    }

    existing_user(&app, "ada@example.com").await;
    ask_for_code(&app, &browser(), "ada@example.com", "/account").await;
    let mail = app.mails().await.remove(0);
    assert!(mail.subject.contains("Acme <Login> sign-in code"), "{}", mail.subject);
    assert!(
        mail.html.contains("Acme &lt;Login&gt;") && mail.html.contains("#a0b1c2"),
        "{}",
        mail.html
    );

    // Back to the configuration: the next page is Hallpass's again.
    change(
        &app,
        SignInSettingsChange {
            product_name: Change::Reset,
            logo_url: Change::Reset,
            primary_color: Change::Reset,
            support_email: Change::Reset,
            ..SignInSettingsChange::default()
        },
    )
    .await;
    let without_csrf = |html: String| html.replace(&hidden(&html, "csrf"), "");
    assert_eq!(without_csrf(page(&app, "/login").await), without_csrf(before));
    let theme = browser().get(app.url("/static/theme.css")).send().await.unwrap();
    assert_eq!(theme.text().await.unwrap(), "");
}

#[tokio::test]
async fn a_method_turned_off_disappears_and_its_form_refuses() {
    let app = TestApp::start().await;
    app.user_with_password("ada@example.com", "correct horse battery").await;
    let login = page(&app, "/login").await;
    assert!(login.contains("id=\"password\"") && login.contains("Forgot your password"));

    let off = SignInSettingsChange {
        password: Change::Set(false),
        magic_link: Change::Set(false),
        ..SignInSettingsChange::default()
    };
    change(&app, off).await;
    let browser = browser();
    let html = browser
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !html.contains("id=\"password\"") && !html.contains("Forgot your password"),
        "{html}"
    );
    let csrf = hidden(&html, "csrf");
    let refused = browser
        .post(app.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "ada@example.com"),
            ("password", "correct horse battery"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        refused.status(),
        404,
        "the password form refuses, as when configured off"
    );
    let forgot = browser
        .post(app.url("/password/forgot"))
        .form(&[("csrf", csrf.as_str()), ("email", "ada@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(forgot.status(), 404, "and so does a reset");
    ask_for_code(&app, &browser, "ada@example.com", "/account").await;
    let mail = app.mails().await.remove(0);
    assert!(
        mail.text.contains("sign-in code is") && !mail.text.contains("/login/link?token="),
        "with links off the mail carries only the code: {}",
        mail.text
    );

    change(
        &app,
        SignInSettingsChange {
            password: Change::Reset,
            ..SignInSettingsChange::default()
        },
    )
    .await;
    password_sign_in(&app, &super::browser(), "ada@example.com", "correct horse battery").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_node_on_the_same_database_shows_a_change_at_once() {
    let Some(schema) = hallpass_store_postgres::testing::test_schema().await else {
        return;
    };
    let shared = |c: &mut hallpass_server::config::Config| {
        c.database_url = Some(hallpass_server::config::Secret::new(schema.url_with_schema()));
        c.master_key = Some(hallpass_server::config::Secret::new("33".repeat(32)));
    };
    let a = TestApp::start_with(&shared).await;
    let b = TestApp::start_with(&shared).await;
    assert!(page(&b, "/login").await.contains("<p class=\"product\">Hallpass</p>"));

    change(&a, acme()).await;
    assert!(
        page(&b, "/login").await.contains("Acme &lt;Login&gt;"),
        "node B, next request"
    );
    existing_user(&b, "ada@example.com").await;
    ask_for_code(&b, &browser(), "ada@example.com", "/account").await;
    assert!(b.mails().await[0].subject.contains("Acme <Login>"), "and node B's mail");

    change(
        &a,
        SignInSettingsChange {
            email_code: Change::Set(false),
            magic_link: Change::Set(false),
            ..SignInSettingsChange::default()
        },
    )
    .await;
    let browser = browser();
    let html = browser.get(b.url("/login")).send().await.unwrap().text().await.unwrap();
    assert!(
        !html.contains("/login/code"),
        "no mail sign-in offered on node B: {html}"
    );
    let refused = browser
        .post(b.url("/login/code"))
        .form(&[("csrf", hidden(&html, "csrf").as_str()), ("email", "ada@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 404);
    schema.drop_schema().await;
}
