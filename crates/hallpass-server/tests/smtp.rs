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

/// Holds every connection to the mail server until `open` turns true.
async fn gate_in_front_of(upstream: String) -> (String, tokio::sync::watch::Sender<bool>) {
    let gate = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://{}", gate.local_addr().unwrap());
    let (open, opened) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = gate.accept().await {
            let (mut opened, upstream) = (opened.clone(), upstream.clone());
            tokio::spawn(async move {
                let _ = opened.wait_for(|open| *open).await;
                let mut outbound = tokio::net::TcpStream::connect(&upstream).await.unwrap();
                let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
            });
        }
    });
    (url, open)
}

#[tokio::test]
async fn mail_queued_when_the_server_stops_still_goes_out() {
    let Some(smtp) = smtp_server().await else { return };
    let (gated_url, open) = gate_in_front_of(smtp.url.trim_start_matches("smtp://").to_owned()).await;
    let dir = tempfile::tempdir().unwrap();
    let created = support::run(dir.path(), &["users", "create", "--email", "quinn@example.com"]).await;
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    let server = support::Server::start(dir.path(), &[], &[("HALLPASS_SMTP_URL", gated_url.as_str())])
        .await
        .unwrap();
    let browser = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let csrf = support::csrf_of(&browser, &server.url("/password/forgot")).await;
    let asked = browser
        .post(server.url("/password/forgot"))
        .form(&[("csrf", csrf.as_str()), ("email", "quinn@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), 200, "answered while the mail waits at the gate");

    // SIGTERM; once the server has stopped taking requests, let the mail through.
    let address = server.base.trim_start_matches("http://").to_owned();
    std::process::Command::new("kill")
        .args(["-TERM", &server.pid().to_string()])
        .status()
        .unwrap();
    let stopped_listening = async {
        while tokio::net::TcpStream::connect(&address).await.is_ok() {
            tokio::task::yield_now().await;
        }
    };
    let bound = std::time::Duration::from_secs(10);
    assert!(
        tokio::time::timeout(bound, stopped_listening).await.is_ok(),
        "the server stopped listening"
    );
    open.send(true).unwrap();
    let (status, stderr) = server.wait().await;
    assert!(status.success(), "{stderr}");
    let mail = smtp.received(1).await.remove(0);
    assert!(mail.contains("/password/reset?token="), "{mail}");
}

#[tokio::test]
async fn mail_over_smtp_carries_the_branding_changed_at_run_time() {
    use hallpass_core::services::audit::Actor;
    use hallpass_core::services::settings::{self, Change, SignInSettingsChange};
    let Some(server) = smtp_server().await else { return };
    let smtp = Smtp::new(&server.url, "Auth <auth@acme.test>", Branding::default()).unwrap();
    let app = TestApp::start_mailing(|_| {}, Some(Arc::new(smtp))).await;
    app.user_with_password("rosa@example.com", "a long pass phrase").await;
    let change = SignInSettingsChange {
        product_name: Change::Set("Acme Login".into()),
        support_email: Change::Set("help@acme.test".into()),
        ..SignInSettingsChange::default()
    };
    settings::update(app.state.ctx(), app.state.signin_defaults(), change, &Actor::Cli)
        .await
        .unwrap();
    let browser = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let csrf = support::csrf_of(&browser, &app.url("/password/forgot")).await;
    let asked = browser
        .post(app.url("/password/forgot"))
        .form(&[("csrf", csrf.as_str()), ("email", "rosa@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), 200);
    let mail = server.received(1).await.remove(0);
    assert!(mail.contains("Subject: Reset your Acme Login password"), "{mail}");
    assert!(!mail.contains("Hallpass"), "nothing of the configured name: {mail}");
}
