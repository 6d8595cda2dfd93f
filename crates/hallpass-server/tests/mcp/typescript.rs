//! The official MCP TypeScript SDK client (`@modelcontextprotocol/sdk` from
//! npm, `examples/mcp-server/ts-client/check.mjs`) against
//! `examples/mcp-server` and Hallpass, with the user played by headless
//! Chromium: discovery from the 401, registration (dynamic, or a client ID
//! metadata document served on loopback), authorization with PKCE and
//! `resource`; the SDK hands the authorization URL over, Chromium signs in on
//! the real sign-in page and clicks Allow on the consent page, and lands on
//! the client's loopback redirect URI, where the SDK client takes the code:
//! token, the tool call, refresh, the tool call again.
//! Needs node and npm (`npm ci` runs here when `node_modules` is missing),
//! Chromium and chromedriver; each missing one is a loud skip, under CI a failure.

use super::*;
use hallpass_core::services::audit::Actor;
use hallpass_core::services::resources::{create_resource, NewResource};
use hallpass_sdk::axum::ResourceServer;
use std::path::PathBuf;
use support::browser::{browser, click, fill, screenshot, wait_text, wait_url, Browser};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};

const PASSWORD: &str = "an MCP pass phrase";

fn client_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/mcp-server/ts-client")
}

/// `node_modules` installed, or `None` (a loud skip; under CI a failure).
async fn node_ready() -> Option<()> {
    let has_node = tokio::process::Command::new("node")
        .arg("--version")
        .output()
        .await
        .is_ok_and(|o| o.status.success());
    if !has_node {
        let message = "node is not installed; the MCP TypeScript SDK test did NOT run";
        if hallpass_store_postgres::testing::in_ci() {
            panic!("{message} (under CI this is a failure)");
        }
        eprintln!("\n!!!!!!!! {message} !!!!!!!!\n");
        return None;
    }
    let dir = client_dir();
    if !dir.join("node_modules/@modelcontextprotocol/sdk").exists() {
        let out = tokio::process::Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .output()
            .await
            .expect("run npm ci");
        assert!(
            out.status.success(),
            "npm ci failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Some(())
}

/// Hallpass, the example MCP server registered as a resource, a user with a
/// password, and a free loopback port for the MCP client's redirect URI.
struct Stage {
    app: TestApp,
    mcp_url: String,
    redirect: String,
    email: String,
    user_id: String,
}

async fn stage() -> Stage {
    let app = TestApp::start().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let resource = mcp_server::resource_identifier(&base);
    let new = NewResource {
        identifier: resource.clone(),
        name: "Example MCP server".into(),
        scopes: vec![mcp_server::SCOPE.into()],
        access_token_ttl_secs: None,
    };
    create_resource(app.state.ctx(), new, &Actor::Cli).await.unwrap();
    let client = sdk_for(&app, &resource).await;
    let rs = ResourceServer::new(client, &resource).scopes(&[mcp_server::SCOPE]);
    let router = mcp_server::router(&rs);
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let email = "ada@example.com";
    let user = app.user_with_password(email, PASSWORD).await;
    // The node client listens here; the port is free now and taken again at once.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    Stage {
        app,
        mcp_url: resource,
        redirect: format!("http://127.0.0.1:{port}/callback"),
        email: email.into(),
        user_id: user.id.to_string(),
    }
}

/// The user in Chromium: opens the authorization URL the MCP client handed
/// over, signs in, reads the consent page and allows; the browser ends on
/// the client's loopback redirect URI. Gives the consent page as shown.
async fn play_the_user(browser: &Browser, stage: &Stage, authorization_url: &str, shots: &str) -> String {
    let c = &browser.client;
    c.goto(authorization_url).await.unwrap();
    wait_url(c, &stage.app.url("/login")).await;
    fill(c, "#email", &stage.email).await;
    fill(c, "#password", PASSWORD).await;
    screenshot(c, &format!("{shots}-1-sign-in")).await;
    click(c, "form[action='/login'] button[type=submit]:not([formaction])").await;
    let consent = wait_text(c, "action=\"/oauth/consent\"").await;
    screenshot(c, &format!("{shots}-2-consent")).await;
    click(c, "form[action='/oauth/consent'] button[value=allow]").await;
    wait_url(c, &stage.redirect).await;
    wait_text(c, "MCP client signed in").await;
    screenshot(c, &format!("{shots}-3-back-in-the-client")).await;
    consent
}

/// Runs check.mjs, plays the user when it hands over the authorization URL,
/// and gives the client's result and the consent page.
async fn run_check(stage: &Stage, browser: &Browser, metadata_url: Option<&str>, shots: &str) -> (Value, String) {
    let mut command = tokio::process::Command::new("node");
    command
        .arg("check.mjs")
        .current_dir(client_dir())
        .env("MCP_URL", &stage.mcp_url)
        .env("REDIRECT_URL", &stage.redirect)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    if let Some(url) = metadata_url {
        command.env("CLIENT_METADATA_URL", url);
    }
    let mut child = command.spawn().expect("run node");
    let mut stderr = child.stderr.take().unwrap();
    let errors = tokio::spawn(async move {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text).await;
        text
    });
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let flow = async {
        let mut consent = None;
        let mut last = String::new();
        while let Some(line) = lines.next_line().await.unwrap() {
            let message: Value = serde_json::from_str(&line).unwrap_or_else(|_| panic!("not JSON: {line}"));
            if let Some(url) = message["authorization_url"].as_str() {
                consent = Some(play_the_user(browser, stage, url, shots).await);
            } else {
                last = line;
            }
        }
        (last, consent)
    };
    let (last, consent) = tokio::time::timeout(Duration::from_secs(90), flow)
        .await
        .expect("the MCP client finished within 90 s");
    let status = child.wait().await.unwrap();
    let errors = errors.await.unwrap();
    assert!(status.success(), "the MCP client failed: {errors}\n{last}");
    let run = serde_json::from_str(&last).unwrap_or_else(|_| panic!("not JSON: {last}\n{errors}"));
    (run, consent.expect("the MCP client sent the user to authorize"))
}

fn assert_flow(stage: &Stage, run: &Value, consent: &str) {
    let steps: Vec<&str> = run["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    let position = |needle: &str| {
        steps
            .iter()
            .position(|s| s.contains(needle))
            .unwrap_or_else(|| panic!("no step with {needle}: {steps:#?}"))
    };
    let unauthorized = position("/mcp -> 401");
    let protected = position("/.well-known/oauth-protected-resource/mcp -> 200");
    let metadata = position("/.well-known/oauth-authorization-server -> 200");
    let redirected = position("redirectToAuthorization");
    let callback = position("callback with code");
    let token = position("/oauth/token -> 200");
    assert!(
        unauthorized < protected
            && protected < metadata
            && metadata < redirected
            && redirected < callback
            && callback < token,
        "{steps:#?}"
    );
    assert_eq!(run["authorization"]["resource"], stage.mcp_url);
    assert_eq!(run["authorization"]["code_challenge_method"], "S256");
    assert_eq!(run["authorization"]["scope"], "mcp:tools offline_access");
    assert_eq!(run["authorization"]["prompt"], "consent");
    for shown in ["MCP TypeScript SDK check", "Example MCP server", "mcp:tools"] {
        assert!(consent.contains(shown), "the consent page names {shown}: {consent}");
    }
    assert_eq!(run["had_refresh_token"], true);
    assert_eq!(
        run["before"]["sub"],
        stage.user_id.as_str(),
        "the tool answers with the caller"
    );
    assert_eq!(run["before"]["scope"], "mcp:tools");
    assert_eq!(run["refreshed"], "AUTHORIZED", "{run:#}");
    assert_eq!(run["token_changed"], true, "a refresh token was used");
    assert_eq!(run["after"]["sub"], stage.user_id.as_str());
}

/// The user's click on Allow is remembered for this client and resource.
async fn assert_consent_remembered(stage: &Stage, client_id: &str) {
    let consents = stage
        .app
        .state
        .ctx()
        .store
        .list_user_consents(&hallpass_core::ids::UserId::from_trusted(stage.user_id.clone()))
        .await
        .unwrap();
    assert!(
        consents
            .iter()
            .any(|c| c.client_id.as_str() == client_id && c.resource.as_deref() == Some(stage.mcp_url.as_str())),
        "{consents:?}"
    );
}

#[tokio::test]
async fn the_mcp_typescript_sdk_registers_dynamically_and_the_user_consents_in_chromium() {
    if node_ready().await.is_none() {
        return;
    }
    let Some(browser) = browser().await else { return };
    let stage = stage().await;
    let (run, consent) = run_check(&stage, &browser, None, "mcp-dcr").await;
    assert_flow(&stage, &run, &consent);
    let client_id = run["client_id"].as_str().unwrap();
    assert!(client_id.starts_with("cli_"), "registered dynamically: {run}");
    let steps = run["steps"].to_string();
    assert!(steps.contains("/oauth/register -> 201"), "{steps}");
    assert_eq!(run["before"]["client_id"], client_id);
    assert_consent_remembered(&stage, client_id).await;
    browser.client.close().await.unwrap();
}

#[tokio::test]
async fn the_mcp_typescript_sdk_uses_a_client_id_metadata_document_and_the_user_consents_in_chromium() {
    if node_ready().await.is_none() {
        return;
    }
    let Some(browser) = browser().await else { return };
    let stage = stage().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let document_url = format!("http://127.0.0.1:{}/client.json", listener.local_addr().unwrap().port());
    let document = json!({
        "client_id": document_url,
        "client_name": "MCP TypeScript SDK check",
        "redirect_uris": [stage.redirect],
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "none",
    });
    let router = axum::Router::new().route(
        "/client.json",
        axum::routing::get(move || async move { axum::Json(document) }),
    );
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let (run, consent) = run_check(&stage, &browser, Some(&document_url), "mcp-cimd").await;
    assert_flow(&stage, &run, &consent);
    assert!(
        consent.contains("127.0.0.1"),
        "the consent page names the document's host: {consent}"
    );
    assert_eq!(run["client_id"], document_url.as_str());
    assert_eq!(
        run["before"]["client_id"],
        document_url.as_str(),
        "tokens name the document's URL"
    );
    assert!(
        !run["steps"].to_string().contains("/oauth/register"),
        "no registration needed"
    );
    assert_eq!(super::client_count(&stage.app).await, 1);
    assert_consent_remembered(&stage, &document_url).await;
    browser.client.close().await.unwrap();
}
