//! No form tells whether an address has an account: the same answer for a
//! known and an unknown address, and mail leaves outside the request.

use super::*;
use async_trait::async_trait;
use hallpass_core::signin::mailer::{Mailer, Message};
use std::sync::Arc;
use tokio::sync::Notify;

const KNOWN: &str = "known@example.com";
const UNKNOWN: &str = "nobody@example.com";

/// A form's path and its fields.
type Step<'a> = (&'a str, &'a [(&'a str, &'a str)]);

/// One form after another in a fresh browser, `{email}` standing for the
/// address; gives the last answer as a comparable text.
async fn answer(app: &TestApp, email: &str, steps: &[Step<'_>]) -> String {
    let browser = browser();
    let csrf = page_csrf(app, &browser, "/login").await;
    let mut last = None;
    for (path, fields) in steps {
        let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        form.extend(
            fields
                .iter()
                .map(|(k, v)| (*k, if *v == "{email}" { email } else { v })),
        );
        last = Some(browser.post(app.url(path)).form(&form).send().await.unwrap());
    }
    let response = last.unwrap();
    let status = response.status();
    let cookies: Vec<String> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|c| {
            let c = c.to_str().unwrap();
            let (name, rest) = c.split_once('=').unwrap();
            format!("{name}=…{}", &rest[rest.find(';').unwrap_or(rest.len())..])
        })
        .collect();
    let body = response
        .text()
        .await
        .unwrap()
        .replace(email, "ADDRESS")
        .replace(&csrf, "CSRF");
    format!("{status}\n{cookies:?}\n{body}")
}

#[tokio::test]
async fn every_form_answers_alike_for_a_known_and_an_unknown_address() {
    let app = TestApp::start().await;
    app.user_with_password(KNOWN, "the owner's pass phrase").await;
    let sign_up: &[(&str, &str)] = &[("email", "{email}"), ("password", "a new pass phrase")];
    let cases: Vec<(&str, Vec<Step<'_>>)> = vec![
        ("sign up", vec![("/signup", sign_up)]),
        (
            "sign-up code",
            vec![
                ("/signup", sign_up),
                ("/signup/verify", &[("email", "{email}"), ("code", "000000")]),
            ],
        ),
        (
            "password",
            vec![("/login", &[("email", "{email}"), ("password", "a wrong guess")])],
        ),
        ("ask for a code", vec![("/login/code", &[("email", "{email}")])]),
        (
            "sign-in code",
            vec![
                ("/login/code", &[("email", "{email}")]),
                ("/login/code/verify", &[("email", "{email}"), ("code", "000000")]),
            ],
        ),
        ("forgot password", vec![("/password/forgot", &[("email", "{email}")])]),
    ];
    for (form, steps) in cases {
        let known = answer(&app, KNOWN, &steps).await;
        let unknown = answer(&app, UNKNOWN, &steps).await;
        assert_eq!(known, unknown, "{form}: the answers differ");
    }
}

/// Holds every message until the test lets it go.
#[derive(Debug, Default)]
struct HeldMailer {
    release: Notify,
}

#[async_trait]
impl Mailer for HeldMailer {
    async fn send(&self, _message: &Message) -> Result<(), String> {
        self.release.notified().await;
        Ok(())
    }
}

#[tokio::test]
async fn forms_answer_before_their_mail_goes_out() {
    let held = Arc::new(HeldMailer::default());
    let app = TestApp::start_mailing(|_| {}, Some(held.clone())).await;
    app.user(KNOWN).await;
    let bound = std::time::Duration::from_secs(10);
    let email: &[(&str, &str)] = &[("email", "{email}")];
    let sign_up: &[(&str, &str)] = &[("email", "{email}"), ("password", "a new pass phrase")];
    for (path, fields) in [
        ("/password/forgot", email),
        ("/login/code", email),
        ("/signup", sign_up),
    ] {
        let answered = tokio::time::timeout(bound, answer(&app, KNOWN, &[(path, fields)])).await;
        assert!(answered.is_ok(), "{path} waited for its mail");
    }
    held.release.notify_waiters();
}
