//! A real SMTP server process on loopback (Python's aiosmtpd, writing what it
//! receives to a Maildir). Without python3 and aiosmtpd the tests that need
//! it say so loudly and pass; under CI (`CI` set, not empty, `0` or `false`)
//! they fail (`.ci/run` installs it).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::process::{Child, Command};

pub struct SmtpServer {
    pub url: String,
    pub maildir: PathBuf,
    _process: Child,
    _dir: tempfile::TempDir,
}

pub async fn smtp_server() -> Option<SmtpServer> {
    let available = std::process::Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .status()
        .is_ok_and(|s| s.success());
    if !available {
        let message = "python3 with aiosmtpd is not installed; the SMTP tests did NOT run (pip install aiosmtpd)";
        if hallpass_store_postgres::testing::in_ci() {
            panic!("{message} (under CI this is a failure)");
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
pub async fn received(maildir: &Path, at_least: usize) -> Vec<String> {
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

/// The sign-in or sign-up code in a received message: its subject starts with it.
pub fn code_in(mail: &str) -> String {
    let subject = mail.lines().find(|l| l.starts_with("Subject: ")).unwrap();
    let code: String = subject["Subject: ".len()..].chars().take(6).collect();
    assert!(code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()), "{subject}");
    code
}
