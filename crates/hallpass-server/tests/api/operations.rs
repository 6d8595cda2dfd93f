//! Sessions, signing keys and the audit trail.

use super::*;

#[tokio::test]
async fn sessions_are_listed_and_revoked_one_or_all() {
    let api = Api::start().await;
    let user = api.app.user("ada@example.com").await;
    let (one, first) = api.app.sign_in(&user).await;
    let (two, _) = api.app.sign_in(&user).await;
    let listed = api.ok("GET", &format!("/users/{}/sessions", user.id), None).await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 2);

    assert_eq!(
        api.call("DELETE", &format!("/sessions/{}", first.id), None).await.0,
        204
    );
    let live = hallpass_core::sessions::live(api.app.state.ctx(), &one).await.unwrap();
    assert!(live.is_none(), "the revoked session is over");
    assert_eq!(
        api.ok("GET", &format!("/users/{}/sessions", user.id), None).await["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    assert_eq!(
        api.call("DELETE", &format!("/users/{}/sessions", user.id), None)
            .await
            .0,
        204
    );
    assert!(hallpass_core::sessions::live(api.app.state.ctx(), &two)
        .await
        .unwrap()
        .is_none());
    let audit = api
        .ok(
            "GET",
            &format!("/audit-events?user_id={}&type=session.revoked_all", user.id),
            None,
        )
        .await;
    assert_eq!(audit["data"].as_array().unwrap().len(), 1);
    assert_error(
        &api.call("GET", "/users/usr_01jbadbadbadbadbadbadbadba/sessions", None)
            .await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn sessions_are_revoked_by_the_documented_post_forms_too() {
    let api = Api::start().await;
    let user = api.app.user("ada@example.com").await;
    let (one, first) = api.app.sign_in(&user).await;
    let (two, _) = api.app.sign_in(&user).await;
    let live = |token: String| {
        let ctx = api.app.state.ctx().clone();
        async move { hallpass_core::sessions::live(&ctx, &token).await.unwrap().is_some() }
    };

    assert_eq!(
        api.call("POST", &format!("/sessions/{}/revoke", first.id), None)
            .await
            .0,
        204
    );
    assert!(!live(one).await, "the revoked session is over");
    assert!(live(two.clone()).await, "the other one lives on");
    assert_eq!(
        api.call("POST", &format!("/users/{}/sessions/revoke", user.id), None)
            .await
            .0,
        204
    );
    assert!(!live(two).await);
    assert_error(
        &api.call("POST", "/sessions/ses_01jbadbadbadbadbadbadbadba/revoke", None)
            .await,
        404,
        "not_found",
    );
    assert_error(
        &api.call("POST", "/users/usr_01jbadbadbadbadbadbadbadba/sessions/revoke", None)
            .await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn keys_are_listed_and_rotated() {
    let api = Api::start().await;
    let before = api.ok("GET", "/keys", None).await;
    let active_es256 = |keys: &Value| {
        keys["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["alg"] == "ES256" && k["status"] == "active")
            .unwrap()["kid"]
            .clone()
    };
    let old = active_es256(&before);
    let after = api
        .ok("POST", "/keys/rotate", Some(json!({"algorithm": "ES256"})))
        .await;
    assert_ne!(active_es256(&after), old);
    let jwks = api.public_json(&api.app.url("/.well-known/jwks.json")).await;
    let kids: Vec<&Value> = jwks["keys"].as_array().unwrap().iter().map(|k| &k["kid"]).collect();
    assert!(kids.contains(&&old), "the retired key is still published");
    assert!(kids.contains(&&active_es256(&after)), "the new key is served at once");
    assert_error(
        &api.call("POST", "/keys/rotate", Some(json!({"algorithm": "HS256"})))
            .await,
        422,
        "invalid_field",
    );
}

#[tokio::test]
async fn audit_events_filter_by_user_type_and_time() {
    let api = Api::start().await;
    let id = api.create_user("audited@example.com").await;
    api.create_user("bystander@example.com").await; // filtered out by user_id
    api.ok("PATCH", &format!("/users/{id}"), Some(json!({"name": "A"})))
        .await;
    let all = api.ok("GET", &format!("/audit-events?user_id={id}"), None).await;
    let types: Vec<&str> = all["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, vec!["user.updated", "user.created"], "newest first");
    let future = api.ok("GET", "/audit-events?since=2999-01-01T00:00:00Z", None).await;
    assert!(future["data"].as_array().unwrap().is_empty());
    let page = api
        .ok("GET", &format!("/audit-events?user_id={id}&limit=1"), None)
        .await;
    let next = api
        .ok(
            "GET",
            &format!(
                "/audit-events?user_id={id}&limit=1&before={}",
                page["next_cursor"].as_str().unwrap()
            ),
            None,
        )
        .await;
    assert_eq!(next["data"][0]["type"], "user.created");
    assert_error(
        &api.call("GET", "/audit-events?since=yesterday", None).await,
        422,
        "invalid_field",
    );
    assert_error(
        &api.call("GET", "/audit-events?before=x", None).await,
        422,
        "invalid_field",
    );
}

#[tokio::test]
async fn a_retried_create_with_an_idempotency_key_creates_once() {
    let api = Api::start().await;
    let post = |key: &str, token: &str, body: Value| {
        api.http
            .post(api.url("/users"))
            .bearer_auth(token)
            .header("idempotency-key", key)
            .json(&body)
            .send()
    };
    let body = json!({"email": "once@example.com"});
    let first = post("k-1", &api.token, body.clone()).await.unwrap();
    assert_eq!(first.status(), 201);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first: Value = first.json().await.unwrap();
    let again = post("k-1", &api.token, body.clone()).await.unwrap();
    assert_eq!(again.status(), 201, "the same answer");
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], first["id"], "not a second user");
    let listed = api.ok("GET", "/users", None).await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 1);

    let other = post("k-1", &api.token, json!({"email": "other@example.com"}))
        .await
        .unwrap();
    assert_eq!(other.status(), 422, "a key is for one request");
    let too_long = post(&"k".repeat(256), &api.token, body.clone()).await.unwrap();
    assert_eq!(too_long.status(), 422);
    let anonymous = post("k-2", "not-a-token", body.clone()).await.unwrap();
    assert_eq!(anonymous.status(), 401, "no answer is kept for a refused caller");

    // Another client's key space is its own; a kept 409 is replayed as a 409.
    let (_, second_client) = token_for(&api.app, &["hallpass:users"]).await;
    let theirs = post("k-1", &second_client, body.clone()).await.unwrap();
    assert_eq!(theirs.status(), 409, "their first use runs: the address is taken");
    let replayed = post("k-1", &second_client, body).await.unwrap();
    assert_eq!(replayed.status(), 409);
    assert_eq!(replayed.headers()["idempotent-replayed"], "true");
}

#[tokio::test]
async fn clients_are_registered_changed_given_new_secrets_and_deleted() {
    let api = Api::start().await;
    let created = api
        .call(
            "POST",
            "/clients",
            Some(json!({"name": "Web", "redirect_uris": ["https://app.example.com/callback"], "id_token_signed_response_alg": "RS256"})),
        )
        .await;
    assert_eq!(created.0, 201, "{}", created.1);
    let id = created.1["client_id"].as_str().unwrap().to_owned();
    assert!(
        created.1["client_secret"].as_str().unwrap().starts_with("hps_"),
        "shown once"
    );
    assert_eq!(created.1["id_token_signed_response_alg"], "RS256");
    let shown = api.ok("GET", &format!("/clients/{id}"), None).await;
    assert!(shown.get("client_secret").is_none(), "never shown again");
    assert_eq!(shown["secrets"].as_array().unwrap().len(), 1);

    for bad in [
        json!({"name": "x", "redirect_uris": ["not a uri"]}),
        json!({"name": "x", "client_type": "robot"}),
        json!({"name": "x", "id_token_signed_response_alg": "HS256"}),
        json!({"name": "x", "redirect_uris": ["https://app.example.com/#fragment"]}),
    ] {
        assert_error(&api.call("POST", "/clients", Some(bad)).await, 422, "invalid_field");
    }

    let changed = api
        .ok(
            "PATCH",
            &format!("/clients/{id}"),
            Some(json!({"redirect_uris": ["https://app.example.com/cb2"]})),
        )
        .await;
    assert_eq!(changed["redirect_uris"], json!(["https://app.example.com/cb2"]));
    let rotated = api.call("POST", &format!("/clients/{id}/secrets"), None).await;
    assert_eq!(rotated.0, 201);
    let shown = api.ok("GET", &format!("/clients/{id}"), None).await;
    assert_eq!(shown["secrets"].as_array().unwrap().len(), 2, "the old one still works");
    let old = shown["secrets"][0]["secret_id"].as_str().unwrap().to_owned();
    let old = if old == rotated.1["secret_id"] {
        shown["secrets"][1]["secret_id"].as_str().unwrap().to_owned()
    } else {
        old
    };
    assert_eq!(
        api.call("DELETE", &format!("/clients/{id}/secrets/{old}"), None)
            .await
            .0,
        204
    );
    assert_eq!(api.call("DELETE", &format!("/clients/{id}"), None).await.0, 204);
    assert_error(
        &api.call("GET", &format!("/clients/{id}"), None).await,
        404,
        "not_found",
    );
    let (_, users_only) = token_for(&api.app, &["hallpass:users"]).await;
    assert_error(
        &api.call_as(&users_only, "GET", "/clients", None).await,
        403,
        "insufficient_scope",
    );
}

#[tokio::test]
async fn a_client_manager_cannot_mint_itself_an_admin() {
    let api = Api::start().await;
    let (_, manager) = token_for(&api.app, &["hallpass:clients"]).await;
    let escalate = api
        .call_as(
            &manager,
            "POST",
            "/clients",
            Some(json!({"name": "mine", "scopes": ["hallpass:admin"]})),
        )
        .await;
    assert_error(&escalate, 403, "insufficient_scope");
    let plain = api
        .call_as(
            &manager,
            "POST",
            "/clients",
            Some(json!({"name": "plain", "scopes": ["reports:read"]})),
        )
        .await;
    assert_eq!(plain.0, 201, "{}", plain.1);
    // Nor reach an existing admin client: its secrets, its settings, its deletion.
    let admin = api
        .ok(
            "POST",
            "/clients",
            Some(json!({"name": "ops", "scopes": ["hallpass:admin"]})),
        )
        .await;
    let id = admin["client_id"].as_str().unwrap();
    for (method, path) in [
        ("POST", format!("/clients/{id}/secrets")),
        ("PATCH", format!("/clients/{id}")),
        ("DELETE", format!("/clients/{id}")),
    ] {
        let body = (method == "PATCH").then(|| json!({"name": "taken"}));
        assert_error(
            &api.call_as(&manager, method, &path, body).await,
            403,
            "insufficient_scope",
        );
    }
    // An answer holding a secret is never stored for replay.
    let keyed = api
        .http
        .post(api.url("/clients"))
        .bearer_auth(&api.token)
        .header("idempotency-key", "k")
        .json(&json!({"name": "keyed"}))
        .send()
        .await
        .unwrap();
    assert_eq!(keyed.status(), 422);
}
