//! `/api/v1/resources`: APIs and MCP servers, with their scopes (RFC 8707).

use crate::support::http;
use crate::{assert_error, token_for, Api};
use serde_json::{json, Value};

const MCP: &str = "https://mcp.example.com/mcp";

#[tokio::test]
async fn resources_are_created_read_changed_listed_and_deleted_with_audit() {
    let api = Api::start().await;
    let body =
        json!({"identifier": MCP, "name": "Tools", "scopes": ["mcp:tools", "mcp:read"], "access_token_ttl_secs": 600});
    let (status, created) = api.call("POST", "/resources", Some(body)).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("res_"));
    assert_eq!(created["identifier"], MCP);
    assert_eq!(created["scopes"], json!(["mcp:tools", "mcp:read"]));
    assert_eq!(created["access_token_ttl_secs"], 600);

    assert_eq!(api.ok("GET", &format!("/resources/{id}"), None).await, created);
    let changed = api
        .ok(
            "PATCH",
            &format!("/resources/{id}"),
            Some(json!({"name": "MCP tools", "scopes": ["mcp:tools"]})),
        )
        .await;
    assert_eq!(changed["name"], "MCP tools");
    assert_eq!(changed["scopes"], json!(["mcp:tools"]));
    assert_eq!(changed["identifier"], MCP, "what is not given stays");

    let list = api.ok("GET", "/resources", None).await;
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
    assert_eq!(list["data"][0]["id"], id.as_str());

    let audit = api.ok("GET", "/audit-events?type=resource.updated", None).await;
    assert_eq!(audit["data"][0]["details"]["before"]["name"], "Tools");
    assert_eq!(audit["data"][0]["details"]["after"]["name"], "MCP tools");
    assert_eq!(
        audit["data"][0]["details"]["before"]["scopes"],
        json!(["mcp:tools", "mcp:read"])
    );

    let (status, _) = api.call("DELETE", &format!("/resources/{id}"), None).await;
    assert_eq!(status, 204);
    assert_error(
        &api.call("GET", &format!("/resources/{id}"), None).await,
        404,
        "not_found",
    );
    assert_error(
        &api.call("DELETE", &format!("/resources/{id}"), None).await,
        404,
        "not_found",
    );
    let audit = api.ok("GET", "/audit-events?type=resource.deleted", None).await;
    assert_eq!(audit["data"][0]["details"]["before"]["identifier"], MCP);
    assert_eq!(audit["data"][0]["details"]["after"], Value::Null);
}

#[tokio::test]
async fn bad_resources_are_refused_and_nothing_is_kept() {
    let api = Api::start().await;
    let create = |body: Value| api.call("POST", "/resources", Some(body));
    for identifier in [
        "not a url",
        "http://mcp.example.com/mcp",
        "https://mcp.example.com/mcp#frag",
        "urn:example:tools",
    ] {
        let result = create(json!({"identifier": identifier, "name": "X"})).await;
        assert_error(&result, 422, "invalid_field");
    }
    for scope in ["hallpass:admin", "openid", "two words"] {
        let result = create(json!({"identifier": MCP, "name": "X", "scopes": [scope]})).await;
        assert_error(&result, 422, "invalid_field");
    }
    assert_error(
        &create(json!({"identifier": MCP, "name": "X", "access_token_ttl_secs": 5})).await,
        422,
        "invalid_field",
    );
    assert_eq!(api.ok("GET", "/resources", None).await["data"], json!([]));

    create(json!({"identifier": MCP, "name": "X"})).await;
    let clash = create(json!({"identifier": MCP, "name": "Y"})).await;
    assert_error(&clash, 409, "conflict");
    let local = create(json!({"identifier": "http://localhost:3001/mcp", "name": "Local"})).await;
    assert_eq!(local.0, 201, "http is fine on a loopback host: {}", local.1);
    let id = local.1["id"].as_str().unwrap();
    let taken = api
        .call("PATCH", &format!("/resources/{id}"), Some(json!({"identifier": MCP})))
        .await;
    assert_error(&taken, 409, "conflict");
}

#[tokio::test]
async fn resources_take_their_own_scope_and_posts_are_idempotent() {
    let api = Api::start().await;
    let (_, other) = token_for(&api.app, &["hallpass:users"]).await;
    assert_error(
        &api.call_as(&other, "GET", "/resources", None).await,
        403,
        "insufficient_scope",
    );
    let (_, manager) = token_for(&api.app, &["hallpass:resources"]).await;
    let post = |key: &'static str| {
        http()
            .post(api.url("/resources"))
            .bearer_auth(&manager)
            .header("idempotency-key", key)
            .json(&json!({"identifier": MCP, "name": "Tools", "scopes": ["mcp:tools"]}))
            .send()
    };
    let first = post("k-1").await.unwrap();
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let again = post("k-1").await.unwrap();
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.json::<Value>().await.unwrap(), first);
    assert_eq!(
        api.ok("GET", "/resources", None).await["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
