//! Directories through the management API: created with a SCIM base URL and
//! a token shown once, listed, read, given a new token, deleted; the scope
//! that guards them; the errors; the OpenAPI paths.

use super::*;

async fn token_with(env: &Env, scope: &str) -> String {
    client_token(&env.app, &env.http, scope).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_read_list_replace_token_and_delete() {
    let env = Env::start().await;
    let org = env.organization("Acme").await;
    let (status, made) = env
        .api(
            "POST",
            &format!("/organizations/{org}/directories"),
            Some(json!({ "name": "Okta", "group_roles": { "Engineering": "admin" } })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let id = made["id"].as_str().unwrap();
    assert!(id.starts_with("dir_"));
    assert_eq!(made["organization_id"], org.as_str());
    assert_eq!(made["scim_base_url"], format!("{}/scim/v2/{id}", env.app.base));
    assert_eq!(made["group_roles"], json!({ "Engineering": "admin" }));
    let token = made["bearer_token"].as_str().unwrap();
    assert!(token.len() > 40);

    // The token is never shown again.
    let (_, read) = env.api("GET", &format!("/directories/{id}"), None).await;
    assert!(read.get("bearer_token").is_none(), "{read}");
    assert_eq!(read["scim_base_url"], made["scim_base_url"]);
    let (_, list) = env.api("GET", &format!("/organizations/{org}/directories"), None).await;
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
    assert!(list["data"][0].get("bearer_token").is_none());

    // Only a hash is stored.
    let stored = env
        .app
        .state
        .ctx()
        .store
        .get_directory(&hallpass_core::ids::DirectoryId::parse(id).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.token_hash, hallpass_core::crypto::SecretHash::of(token));

    let (status, renewed) = env.api("POST", &format!("/directories/{id}/token"), None).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_ne!(renewed["bearer_token"], made["bearer_token"]);

    let (status, _) = env.api("DELETE", &format!("/directories/{id}"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = env.api("GET", &format!("/directories/{id}"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let dir = Directory {
        id: id.to_owned(),
        organization_id: org.clone(),
        base: made["scim_base_url"].as_str().unwrap().to_owned(),
        token: renewed["bearer_token"].as_str().unwrap().to_owned(),
    };
    assert_scim_error(&env.scim(&dir, "GET", "/Users", None).await, 401, None);

    let (_, events) = env.api("GET", "/audit-events", None).await;
    let kinds: Vec<&str> = events["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    for kind in ["directory.created", "directory.token_replaced", "directory.deleted"] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    let created = events["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == "directory.created")
        .unwrap();
    assert!(
        !created.to_string().contains(token),
        "the audit trail never holds the token"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_directories_scope_guards_them() {
    let env = Env::start().await;
    let org = env.organization("Acme").await;
    let other = token_with(&env, "hallpass:users").await;
    let url = env.app.url(&format!("/api/v1/organizations/{org}/directories"));
    let refused = env
        .http
        .post(&url)
        .bearer_auth(&other)
        .json(&json!({ "name": "x" }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let own = token_with(&env, "hallpass:directories").await;
    let made = env
        .http
        .post(&url)
        .bearer_auth(&own)
        .json(&json!({ "name": "x" }))
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), StatusCode::CREATED);
    let none = env.http.get(&url).send().await.unwrap();
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_and_makes_nothing() {
    let env = Env::start().await;
    let org = env.organization("Acme").await;
    let path = format!("/organizations/{org}/directories");
    let (status, body) = env
        .api(
            "POST",
            &path,
            Some(json!({ "name": "x", "group_roles": { "Eng": "wizard" } })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, _) = env.api("POST", &path, Some(json!({ "name": "  " }))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = env
        .api("POST", &path, Some(json!({ "name": "x", "colour": "red" })))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, list) = env.api("GET", &path, None).await;
    assert_eq!(list["data"], json!([]));
    let (status, _) = env
        .api(
            "POST",
            "/organizations/org_01jzzzzzzzzzzzzzzzzzzzzzzz/directories",
            Some(json!({ "name": "x" })),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = env.api("GET", "/directories/nope", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_describes_the_directory_paths() {
    let env = Env::start().await;
    let doc: Value = env
        .http
        .get(env.app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for path in [
        "/api/v1/organizations/{id}/directories",
        "/api/v1/directories/{id}",
        "/api/v1/directories/{id}/token",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path}");
    }
    assert!(doc["components"]["schemas"].get("Directory").is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discovery_documents_describe_the_server() {
    let env = Env::start().await;
    let dir = env.directory("Acme", json!({})).await;
    let spc = env.scim(&dir, "GET", "/ServiceProviderConfig", None).await;
    assert_eq!(spc.headers["content-type"], "application/scim+json");
    assert_eq!(spc.body["patch"]["supported"], true);
    assert_eq!(spc.body["filter"]["supported"], true);
    assert_eq!(spc.body["etag"]["supported"], true);
    assert_eq!(spc.body["authenticationSchemes"][0]["type"], "oauthbearertoken");
    let types = env.ok(&dir, "GET", "/ResourceTypes", None).await;
    assert_eq!(types["Resources"][0]["endpoint"], "/Users");
    assert_eq!(types["Resources"][0]["schemaExtensions"][0]["schema"], ENTERPRISE);
    let user = env.ok(&dir, "GET", "/ResourceTypes/User", None).await;
    assert_eq!(user["schema"], USER);
    let schemas = env.ok(&dir, "GET", "/Schemas", None).await;
    assert_eq!(schemas["totalResults"], 3);
    let enterprise = env.ok(&dir, "GET", &format!("/Schemas/{ENTERPRISE}"), None).await;
    assert_eq!(enterprise["name"], "EnterpriseUser");
    // Users without an email are accepted: `emails` is not required.
    let core = env.ok(&dir, "GET", &format!("/Schemas/{USER}"), None).await;
    let emails = core["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "emails")
        .unwrap();
    assert_eq!(emails["required"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idempotency_key_is_refused_where_the_answer_holds_the_token() {
    let env = Env::start().await;
    let org = env.organization("Acme").await;
    let url = env.app.url(&format!("/api/v1/organizations/{org}/directories"));
    let refused = env
        .http
        .post(&url)
        .bearer_auth(&env.admin)
        .header("idempotency-key", "k1")
        .json(&json!({ "name": "Okta" }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (_, list) = env.api("GET", &format!("/organizations/{org}/directories"), None).await;
    assert_eq!(list["data"], json!([]), "nothing made, nothing stored");
    let dir = env.directory_of(&org, json!({})).await;
    let rotate = env.app.url(&format!("/api/v1/directories/{}/token", dir.id));
    let refused = env
        .http
        .post(&rotate)
        .bearer_auth(&env.admin)
        .header("idempotency-key", "k2")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        env.ok(&dir, "GET", "/Users", None).await["totalResults"],
        0,
        "the token still works"
    );
}
