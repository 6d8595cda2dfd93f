//! Connections to upstream identity providers: enterprise ones per
//! organization, social ones for everyone.

use super::{assert_error, token_for, Api};
use hallpass_core::ids::ConnectionId;
use serde_json::{json, Value};

fn enterprise(domains: &[&str]) -> Value {
    json!({
        "type": "oidc",
        "name": "Acme Okta",
        "issuer": "https://acme.okta.example",
        "client_id": "hallpass-at-acme",
        "client_secret": "upstream-secret-123",
        "domains": domains,
    })
}

#[tokio::test]
async fn an_enterprise_connection_is_made_shown_changed_and_deleted_without_its_secret() {
    let api = Api::start().await;
    let org = api.create_org("Acme").await;
    let created = api
        .ok(
            "POST",
            &format!("/organizations/{org}/connections"),
            Some(enterprise(&["Acme.test", "acme.example"])),
        )
        .await;
    let id = created["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("con_"), "{created}");
    assert_eq!(created["type"], "oidc");
    assert_eq!(created["organization_id"], org.as_str());
    assert_eq!(
        created["domains"],
        json!(["acme.example", "acme.test"]),
        "lower-cased, sorted"
    );
    assert_eq!(created["client_id"], "hallpass-at-acme");
    assert_eq!(
        created["redirect_uri"],
        api.app.url(&format!("/login/sso/{id}/callback")),
        "what the admin registers at the IdP"
    );
    assert!(
        !created.to_string().contains("upstream-secret-123"),
        "never echoed: {created}"
    );

    // Sealed at rest, under the master key, not stored as given.
    let stored = api
        .app
        .state
        .ctx()
        .store
        .get_connection(&ConnectionId::parse(&id).unwrap())
        .await
        .unwrap()
        .unwrap();
    let sealed = stored.sealed_secrets.clone().unwrap();
    assert!(!sealed.windows(19).any(|w| w == b"upstream-secret-123"));
    let opened = hallpass_core::services::connections::secrets(api.app.state.provider().master(), &stored).unwrap();
    assert_eq!(opened["client_secret"], "upstream-secret-123");

    let listed = api.ok("GET", &format!("/organizations/{org}/connections"), None).await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 1);
    assert_eq!(listed["data"][0]["id"], id.as_str());
    assert_eq!(
        api.ok("GET", "/connections", None).await["data"],
        json!([]),
        "no social ones"
    );
    assert_eq!(api.ok("GET", &format!("/connections/{id}"), None).await, created);

    let changed = api
        .ok(
            "PATCH",
            &format!("/connections/{id}"),
            Some(json!({ "domains": ["acme.test"], "sso_required": true, "client_secret": "rotated-secret" })),
        )
        .await;
    assert_eq!(changed["domains"], json!(["acme.test"]));
    assert_eq!(changed["sso_required"], true);
    assert_eq!(changed["issuer"], "https://acme.okta.example", "untouched fields stay");
    let stored = api
        .app
        .state
        .ctx()
        .store
        .get_connection(&ConnectionId::parse(&id).unwrap())
        .await
        .unwrap()
        .unwrap();
    let opened = hallpass_core::services::connections::secrets(api.app.state.provider().master(), &stored).unwrap();
    assert_eq!(opened["client_secret"], "rotated-secret");

    let events = api.ok("GET", "/audit-events?type=connection.updated", None).await;
    let details = &events["data"][0]["details"];
    assert_eq!(details["before"]["domains"], json!(["acme.example", "acme.test"]));
    assert_eq!(details["after"]["domains"], json!(["acme.test"]));
    assert_eq!(details["secret_changed"], true);
    assert!(
        !events.to_string().contains("rotated-secret"),
        "no secret in the audit trail"
    );

    let (status, _) = api.call("DELETE", &format!("/connections/{id}"), None).await;
    assert_eq!(status, 204);
    assert_error(
        &api.call("GET", &format!("/connections/{id}"), None).await,
        404,
        "not_found",
    );
    assert_error(
        &api.call("DELETE", &format!("/connections/{id}"), None).await,
        404,
        "not_found",
    );
    let deleted = api.ok("GET", "/audit-events?type=connection.deleted", None).await;
    assert_eq!(deleted["data"][0]["details"]["before"]["id"], id.as_str());
}

#[tokio::test]
async fn a_domain_belongs_to_one_connection_and_bad_bodies_change_nothing() {
    let api = Api::start().await;
    let acme = api.create_org("Acme").await;
    let globex = api.create_org("Globex").await;
    api.ok(
        "POST",
        &format!("/organizations/{acme}/connections"),
        Some(enterprise(&["acme.test"])),
    )
    .await;
    let clash = api
        .call(
            "POST",
            &format!("/organizations/{globex}/connections"),
            Some(enterprise(&["globex.test", "ACME.test"])),
        )
        .await;
    assert_error(&clash, 409, "conflict");
    assert!(
        clash.1["error_description"].as_str().unwrap().contains("domains"),
        "{}",
        clash.1
    );
    assert_eq!(
        api.ok("GET", &format!("/organizations/{globex}/connections"), None)
            .await["data"],
        json!([])
    );

    let path = format!("/organizations/{globex}/connections");
    let mut cases: Vec<(Value, &str)> = Vec::new();
    let with = |field: &str, value: Value| {
        let mut body = enterprise(&["globex.test"]);
        body[field] = value;
        body
    };
    let without = |field: &str| {
        let mut body = enterprise(&["globex.test"]);
        body.as_object_mut().unwrap().remove(field);
        body
    };
    cases.push((without("type"), "type"));
    cases.push((with("type", json!("saml")), "issuer"));
    cases.push((with("type", json!("ldap")), "type"));
    cases.push((without("client_secret"), "client_secret"));
    cases.push((without("client_id"), "client_id"));
    cases.push((without("issuer"), "issuer"));
    cases.push((with("issuer", json!("http://idp.example")), "issuer"));
    cases.push((with("token_endpoint", json!("not a url")), "token_endpoint"));
    cases.push((with("domains", json!(["no-dot"])), "domains"));
    cases.push((with("name", json!(" ")), "name"));
    for (body, field) in cases {
        let result = api.call("POST", &path, Some(body)).await;
        assert_error(&result, 422, "invalid_field");
        assert!(
            result.1["error_description"]
                .as_str()
                .unwrap()
                .contains(&format!("`{field}`")),
            "{field}: {}",
            result.1
        );
    }
    assert_error(
        &api.call("POST", &path, Some(json!({"type": "oidc", "bogus": 1}))).await,
        422,
        "invalid_field",
    );
    assert_eq!(api.ok("GET", &path, None).await["data"], json!([]), "nothing was made");
    assert_error(
        &api.call(
            "POST",
            "/organizations/org_01ARZ3NDEKTSV4RRFFQ69G5FAV/connections",
            Some(enterprise(&[])),
        )
        .await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn social_connections_take_presets_and_no_domains() {
    let api = Api::start().await;
    let google = api
        .ok(
            "POST",
            "/connections",
            Some(json!({"type": "google", "name": "Google", "client_id": "g-id", "client_secret": "g-secret"})),
        )
        .await;
    assert_eq!(google["organization_id"], Value::Null);
    assert_eq!(google["issuer"], Value::Null, "the preset's issuer applies");
    let github = api
        .ok(
            "POST",
            "/connections",
            Some(
                json!({"type": "github", "name": "GitHub", "client_id": "gh", "client_secret": "s",
                        "token_endpoint": "http://127.0.0.1:9/login/oauth/access_token"}),
            ),
        )
        .await;
    assert_eq!(github["token_endpoint"], "http://127.0.0.1:9/login/oauth/access_token");
    assert_eq!(
        api.ok("GET", "/connections", None).await["data"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_error(
        &api.call(
            "POST",
            "/connections",
            Some(json!({"type": "google", "name": "G", "client_id": "g", "client_secret": "s", "domains": ["a.test"]})),
        )
        .await,
        422,
        "invalid_field",
    );
    assert_error(
        &api.call(
            "POST",
            "/connections",
            Some(json!({"type": "github", "name": "G", "client_id": "g", "client_secret": "s", "issuer": "https://github.com"})),
        )
        .await,
        422,
        "invalid_field",
    );
    assert_error(
        &api.call(
            "PATCH",
            &format!("/connections/{}", google["id"].as_str().unwrap()),
            Some(json!({"type": "github"})),
        )
        .await,
        422,
        "invalid_field",
    );
}

#[tokio::test]
async fn connections_need_their_scope_and_a_retried_create_makes_one() {
    let api = Api::start().await;
    let (_, users_only) = token_for(&api.app, &["hallpass:users"]).await;
    let (_, connections) = token_for(&api.app, &["hallpass:connections"]).await;
    assert_error(
        &api.call_as(&users_only, "GET", "/connections", None).await,
        403,
        "insufficient_scope",
    );
    let body = json!({"type": "google", "name": "Google", "client_id": "g", "client_secret": "s"});
    let post = || {
        api.http
            .post(api.url("/connections"))
            .bearer_auth(&connections)
            .header("idempotency-key", "con-1")
            .json(&body)
            .send()
    };
    let first = post().await.unwrap();
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let again = post().await.unwrap();
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);
    let listed = api.call_as(&connections, "GET", "/connections", None).await;
    assert_eq!(listed.1["data"].as_array().unwrap().len(), 1, "made once");
}
