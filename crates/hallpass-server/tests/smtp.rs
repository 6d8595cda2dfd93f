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
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use support::app::TestApp;
use tokio::process::{Child, Command};

struct SmtpServer {
    url: String,
    maildir: PathBuf,
    _process: Child,
    _dir: tempfile::TempDir,
}

async fn smtp_server() -> Option<SmtpServer> {
    let available = std::process::Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .status()
        .is_ok_and(|s| s.success());
    if !available {
        let message = "python3 with aiosmtpd is not installed; the SMTP tests did NOT run (pip install aiosmtpd)";
        if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
            panic!("{message} (CI=true makes this a failure)");
        }
        let _ = writeln!(std::io::stderr(), "\n!!!!!!!! {message} !!!!!!!!\n");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let maildir = dir.path().join("Maildir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let process = Command::new("python3")
        .args([
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            &format!("127.0.0.1:{port}"),
            "-c",
            "aiosmtpd.handlers.Mailbox",
        ])
        .arg(&maildir)
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return Some(SmtpServer {
                url: format!("smtp://127.0.0.1:{port}"),
                maildir,
                _process: process,
                _dir: dir,
            });
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("aiosmtpd did not start");
}

/// The messages that arrived, as raw text.
async fn received(maildir: &Path, at_least: usize) -> Vec<String> {
    for _ in 0..100 {
        let mut mails = Vec::new();
        if let Ok(entries) = std::fs::read_dir(maildir.join("new")) {
            for entry in entries.flatten() {
                mails.push(std::fs::read_to_string(entry.path()).unwrap());
            }
        }
        if mails.len() >= at_least {
            return mails;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no mail arrived in {}", maildir.display());
}

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
    let mail = received(&server.maildir, 1).await.remove(0);
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
    let mail = received(&server.maildir, 1).await.remove(0);
    let subject = mail.lines().find(|l| l.starts_with("Subject: ")).unwrap();
    let code: String = subject["Subject: ".len()..].chars().take(6).collect();
    assert!(code.chars().all(|c| c.is_ascii_digit()), "{subject}");
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
