//! Dynamic client registration (RFC 7591) and its management (RFC 7592).

use super::*;

#[tokio::test]
async fn a_client_registers_itself_then_reads_changes_and_deletes_its_registration() {
    let app = TestApp::start().await;
    let (status, registered) = register(
        &app,
        &json!({
            "client_name": "Claude-ish agent",
            "redirect_uris": [LOOPBACK_REDIRECT],
            "token_endpoint_auth_method": "none",
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "client_uri": "https://agent.example.com",
            "software_id": "ignored-but-accepted",
        }),
    )
    .await;
    assert_eq!(status, 201, "{registered}");
    let id = registered["client_id"].as_str().unwrap();
    assert!(id.starts_with("cli_"));
    assert!(
        registered.get("client_secret").is_none(),
        "a public client has no secret"
    );
    assert_eq!(registered["token_endpoint_auth_method"], "none");
    assert_eq!(registered["redirect_uris"], json!([LOOPBACK_REDIRECT]));
    assert_eq!(registered["client_name"], "Claude-ish agent");
    let token = registered["registration_access_token"].as_str().unwrap();
    let uri = registered["registration_client_uri"].as_str().unwrap();
    assert_eq!(uri, app.url(&format!("/oauth/register/{id}")));

    let stored = app
        .state
        .ctx()
        .store
        .get_client(&hallpass_core::ids::ClientId::parse(id).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.registration, hallpass_core::store::Registration::Dynamic);
    assert_ne!(
        stored.registration_token_hash.unwrap().as_bytes().to_vec(),
        token.as_bytes().to_vec(),
        "only the hash is kept"
    );

    let read = http().get(uri).bearer_auth(token).send().await.unwrap();
    assert_eq!(read.status(), 200);
    let read: Value = read.json().await.unwrap();
    assert_eq!(read["client_id"], id);
    assert!(read.get("registration_access_token").is_none());

    for wrong in [None, Some("hpreg_wrong")] {
        let mut request = http().get(uri);
        if let Some(wrong) = wrong {
            request = request.bearer_auth(wrong);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401);
        assert!(response.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("invalid_token"));
    }

    let changed = http()
        .put(uri)
        .bearer_auth(token)
        .json(&json!({
            "client_id": id,
            "client_name": "Renamed agent",
            "redirect_uris": ["https://agent.example.com/callback"],
            "token_endpoint_auth_method": "none",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    let changed: Value = changed.json().await.unwrap();
    assert_eq!(changed["client_name"], "Renamed agent");
    assert_eq!(changed["redirect_uris"], json!(["https://agent.example.com/callback"]));

    let kind_change = http()
        .put(uri)
        .bearer_auth(token)
        .json(&json!({"client_id": id, "redirect_uris": [LOOPBACK_REDIRECT], "token_endpoint_auth_method": "client_secret_basic"}))
        .send()
        .await
        .unwrap();
    assert_eq!(kind_change.status(), 400);
    assert_eq!(
        kind_change.json::<Value>().await.unwrap()["error"],
        "invalid_client_metadata"
    );

    let deleted = http().delete(uri).bearer_auth(token).send().await.unwrap();
    assert_eq!(deleted.status(), 204);
    assert_eq!(client_count(&app).await, 0);
    let gone = http().get(uri).bearer_auth(token).send().await.unwrap();
    assert_eq!(gone.status(), 401, "a deleted client's token opens nothing");
}

#[tokio::test]
async fn a_confidential_registration_gets_a_secret_that_works_but_not_for_client_credentials() {
    let app = TestApp::start().await;
    let (status, registered) = register(&app, &json!({"redirect_uris": ["https://app.example.com/cb"]})).await;
    assert_eq!(status, 201, "{registered}");
    assert_eq!(registered["token_endpoint_auth_method"], "client_secret_basic");
    assert_eq!(registered["client_secret_expires_at"], 0);
    assert_eq!(
        registered["client_name"], "app.example.com",
        "named after its redirect host"
    );
    let response = http()
        .post(app.url("/oauth/token"))
        .basic_auth(
            registered["client_id"].as_str().unwrap(),
            registered["client_secret"].as_str(),
        )
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400, "the secret authenticates; the grant is refused");
    assert_eq!(response.json::<Value>().await.unwrap()["error"], "unauthorized_client");
}

#[tokio::test]
async fn registrations_that_break_the_third_party_rules_are_refused_and_nothing_is_made() {
    let app = TestApp::start().await;
    let cases = [
        (
            json!({"redirect_uris": ["http://agent.example.com/callback"]}),
            "invalid_redirect_uri",
        ),
        (
            json!({"redirect_uris": ["com.example.agent:/callback"]}),
            "invalid_redirect_uri",
        ),
        (
            json!({"redirect_uris": ["https://agent.example.com/cb#frag"]}),
            "invalid_redirect_uri",
        ),
        (json!({"redirect_uris": []}), "invalid_redirect_uri"),
        (json!({"client_name": "no uris"}), "invalid_redirect_uri"),
        (
            json!({"redirect_uris": [LOOPBACK_REDIRECT], "grant_types": ["client_credentials"]}),
            "invalid_client_metadata",
        ),
        (
            json!({"redirect_uris": [LOOPBACK_REDIRECT], "scope": "openid hallpass:admin"}),
            "invalid_client_metadata",
        ),
        (
            json!({"redirect_uris": [LOOPBACK_REDIRECT], "token_endpoint_auth_method": "private_key_jwt"}),
            "invalid_client_metadata",
        ),
        (
            json!({"redirect_uris": [LOOPBACK_REDIRECT], "response_types": ["token"]}),
            "invalid_client_metadata",
        ),
        (
            json!({"redirect_uris": "https://x.example.com/cb"}),
            "invalid_client_metadata",
        ),
    ];
    for (metadata, error) in cases {
        let (status, body) = register(&app, &metadata).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (400, Some(error)),
            "{metadata}: {body}"
        );
        assert!(body["error_description"].as_str().is_some_and(|d| !d.is_empty()));
    }
    let form = http()
        .post(app.url("/oauth/register"))
        .form(&[("redirect_uris", LOOPBACK_REDIRECT)])
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 400, "only JSON");
    assert_eq!(client_count(&app).await, 0);
}

#[tokio::test]
async fn registrations_are_limited_per_address_on_the_apps_clock() {
    let app = TestApp::start_with(|c| c.limits.registrations_per_ip_per_hour = 2).await;
    let metadata = json!({"redirect_uris": [LOOPBACK_REDIRECT], "token_endpoint_auth_method": "none"});
    for _ in 0..2 {
        assert_eq!(register(&app, &metadata).await.0, 201);
    }
    let response = http()
        .post(app.url("/oauth/register"))
        .json(&metadata)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
    assert_eq!(client_count(&app).await, 2);
    app.advance(Duration::from_secs(3600));
    assert_eq!(register(&app, &metadata).await.0, 201, "the allowance fills again");
}

#[tokio::test]
async fn registration_can_be_turned_off() {
    use hallpass_server::config::DynamicRegistration;
    let open = TestApp::start().await;
    let metadata = get_json(&open.url("/.well-known/oauth-authorization-server")).await;
    assert_eq!(metadata["registration_endpoint"], open.url("/oauth/register"));

    let off = TestApp::start_with(|c| c.oauth.dynamic_registration = DynamicRegistration::Off).await;
    let metadata = get_json(&off.url("/.well-known/oauth-authorization-server")).await;
    assert!(metadata.get("registration_endpoint").is_none(), "{metadata}");
    let (status, _) = register(&off, &json!({"redirect_uris": [LOOPBACK_REDIRECT]})).await;
    assert_eq!(status, 404);
    assert_eq!(client_count(&off).await, 0);
}
