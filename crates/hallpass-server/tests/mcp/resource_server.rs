//! The SDK's resource-server side against real Hallpass tokens: only tokens
//! for this resource pass; RFC 9728 metadata; the challenges MCP clients read.

use super::consent::{agent, allowed};
use super::*;
use hallpass_core::services::audit::Actor;
use hallpass_core::services::resources::{create_resource, NewResource};
use hallpass_sdk::axum::{Bearer, ResourceServer};

struct Protected {
    base: String,
    resource: String,
}

/// Serves a protected `/mcp` (answering with the caller's `sub`) for
/// `{base}/mcp` on a port of its own, trusting `app`.
async fn serve(app: &TestApp, scopes: &[&str]) -> Protected {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let resource = format!("{base}/mcp");
    let client = sdk_for(app, &resource).await;
    let rs = ResourceServer::new(client, &resource).scopes(scopes).name("Test tools");
    let protected = axum::Router::new().route(
        "/mcp",
        axum::routing::post(|bearer: Bearer| async move { bearer.claims.sub }),
    );
    let router = rs.protect(protected).merge(rs.metadata_routes());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    Protected { base, resource }
}

async fn call(server: &Protected, token: Option<&str>) -> reqwest::Response {
    let mut request = http().post(format!("{}/mcp", server.base));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

fn challenge(response: &reqwest::Response) -> String {
    response.headers()["www-authenticate"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn only_tokens_for_this_resource_pass_and_refusals_say_where_to_authorize() {
    let agent = agent().await; // registers https://mcp.example.com/mcp, signs a user in
    let server = serve(&agent.app, &["mcp:tools"]).await;
    let new = NewResource {
        identifier: server.resource.clone(),
        name: "Test tools".into(),
        scopes: vec!["mcp:tools".into()],
        access_token_ttl_secs: None,
    };
    create_resource(agent.app.state.ctx(), new, &Actor::Cli).await.unwrap();

    let anonymous = call(&server, None).await;
    assert_eq!(anonymous.status(), 401);
    let metadata_url = format!("{}/.well-known/oauth-protected-resource/mcp", server.base);
    assert_eq!(
        challenge(&anonymous),
        format!("Bearer resource_metadata=\"{metadata_url}\", scope=\"mcp:tools\"")
    );
    let metadata = get_json(&metadata_url).await;
    assert_eq!(metadata["resource"], server.resource);
    assert_eq!(metadata["authorization_servers"], json!([agent.app.base]));
    assert_eq!(metadata["scopes_supported"], json!(["mcp:tools"]));
    assert_eq!(metadata["bearer_methods_supported"], json!(["header"]));

    // A token for another resource (the consent fixture's) is refused.
    let elsewhere = allowed(&agent, "openid mcp:tools").await;
    let refused = call(&server, elsewhere["access_token"].as_str()).await;
    assert_eq!(refused.status(), 401);
    assert!(challenge(&refused).starts_with("Bearer error=\"invalid_token\", resource_metadata="));

    let garbage = call(&server, Some("not.a.token")).await;
    assert_eq!(garbage.status(), 401);

    // A token for this resource passes, and names the user.
    let url = agent
        .authorize_url(&agent.client_id, "mcp:tools", None)
        .replace(&urlencode(super::consent::MCP), &urlencode(&server.resource));
    let page = agent.browser.get(url).send().await.unwrap().text().await.unwrap();
    let query = super::consent::redirect_query(&agent.answer(&page, "allow").await);
    let tokens = agent.exchange(&query["code"]).await;
    let ok = call(&server, tokens["access_token"].as_str()).await;
    assert_eq!(ok.status(), 200);
    assert!(ok.text().await.unwrap().starts_with("usr_"));

    // Expired: refused like any invalid token.
    agent.app.advance(Duration::from_secs(3600));
    let expired = call(&server, tokens["access_token"].as_str()).await;
    assert_eq!(expired.status(), 401);
}

#[tokio::test]
async fn a_token_without_the_required_scope_is_forbidden_with_insufficient_scope() {
    let app = TestApp::start().await;
    let server = serve(&app, &["mcp:tools"]).await;
    let new = NewResource {
        identifier: server.resource.clone(),
        name: "Test tools".into(),
        scopes: vec!["mcp:tools".into(), "mcp:read".into()],
        access_token_ttl_secs: None,
    };
    create_resource(app.state.ctx(), new, &Actor::Cli).await.unwrap();
    let machine = app
        .client(|c| {
            c.redirect_uris = vec![];
            c.post_logout_redirect_uris = vec![];
            c.granted_scopes = vec!["mcp:read".into()];
        })
        .await;
    let token: Value = http()
        .post(app.url("/oauth/token"))
        .basic_auth(&machine.id, machine.secret.as_deref())
        .form(&[
            ("grant_type", "client_credentials"),
            ("resource", server.resource.as_str()),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let response = call(&server, token["access_token"].as_str()).await;
    assert_eq!(response.status(), 403);
    let challenge = challenge(&response);
    assert!(challenge.contains("error=\"insufficient_scope\""), "{challenge}");
    assert!(challenge.contains("scope=\"mcp:tools\""), "{challenge}");
}

fn urlencode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}
