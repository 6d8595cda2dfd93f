//! Running the real `hallpass` binary in a scratch directory, on port 0.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub const BIN: &str = env!("CARGO_BIN_EXE_hallpass");

/// How long a test waits for something that happens without it (a log line,
/// a back-channel call, a mail): generous, since it bounds a wait on an
/// event rather than pausing; a test whose event comes sooner goes on at once.
pub const EVENT_BOUND: Duration = Duration::from_secs(30);

/// The most a test may run once it has started a server: one that hangs
/// fails the run after this instead of holding CI until its own timeout.
pub const TEST_BOUND: Duration = Duration::from_secs(300);

/// Ends the test process if the test that armed it still runs after
/// [`TEST_BOUND`]. Servers started for a test hold one, so every test that
/// starts a server is bounded; dropping it (the test ended) disarms it.
#[derive(Debug)]
pub struct Watchdog(std::sync::mpsc::Sender<()>);

impl Watchdog {
    pub fn arm() -> Watchdog {
        let (disarm, disarmed) = std::sync::mpsc::channel::<()>();
        let test = std::thread::current().name().unwrap_or("a test").to_owned();
        std::thread::spawn(move || {
            if disarmed.recv_timeout(TEST_BOUND) == Err(std::sync::mpsc::RecvTimeoutError::Timeout) {
                let _ = writeln!(
                    std::io::stderr(),
                    "{test} still runs after {TEST_BOUND:?}: stopping the run"
                );
                std::process::exit(101);
            }
        });
        Watchdog(disarm)
    }
}

/// A command run in `dir`, with no `HALLPASS_*` variable leaking in from outside.
pub fn hallpass(dir: &Path) -> Command {
    let mut command = Command::new(BIN);
    command.current_dir(dir).kill_on_drop(true);
    for (name, _) in std::env::vars() {
        if name.starts_with("HALLPASS_") {
            command.env_remove(name);
        }
    }
    command.env_remove("RUST_LOG");
    command
}

pub async fn run(dir: &Path, args: &[&str]) -> Output {
    tokio::time::timeout(TEST_BOUND, hallpass(dir).args(args).output())
        .await
        .unwrap_or_else(|_| panic!("hallpass {args:?} did not finish within {TEST_BOUND:?}"))
        .expect("run hallpass")
}

pub async fn run_ok_json(dir: &Path, args: &[&str]) -> Value {
    let out = run(dir, args).await;
    assert!(
        out.status.success(),
        "hallpass {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

/// Asserts a failed start: non-zero exit, one `error:` line on stderr naming `needle`, no panic.
pub fn assert_clean_failure(out: &Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "expected failure, got success; stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "panicked: {stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "expected one error line, got: {stderr}");
    assert!(
        errors[0].contains(needle),
        "error line should mention {needle:?}: {}",
        errors[0]
    );
}

pub struct Server {
    child: Child,
    pub base: String,
    pub announcement: Value,
    pub dir: PathBuf,
    /// Everything the server has logged so far, read as it comes.
    log: watch::Receiver<String>,
    log_reader: JoinHandle<()>,
    _bound: Watchdog,
}

impl Server {
    /// Starts `hallpass serve --listen 127.0.0.1:0 --json` plus `args`, and waits for it to listen.
    pub async fn start(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Result<Server, String> {
        let bound = Watchdog::arm();
        let mut command = hallpass(dir);
        command
            .args(["serve", "--listen", "127.0.0.1:0", "--json"])
            .args(args)
            .envs(env.iter().copied());
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn hallpass");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        let read = tokio::time::timeout(Duration::from_secs(60), stdout.read_line(&mut line)).await;
        if !matches!(read, Ok(Ok(n)) if n > 0) {
            let _ = child.kill().await;
            let mut stderr = String::new();
            if let Some(mut err) = child.stderr.take() {
                let _ = err.read_to_string(&mut stderr).await;
            }
            return Err(stderr);
        }
        let announcement: Value = serde_json::from_str(&line).map_err(|e| format!("bad announcement {line}: {e}"))?;
        let address = announcement["address"].as_str().ok_or("no address")?.to_owned();
        // Keep draining stdout so the server never blocks on a full pipe.
        tokio::spawn(async move {
            let mut sink = String::new();
            let _ = stdout.read_to_string(&mut sink).await;
        });
        let (log, log_reader) = read_log(child.stderr.take().expect("stderr"));
        Ok(Server {
            child,
            base: format!("http://{address}"),
            announcement,
            dir: dir.to_owned(),
            log,
            log_reader,
            _bound: bound,
        })
    }

    /// Waits until the server logs a line containing `needle`, at most
    /// [`EVENT_BOUND`]; returns the log so far.
    pub async fn logged(&mut self, needle: &str) -> String {
        let seen = tokio::time::timeout(EVENT_BOUND, self.log.wait_for(|log| log.contains(needle)))
            .await
            .is_ok_and(|found| found.is_ok());
        let log = self.log.borrow().clone();
        assert!(seen, "the server did not log {needle:?} within {EVENT_BOUND:?}: {log}");
        log
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn pid(&self) -> u32 {
        self.child.id().expect("running")
    }

    /// SIGTERM, then the exit status and everything it logged.
    pub async fn stop(self) -> (std::process::ExitStatus, String) {
        let status = std::process::Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
        self.wait().await
    }

    /// Waits for the process to exit on its own.
    pub async fn wait(mut self) -> (std::process::ExitStatus, String) {
        let status = tokio::time::timeout(Duration::from_secs(30), self.child.wait())
            .await
            .expect("exits")
            .expect("status");
        let _ = tokio::time::timeout(EVENT_BOUND, self.log_reader).await;
        let log = self.log.borrow().clone();
        (status, log)
    }
}

/// Reads the server's stderr as it is written, so tests can wait for a line
/// and the server never blocks on a full pipe.
fn read_log(stderr: tokio::process::ChildStderr) -> (watch::Receiver<String>, JoinHandle<()>) {
    let (sender, log) = watch::channel(String::new());
    let reader = tokio::spawn(async move {
        let mut lines = BufReader::new(stderr).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            sender.send_modify(|log| {
                log.push_str(&line);
                log.push('\n');
            });
        }
    });
    (log, reader)
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub mod app;
pub mod browser;
pub mod demo;
pub mod receiver;
pub mod smtp;

/// Opens the page at `url` with `browser`; gives the CSRF token its forms carry.
pub async fn csrf_of(browser: &reqwest::Client, url: &str) -> String {
    let html = browser.get(url).send().await.unwrap().text().await.unwrap();
    hidden(&html, "csrf")
}

/// The value of the hidden form field `name` in a page, unescaped.
pub fn hidden(html: &str, name: &str) -> String {
    form_fields(html)
        .into_iter()
        .find(|(field, _)| field == name)
        .map(|(_, value)| value)
        .unwrap_or_else(|| panic!("no {name} field in {html}"))
}

/// Every `name="…" value="…"` pair of a page's forms, in order, unescaped:
/// what a browser submits for a form of hidden fields.
pub fn form_fields(html: &str) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(" name=\"") {
        rest = &rest[at + 7..];
        let Some(end) = rest.find('"') else { break };
        let name = rest[..end].to_owned();
        rest = &rest[end..];
        if let Some(value) = rest.strip_prefix("\" value=\"") {
            let end = value.find('"').unwrap();
            fields.push((name, unescape(&value[..end])));
        }
    }
    fields
}

/// Undoes the HTML escaping of an attribute value (`&#x2f;`, `&quot;`, `&amp;`…).
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find(';').unwrap();
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => '&',
            "quot" => '"',
            "lt" => '<',
            "gt" => '>',
            "apos" => '\'',
            _ => entity
                .strip_prefix("#x")
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                .and_then(char::from_u32)
                .unwrap_or_else(|| panic!("unknown entity &{entity};")),
        };
        out.push(decoded);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Runs a command with these `HALLPASS_*` variables and `stdin`; it must
/// succeed, and its JSON output is returned.
pub async fn run_json_with(dir: &Path, env: &[(&str, &str)], args: &[&str], stdin: &str) -> Value {
    use tokio::io::AsyncWriteExt;
    let mut child = hallpass(dir)
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn hallpass");
    let mut input = child.stdin.take().expect("stdin");
    input.write_all(stdin.as_bytes()).await.expect("write stdin");
    drop(input);
    let out = tokio::time::timeout(TEST_BOUND, child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("hallpass {args:?} did not finish within {TEST_BOUND:?}"))
        .expect("run hallpass");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON output")
}
