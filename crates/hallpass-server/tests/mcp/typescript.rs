//! The official MCP TypeScript SDK client (`@modelcontextprotocol/sdk` from
//! npm, `examples/mcp-server/ts-client/check.mjs`) against
//! `examples/mcp-server` and Hallpass: discovery from the 401, registration
//! (dynamic, or a client ID metadata document), authorization with PKCE and
//! `resource`, consent, token, the tool call, refresh, the tool call again.
//! Needs node and npm; `npm ci` runs here when `node_modules` is missing.

use super::*;
use hallpass_core::services::audit::Actor;
use hallpass_core::services::resources::{create_resource, NewResource};
use hallpass_sdk::axum::ResourceServer;
use std::path::PathBuf;

const REDIRECT: &str = "http://127.0.0.1:53682/callback";

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

/// Hallpass, the example MCP server registered as a resource, and a signed-in user.
struct Stage {
    app: TestApp,
    mcp_url: String,
    cookie: String,
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
    let user = app.user("ada@example.com").await;
    let (token, _) = app.sign_in(&user).await;
    Stage {
        cookie: app.cookie(&token),
        app,
        mcp_url: resource,
        user_id: user.id.to_string(),
    }
}

async fn run_check(stage: &Stage, metadata_url: Option<&str>) -> Value {
    let mut command = tokio::process::Command::new("node");
    command
        .arg("check.mjs")
        .current_dir(client_dir())
        .env("MCP_URL", &stage.mcp_url)
        .env("HALLPASS_COOKIE", &stage.cookie)
        .env("REDIRECT_URL", REDIRECT);
    if let Some(url) = metadata_url {
        command.env("CLIENT_METADATA_URL", url);
    }
    let out = tokio::time::timeout(Duration::from_secs(60), command.output())
        .await
        .expect("the MCP client finished within a minute")
        .expect("run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the MCP client failed: {}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(stdout.trim()).unwrap_or_else(|_| panic!("not JSON: {stdout}"))
}

fn assert_flow(stage: &Stage, run: &Value) {
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
    let consent = position("browser POST /oauth/consent -> 302");
    let token = position("/oauth/token -> 200");
    assert!(
        unauthorized < protected && protected < metadata && metadata < consent && consent < token,
        "{steps:#?}"
    );
    assert_eq!(run["authorization"]["resource"], stage.mcp_url);
    assert_eq!(run["authorization"]["code_challenge_method"], "S256");
    assert_eq!(run["authorization"]["scope"], "mcp:tools offline_access");
    assert_eq!(run["authorization"]["prompt"], "consent");
    assert_eq!(run["consent_page_names_client"], true);
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

#[tokio::test]
async fn the_mcp_typescript_sdk_registers_dynamically_and_calls_the_tool() {
    if node_ready().await.is_none() {
        return;
    }
    let stage = stage().await;
    let run = run_check(&stage, None).await;
    assert_flow(&stage, &run);
    let client_id = run["client_id"].as_str().unwrap();
    assert!(client_id.starts_with("cli_"), "registered dynamically: {run}");
    let steps = run["steps"].to_string();
    assert!(steps.contains("/oauth/register -> 201"), "{steps}");
    assert_eq!(run["before"]["client_id"], client_id);
}

#[tokio::test]
async fn the_mcp_typescript_sdk_uses_a_client_id_metadata_document() {
    if node_ready().await.is_none() {
        return;
    }
    let stage = stage().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let document_url = format!("http://127.0.0.1:{}/client.json", listener.local_addr().unwrap().port());
    let document = json!({
        "client_id": document_url,
        "client_name": "MCP TypeScript SDK check",
        "redirect_uris": [REDIRECT],
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "none",
    });
    let router = axum::Router::new().route(
        "/client.json",
        axum::routing::get(move || async move { axum::Json(document) }),
    );
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let run = run_check(&stage, Some(&document_url)).await;
    assert_flow(&stage, &run);
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
}
