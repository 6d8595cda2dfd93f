//! A real SMTP server process on loopback (Python's aiosmtpd, writing what it
//! receives to a Maildir). Without python3 and aiosmtpd the tests that need
//! it say so loudly and pass; under CI (`CI` set, not empty, `0` or `false`)
//! they fail (`.ci/run` installs it).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::EVENT_BOUND;
use std::io::Write;
use std::path::PathBuf;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::watch;

/// aiosmtpd on a port the system picks, delivering to the Maildir named by
/// its argument. It prints the port once it listens, then `delivered` after
/// each message is in the Maildir, so tests wait on those lines, not on time.
const SERVER: &str = r#"
import asyncio, sys
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import SMTP

class Announcing(Mailbox):
    def handle_message(self, message):
        super().handle_message(message)
        print("delivered", flush=True)

async def main():
    handler = Announcing(sys.argv[1])
    server = await asyncio.get_running_loop().create_server(lambda: SMTP(handler), "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await asyncio.Event().wait()

asyncio.run(main())
"#;

pub struct SmtpServer {
    pub url: String,
    pub maildir: PathBuf,
    /// How many messages have been delivered.
    delivered: watch::Receiver<usize>,
    _bound: super::Watchdog,
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
    let bound = super::Watchdog::arm();
    let dir = tempfile::tempdir().unwrap();
    let maildir = dir.path().join("Maildir");
    let mut process = Command::new("python3")
        .args(["-c", SERVER])
        .arg(&maildir)
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(process.stdout.take().unwrap()).lines();
    let port: u16 = tokio::time::timeout(EVENT_BOUND, lines.next_line())
        .await
        .expect("aiosmtpd did not start in time")
        .unwrap()
        .expect("aiosmtpd exited before listening")
        .parse()
        .unwrap();
    let (count, delivered) = watch::channel(0);
    tokio::spawn(async move {
        while let Ok(Some(line)) = lines.next_line().await {
            if line == "delivered" {
                count.send_modify(|n| *n += 1);
            }
        }
    });
    Some(SmtpServer {
        url: format!("smtp://127.0.0.1:{port}"),
        maildir,
        delivered,
        _bound: bound,
        _process: process,
        _dir: dir,
    })
}

impl SmtpServer {
    /// The messages that arrived, as raw text, once at least `count` have
    /// (waiting at most [`EVENT_BOUND`]).
    pub async fn received(&self, count: usize) -> Vec<String> {
        let mut delivered = self.delivered.clone();
        let arrived = tokio::time::timeout(EVENT_BOUND, delivered.wait_for(|n| *n >= count))
            .await
            .is_ok_and(|done| done.is_ok());
        assert!(arrived, "{count} mails did not arrive within {EVENT_BOUND:?}");
        std::fs::read_dir(self.maildir.join("new"))
            .unwrap()
            .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap())
            .collect()
    }
}

/// The sign-in or sign-up code in a received message: its subject starts with it.
pub fn code_in(mail: &str) -> String {
    let subject = mail.lines().find(|l| l.starts_with("Subject: ")).unwrap();
    let code: String = subject["Subject: ".len()..].chars().take(6).collect();
    assert!(code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()), "{subject}");
    code
}
