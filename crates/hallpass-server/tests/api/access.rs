//! Who may call: machine tokens with the right scope, nobody else.

use super::*;
use hallpass_store_postgres::testing::{env_flag, in_ci};

#[tokio::test]
async fn without_a_valid_machine_token_the_answer_is_401_with_a_challenge() {
    let api = Api::start().await;
    let bare = api.http.get(api.url("/users")).send().await.unwrap();
    assert_eq!(bare.status(), 401);
    assert_eq!(bare.headers()["www-authenticate"], "Bearer");
    let garbage = api.call_as("not-a-token", "GET", "/users", None).await;
    assert_error(&garbage, 401, "invalid_token");
    let basic = api
        .http
        .get(api.url("/users"))
        .basic_auth("cli_x", Some("y"))
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), 401);

    // A user's access token, even a valid one, is not a machine token.
    let user = api.app.user("ada@example.com").await;
    let (_, session) = api.app.sign_in(&user).await;
    let keys = api.app.state.keys();
    let now = hallpass_core::clock::Clock::now(api.app.clock.as_ref()).0;
    let claims = hallpass_proto::claims::AccessTokenClaims {
        iss: api.app.base.clone(),
        sub: user.id.to_string(),
        aud: "cli_x".into(),
        client_id: "cli_x".into(),
        exp: now + 60,
        iat: now,
        nbf: now,
        jti: "j".into(),
        scope: "hallpass:admin".into(),
        sid: Some(session.id.to_string()),
        auth_time: Some(now),
        oid: None,
        roles: vec![],
        permissions: vec![],
    };
    let key = keys.signer(hallpass_core::crypto::Algorithm::Es256).unwrap();
    let user_token = hallpass_core::crypto::jws::sign(&key, "at+jwt", &claims).unwrap();
    assert_error(
        &api.call_as(&user_token, "GET", "/users", None).await,
        401,
        "invalid_token",
    );

    // An expired machine token.
    api.app.advance(std::time::Duration::from_secs(3600));
    assert_error(&api.call("GET", "/users", None).await, 401, "invalid_token");
}

#[tokio::test]
async fn a_deleted_clients_token_stops_working() {
    let api = Api::start().await;
    let (client_id, token) = token_for(&api.app, &["hallpass:users"]).await;
    assert!(api.call_as(&token, "GET", "/users", None).await.0.is_success());
    let id = hallpass_core::ids::ClientId::parse(&client_id).unwrap();
    hallpass_core::services::clients::delete_client(
        api.app.state.ctx(),
        &id,
        &hallpass_core::services::audit::Actor::Cli,
    )
    .await
    .unwrap();
    api.app.advance(std::time::Duration::from_secs(3)); // past the client cache
    assert_error(&api.call_as(&token, "GET", "/users", None).await, 401, "invalid_token");
}

#[tokio::test]
async fn a_resource_scope_opens_that_resource_only() {
    let api = Api::start().await;
    let (_, users_only) = token_for(&api.app, &["hallpass:users"]).await;
    assert!(api.call_as(&users_only, "GET", "/users", None).await.0.is_success());
    let response = api
        .http
        .get(api.url("/organizations"))
        .bearer_auth(&users_only)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert_eq!(
        response.headers()["www-authenticate"],
        "Bearer error=\"insufficient_scope\", scope=\"hallpass:organizations\""
    );
    let (_, nothing) = token_for(&api.app, &["reports:read"]).await;
    assert_error(
        &api.call_as(&nothing, "GET", "/keys", None).await,
        403,
        "insufficient_scope",
    );
    assert_error(
        &api.call_as(&nothing, "GET", "/audit-events", None).await,
        403,
        "insufficient_scope",
    );
}

#[tokio::test]
async fn unknown_paths_and_ids_are_404() {
    let api = Api::start().await;
    assert_error(&api.call("GET", "/nothing-here", None).await, 404, "not_found");
    assert_error(
        &api.call("GET", "/users/usr_01jbadbadbadbadbadbadbadba", None).await,
        404,
        "not_found",
    );
    assert_error(&api.call("GET", "/users/not-an-id", None).await, 404, "not_found");
    assert_error(
        &api.call("GET", "/organizations/org_01jbadbadbadbadbadbadbadba", None)
            .await,
        404,
        "not_found",
    );
    assert_error(
        &api.call("DELETE", "/sessions/ses_01jbadbadbadbadbadbadbadba", None)
            .await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn the_openapi_document_matches_its_snapshot() {
    let api = Api::start().await;
    let document = api.public_json(&api.url("/openapi.json")).await;
    assert_eq!(document["openapi"], "3.1.0");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/openapi.json");
    let pretty = serde_json::to_string_pretty(&document).unwrap() + "\n";
    if env_flag("UPDATE_SNAPSHOTS") {
        // CI checks the committed snapshot; it must never write its own.
        assert!(!in_ci(), "UPDATE_SNAPSHOTS cannot rewrite a snapshot under CI");
        std::fs::write(&path, &pretty).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == pretty,
        "the OpenAPI document changed; if that is meant, run with UPDATE_SNAPSHOTS=1 and review the diff"
    );
    for path in [
        "/api/v1/users",
        "/api/v1/organizations/{id}/members/{user_id}",
        "/api/v1/audit-events",
        "/api/v1/sessions/{id}/revoke",
        "/api/v1/users/{id}/sessions/revoke",
    ] {
        assert!(document["paths"][path].is_object(), "{path} documented");
    }
}
