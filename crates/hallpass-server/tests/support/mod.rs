//! Running the real `hallpass` binary in a scratch directory, on port 0.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};

pub const BIN: &str = env!("CARGO_BIN_EXE_hallpass");

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
    hallpass(dir).args(args).output().await.expect("run hallpass")
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
}

impl Server {
    /// Starts `hallpass serve --listen 127.0.0.1:0 --json` plus `args`, and waits for it to listen.
    pub async fn start(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Result<Server, String> {
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
        Ok(Server {
            child,
            base: format!("http://{address}"),
            announcement,
            dir: dir.to_owned(),
        })
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
        let mut stderr = String::new();
        if let Some(mut err) = self.child.stderr.take() {
            let _ = tokio::time::timeout(Duration::from_secs(30), err.read_to_string(&mut stderr)).await;
        }
        let status = tokio::time::timeout(Duration::from_secs(30), self.child.wait())
            .await
            .expect("exits")
            .expect("status");
        (status, stderr)
    }
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub mod app;
pub mod demo;
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
    let out = child.wait_with_output().await.expect("run hallpass");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON output")
}
