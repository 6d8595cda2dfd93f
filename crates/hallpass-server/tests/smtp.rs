//! Mail through a real SMTP server process on loopback (Python's aiosmtpd,
//! writing what it receives to a Maildir): the code a user types is read
//! from the message that arrived.
//!
//! Without python3 and aiosmtpd these tests say so loudly and pass; with
//! `CI=true` they fail (`.ci/run` installs aiosmtpd).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use hallpass_core::signin::mailer::{Mailer, Message};
use hallpass_server::config::Branding;
use hallpass_server::mail::Smtp;
use std::sync::Arc;
use support::app::TestApp;
use support::smtp::smtp_server;

#[tokio::test]
async fn smtp_delivers_branded_plain_text_mail() {
    let Some(server) = smtp_server().await else { return };
    let brand = Branding {
        product_name: "Acme Login".into(),
        ..Branding::default()
    };
    let smtp = Smtp::new(&server.url, "Acme <auth@acme.test>", brand).unwrap();
    let message = Message::SignupCode {
        to: "dana@example.com".into(),
        code: "424242".into(),
        minutes: 5,
    };
    smtp.send(&message).await.unwrap();
    let mail = server.received(1).await.remove(0);
    assert!(mail.contains("From: Acme <auth@acme.test>"), "{mail}");
    assert!(mail.contains("To: dana@example.com"));
    assert!(mail.contains("Subject: 424242 is your Acme Login code"));
    assert!(mail.contains("Your Acme Login code is 424242"));
    assert!(
        mail.contains("multipart/alternative") && mail.contains("text/html"),
        "a branded HTML part too: {mail}"
    );
}

#[tokio::test]
async fn an_unreachable_smtp_server_is_an_error_not_a_panic() {
    let _bound = support::Watchdog::arm();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let smtp = Smtp::new(&format!("smtp://127.0.0.1:{port}"), "a@b.test", Branding::default()).unwrap();
    let err = smtp
        .send(&Message::NoAccount {
            to: "x@example.com".into(),
        })
        .await
        .unwrap_err();
    assert!(!err.is_empty());
    assert!(Smtp::new("not a url", "a@b.test", Branding::default()).is_err());
}

#[tokio::test]
async fn sign_up_with_the_code_from_the_received_mail() {
    let Some(server) = smtp_server().await else { return };
    let smtp = Smtp::new(&server.url, "Hallpass <auth@hallpass.test>", Branding::default()).unwrap();
    let app = TestApp::start_mailing(|_| {}, Some(Arc::new(smtp))).await;
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let html = browser
        .get(app.url("/signup"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).unwrap() + marker.len();
    let csrf = html[start..start + 43].to_owned();
    let response = browser
        .post(app.url("/signup"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "mailed@example.com"),
            ("password", "mailed pass phrase"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mail = server.received(1).await.remove(0);
    let code = support::smtp::code_in(&mail);
    let verified = browser
        .post(app.url("/signup/verify"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "mailed@example.com"),
            ("code", &code),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(verified.status(), 303);
}
