//! Headless Chromium driven over WebDriver (chromedriver), for tests that
//! look at pages as a person does. Screenshots land in `target/screenshots/`.
//!
//! Without Chromium and chromedriver, [`browser`] says so loudly and gives
//! `None` (the test passes); under CI (`CI` set, not empty, `0` or `false`)
//! it fails instead (`.ci/run` installs both).

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::io::Write;
use std::process::Stdio;
use std::time::Duration;
use tokio::process::{Child, Command};

/// How long to wait for a page: generous, since CI runs several browsers on two cores.
pub const PATIENCE: Duration = Duration::from_secs(15);

pub struct Browser {
    pub client: Client,
    _driver: Child,
}

fn find_binary(names: &[&str]) -> Option<String> {
    names
        .iter()
        .find(|name| std::path::Path::new(name).exists())
        .map(|s| s.to_string())
}

/// Headless Chromium preferring a light colour scheme.
pub async fn browser() -> Option<Browser> {
    launch(false).await
}

/// Headless Chromium preferring a dark colour scheme (`prefers-color-scheme: dark`).
pub async fn dark_browser() -> Option<Browser> {
    launch(true).await
}

/// Says loudly that a test's tool is missing and the test did not run; under CI, fails.
pub fn missing(message: &str) {
    if hallpass_store_postgres::testing::in_ci() {
        panic!("{message} (under CI this is a failure)");
    }
    let _ = writeln!(std::io::stderr(), "\n!!!!!!!! {message} !!!!!!!!\n");
}

async fn launch(dark: bool) -> Option<Browser> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let driver = find_binary(&["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]);
    let chrome = find_binary(&["/usr/bin/chromium", "/usr/bin/chromium-browser"]);
    let (Some(driver), Some(chrome)) = (driver, chrome) else {
        missing("Chromium and chromedriver are not installed; the browser tests did NOT run (apt-get install chromium chromium-driver)");
        return None;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("chromedriver starts");
    let profile = tempfile::tempdir().unwrap().keep();
    let mut args: Vec<String> = [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1024,900",
    ]
    .map(String::from)
    .into();
    args.push(format!("--user-data-dir={}", profile.display()));
    if dark {
        args.push("--force-dark-mode".into());
        args.push("--blink-settings=preferredColorScheme=0".into());
    }
    let capabilities = json!({ "goog:chromeOptions": { "binary": chrome, "args": args } });
    let mut builder = ClientBuilder::rustls().unwrap();
    builder.capabilities(capabilities.as_object().unwrap().clone());
    let webdriver = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if let Ok(client) = builder.connect(&webdriver).await {
            return Some(Browser { client, _driver: child });
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not answer on {webdriver}");
}

pub async fn screenshot(client: &Client, name: &str) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let png = client.screenshot().await.unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

pub async fn fill(client: &Client, css: &str, text: &str) {
    let field = client
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css(css))
        .await
        .unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

pub async fn click(client: &Client, css: &str) {
    let element = client
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css(css))
        .await
        .unwrap();
    element.click().await.unwrap();
}

pub async fn source(client: &Client) -> String {
    client.source().await.unwrap()
}

/// Waits for the page to show `needle` (a click starts a navigation; it does
/// not wait for it), and returns the page.
pub async fn wait_text(client: &Client, needle: &str) -> String {
    for _ in 0..300 {
        let page = source(client).await;
        if page.contains(needle) {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the page never showed {needle:?}: {}", source(client).await);
}

/// Waits until the browser's URL starts with `prefix`.
pub async fn wait_url(client: &Client, prefix: &str) -> url::Url {
    for _ in 0..300 {
        let url = client.current_url().await.unwrap();
        if url.as_str().starts_with(prefix) {
            return url;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("never reached {prefix}: {}", client.current_url().await.unwrap());
}
