//! Resource indicators (RFC 8707): tokens audience-bound to one resource,
//! carrying only its scopes, and `invalid_target` for anything else.

use super::*;
use hallpass_core::services::audit::Actor;
use hallpass_core::services::resources::{create_resource, delete_resource, NewResource};

pub const MCP: &str = "https://mcp.example.com/mcp";
const OTHER: &str = "https://api.example.com/";

pub async fn resource(app: &TestApp, identifier: &str, scopes: &[&str], ttl: Option<u32>) -> String {
    let new = NewResource {
        identifier: identifier.into(),
        name: "Tools".into(),
        scopes: scopes.iter().map(|s| s.to_string()).collect(),
        access_token_ttl_secs: ttl,
    };
    create_resource(app.state.ctx(), new, &Actor::Cli)
        .await
        .unwrap()
        .id
        .to_string()
}

async fn code_for(f: &Fixture, extra: &[(&str, &str)]) -> String {
    let response = authorize(f, &authorize_params(f, extra), Some(&f.cookie)).await;
    assert_eq!(response.status(), 302);
    let (location, query) = location(&response);
    query
        .get("code")
        .unwrap_or_else(|| panic!("no code: {location}"))
        .clone()
}

async fn exchange_for(f: &Fixture, code: &str, resource: Option<&str>) -> (u16, Value) {
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT),
        ("code_verifier", VERIFIER),
    ];
    if let Some(resource) = resource {
        form.push(("resource", resource));
    }
    let (status, body, _) = token(f, &form).await;
    (status, body)
}

async fn refresh(f: &Fixture, refresh_token: &str, resource: Option<&str>) -> (u16, Value) {
    let mut form = vec![("grant_type", "refresh_token"), ("refresh_token", refresh_token)];
    if let Some(resource) = resource {
        form.push(("resource", resource));
    }
    let (status, body, _) = token(f, &form).await;
    (status, body)
}

fn error_of(response: &reqwest::Response) -> String {
    let (location, query) = location(response);
    query
        .get("error")
        .unwrap_or_else(|| panic!("no error: {location}"))
        .clone()
}

#[tokio::test]
async fn a_resource_token_is_for_that_resource_only_with_its_granted_scopes_across_refresh() {
    let f = fixture().await;
    resource(&f.app, MCP, &["mcp:tools", "mcp:read"], Some(600)).await;
    resource(&f.app, OTHER, &["api:read"], None).await;
    let code = code_for(&f, &[("resource", MCP), ("scope", "openid offline_access mcp:tools")]).await;
    let (status, tokens) = exchange_for(&f, &code, Some(MCP)).await;
    assert_eq!(status, 200, "{tokens}");
    let access = claims(tokens["access_token"].as_str().unwrap());
    assert_eq!(access["aud"], MCP);
    assert_eq!(
        access["scope"], "mcp:tools",
        "only the resource's scopes, only those granted"
    );
    assert_eq!(tokens["scope"], "mcp:tools");
    assert_eq!(tokens["expires_in"], 600, "the resource's own lifetime");
    assert_eq!(
        claims(tokens["id_token"].as_str().unwrap())["aud"],
        f.client.id.as_str()
    );

    let refresh_token = tokens["refresh_token"].as_str().unwrap();
    let (status, body) = refresh(&f, refresh_token, Some(OTHER)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_target")),
        "{body}"
    );
    // Past the grace window: a refused refresh must not have used the token up.
    f.app.advance(Duration::from_secs(7));
    let (status, renewed) = refresh(&f, refresh_token, None).await;
    assert_eq!(status, 200, "{renewed}");
    let access = claims(renewed["access_token"].as_str().unwrap());
    assert_eq!(access["aud"], MCP, "the resource is kept across refresh");
    assert_eq!(access["scope"], "mcp:tools");
    let (status, again) = refresh(&f, renewed["refresh_token"].as_str().unwrap(), Some(MCP)).await;
    assert_eq!(status, 200, "naming the same resource is fine: {again}");
    assert_eq!(claims(again["access_token"].as_str().unwrap())["aud"], MCP);
}

#[tokio::test]
async fn unknown_malformed_or_repeated_resources_are_invalid_target() {
    let f = fixture().await;
    resource(&f.app, MCP, &["mcp:tools"], None).await;
    for bad in [
        "https://unknown.example.com/mcp",
        "https://mcp.example.com/mcp#x",
        "not a uri",
    ] {
        let response = authorize(&f, &authorize_params(&f, &[("resource", bad)]), Some(&f.cookie)).await;
        assert_eq!(response.status(), 302);
        assert_eq!(error_of(&response), "invalid_target", "{bad}");
    }
    let mut twice = authorize_params(&f, &[("resource", MCP)]);
    twice.push(("resource", OTHER));
    let response = authorize(&f, &twice, Some(&f.cookie)).await;
    assert_eq!(error_of(&response), "invalid_target");

    // A resource's scope needs that resource; another's scope is unknown here.
    let response = authorize(
        &f,
        &authorize_params(&f, &[("scope", "openid mcp:tools")]),
        Some(&f.cookie),
    )
    .await;
    assert_eq!(error_of(&response), "invalid_scope");
    resource(&f.app, OTHER, &["api:read"], None).await;
    let response = authorize(
        &f,
        &authorize_params(&f, &[("resource", MCP), ("scope", "openid api:read")]),
        Some(&f.cookie),
    )
    .await;
    assert_eq!(error_of(&response), "invalid_scope");
}

#[tokio::test]
async fn a_code_is_exchanged_only_for_its_own_resource() {
    let f = fixture().await;
    resource(&f.app, MCP, &["mcp:tools"], None).await;
    resource(&f.app, OTHER, &["api:read"], None).await;
    let code = code_for(&f, &[("resource", MCP), ("scope", "openid mcp:tools")]).await;
    let (status, body) = exchange_for(&f, &code, Some(OTHER)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_target")),
        "{body}"
    );

    let plain = code_for(&f, &[]).await;
    let (status, body) = exchange_for(&f, &plain, Some(MCP)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_target")),
        "a code for Hallpass itself cannot become a resource's token: {body}"
    );

    let mut twice = vec![
        ("grant_type", "authorization_code"),
        ("code", "whatever"),
        ("resource", MCP),
        ("resource", OTHER),
    ];
    twice.push(("redirect_uri", REDIRECT));
    let (status, body, _) = token(&f, &twice).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_target")),
        "{body}"
    );
}

#[tokio::test]
async fn without_a_scope_a_resource_grants_all_of_its_scopes() {
    let f = fixture().await;
    resource(&f.app, MCP, &["mcp:tools", "mcp:read"], None).await;
    let code = code_for(&f, &[("resource", MCP), ("scope", "")]).await;
    let (status, tokens) = exchange_for(&f, &code, None).await;
    assert_eq!(status, 200, "{tokens}");
    let access = claims(tokens["access_token"].as_str().unwrap());
    assert_eq!(access["aud"], MCP);
    assert_eq!(access["scope"], "mcp:tools mcp:read");
    assert!(
        tokens.get("id_token").is_none_or(Value::is_null),
        "no openid, no ID token"
    );
}

#[tokio::test]
async fn a_deleted_resource_ends_the_grants_bound_to_it() {
    let f = fixture().await;
    let id = resource(&f.app, MCP, &["mcp:tools"], None).await;
    let code = code_for(&f, &[("resource", MCP), ("scope", "offline_access mcp:tools")]).await;
    let (_, tokens) = exchange_for(&f, &code, None).await;
    let id = hallpass_core::ids::ResourceId::parse(&id).unwrap();
    delete_resource(f.app.state.ctx(), &id, &Actor::Cli).await.unwrap();
    let (status, body) = refresh(&f, tokens["refresh_token"].as_str().unwrap(), None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_target")),
        "{body}"
    );
}

#[tokio::test]
async fn client_credentials_for_a_resource_carry_only_its_scopes_and_not_hallpass() {
    let app = TestApp::start().await;
    resource(&app, MCP, &["mcp:tools"], None).await;
    let machine = app
        .client(|c| {
            c.redirect_uris = vec![];
            c.post_logout_redirect_uris = vec![];
            c.granted_scopes = vec!["hallpass:admin".into(), "mcp:tools".into()];
        })
        .await;
    let grant = |form: Vec<(&'static str, &'static str)>| {
        http()
            .post(app.url("/oauth/token"))
            .basic_auth(&machine.id, machine.secret.as_deref())
            .form(&form)
            .send()
    };
    let response = grant(vec![("grant_type", "client_credentials"), ("resource", MCP)])
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let access = claims(body["access_token"].as_str().unwrap());
    assert_eq!(access["aud"], MCP);
    assert_eq!(access["scope"], "mcp:tools", "hallpass:admin is not the resource's");

    let api = http()
        .get(app.url("/api/v1/users"))
        .bearer_auth(body["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        api.status(),
        401,
        "a token for another resource opens nothing at Hallpass"
    );

    for (form, error) in [
        (
            vec![
                ("grant_type", "client_credentials"),
                ("resource", "https://nope.example.com/"),
            ],
            "invalid_target",
        ),
        (
            vec![
                ("grant_type", "client_credentials"),
                ("resource", MCP),
                ("scope", "hallpass:admin"),
            ],
            "invalid_scope",
        ),
    ] {
        let response = grant(form).await.unwrap();
        assert_eq!(response.status(), 400);
        assert_eq!(response.json::<Value>().await.unwrap()["error"], error);
    }
    resource(&app, OTHER, &["api:read"], None).await;
    let response = grant(vec![("grant_type", "client_credentials"), ("resource", OTHER)])
        .await
        .unwrap();
    assert_eq!(response.json::<Value>().await.unwrap()["error"], "invalid_scope");
}

#[tokio::test]
async fn metadata_lists_the_resources_scopes() {
    let f = fixture().await;
    resource(&f.app, MCP, &["mcp:tools"], None).await;
    for path in [
        "/.well-known/oauth-authorization-server",
        "/.well-known/openid-configuration",
    ] {
        let metadata: Value = http().get(f.app.url(path)).send().await.unwrap().json().await.unwrap();
        let scopes = metadata["scopes_supported"].as_array().unwrap();
        assert!(scopes.contains(&json!("mcp:tools")), "{path}: {scopes:?}");
        assert!(scopes.contains(&json!("openid")));
        assert_eq!(metadata["code_challenge_methods_supported"], json!(["S256"]));
    }
}
