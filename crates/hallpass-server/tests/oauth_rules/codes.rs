//! Authorization codes: PKCE, single use, expiry, binding to client, redirect URI and session; client authentication at the token endpoint.

use super::*;

#[tokio::test]
async fn pkce_mismatch_and_missing_verifier_are_invalid_grant() {
    let f = fixture().await;
    let code1 = code(&f).await;
    let (status, body, _) = token(
        &f,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code1),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &"x".repeat(43)),
        ],
    )
    .await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
    let code2 = code(&f).await;
    let (status, body, _) = token(
        &f,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code2),
            ("redirect_uri", REDIRECT),
        ],
    )
    .await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
    let code3 = code(&f).await;
    let (_, body, _) = token(
        &f,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code3),
            ("redirect_uri", REDIRECT),
            ("code_verifier", "short"),
        ],
    )
    .await;
    assert_eq!(body["error"], "invalid_request");
}

#[tokio::test]
async fn pkce_can_be_optional_for_confidential_clients_only_by_config() {
    let app = TestApp::start_with(|c| c.oauth.require_pkce = false).await;
    let client = app.client(|_| {}).await;
    let public = app.client(|c| c.kind = hallpass_core::store::ClientKind::Public).await;
    let user = app.user("x@example.com").await;
    let (session_token, _) = app.sign_in(&user).await;
    let f = Fixture {
        app,
        client,
        cookie: String::new(),
    };
    let cookie = f.app.cookie(&session_token);
    let params = authorize_params(&f, &[("code_challenge", ""), ("code_challenge_method", "")]);
    let response = authorize(&f, &params, Some(&cookie)).await;
    let code = location(&response).1["code"].clone();
    let (status, body, _) = token(
        &f,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    // A verifier without a challenge is a downgrade attempt (RFC 9700).
    let response = authorize(&f, &params, Some(&cookie)).await;
    let code = location(&response).1["code"].clone();
    let (_, body) = exchange(&f, &code).await;
    assert_eq!(body["error"], "invalid_grant");
    // Public clients need PKCE whatever the config says.
    let mut public_params = params.clone();
    for p in public_params.iter_mut() {
        if p.0 == "client_id" {
            p.1 = public.id.as_str();
        }
    }
    let response = authorize(&f, &public_params, Some(&cookie)).await;
    assert_eq!(location(&response).1["error"], "invalid_request");
}

#[tokio::test]
async fn a_replayed_code_fails_and_revokes_what_it_issued() {
    let f = fixture().await;
    let code = code(&f).await;
    let (status, first) = exchange(&f, &code).await;
    assert_eq!(status, 200);
    let (status, replay) = exchange(&f, &code).await;
    assert_eq!((status, replay["error"].as_str()), (400, Some("invalid_grant")));
    let refresh = first["refresh_token"].as_str().unwrap();
    let (_, body, _) = token(&f, &[("grant_type", "refresh_token"), ("refresh_token", refresh)]).await;
    assert_eq!(
        body["error"], "invalid_grant",
        "the refresh token issued from a replayed code is revoked"
    );
}

#[tokio::test]
async fn an_expired_code_is_invalid_grant() {
    let f = fixture().await;
    let code = code(&f).await;
    f.app.advance(Duration::from_secs(61));
    let (status, body) = exchange(&f, &code).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
    assert!(body["error_description"].as_str().unwrap().contains("expired"));
}

#[tokio::test]
async fn a_code_is_bound_to_its_client_and_redirect_uri() {
    let f = fixture().await;
    let code1 = code(&f).await;
    let (_, body, _) = token(
        &f,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code1),
            ("redirect_uri", "http://localhost:3000/other"),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(body["error"], "invalid_grant");
    let other = f.app.client(|_| {}).await;
    let code2 = code(&f).await;
    let response = http()
        .post(f.app.url("/oauth/token"))
        .basic_auth(&other.id, other.secret.as_deref())
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code2.as_str()),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.json::<Value>().await.unwrap()["error"], "invalid_grant");
}

#[tokio::test]
async fn a_code_exchange_needs_the_redirect_uri() {
    let f = fixture().await;
    let code = code(&f).await;
    let (status, body, _) = token(
        &f,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
    assert!(body.get("access_token").is_none());
}

#[tokio::test]
async fn a_code_is_refused_once_its_session_ended_or_its_user_is_gone() {
    use hallpass_core::services::{audit::Actor, users};
    use hallpass_core::sessions::{self, EndReason};
    let f = fixture().await;
    let user = f.app.user("ended@example.com").await;
    let (token_of_session, session) = f.app.sign_in(&user).await;
    let cookie = f.app.cookie(&token_of_session);
    let response = authorize(&f, &authorize_params(&f, &[]), Some(&cookie)).await;
    let code = location(&response).1["code"].clone();
    sessions::end(f.app.state.ctx(), &session.id, EndReason::Revoked)
        .await
        .unwrap();
    let (status, body) = exchange(&f, &code).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");

    let gone = f.app.user("gone@example.com").await;
    let (token_of_session, _) = f.app.sign_in(&gone).await;
    let cookie = f.app.cookie(&token_of_session);
    let response = authorize(&f, &authorize_params(&f, &[]), Some(&cookie)).await;
    let code = location(&response).1["code"].clone();
    users::delete_user(f.app.state.ctx(), &gone.id, &Actor::Cli)
        .await
        .unwrap();
    let (status, body) = exchange(&f, &code).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
}

#[tokio::test]
async fn client_authentication_failures_are_401_invalid_client() {
    let f = fixture().await;
    let cases: Vec<reqwest::RequestBuilder> = vec![
        http()
            .post(f.app.url("/oauth/token"))
            .basic_auth(&f.client.id, Some("wrong")),
        http()
            .post(f.app.url("/oauth/token"))
            .basic_auth("cli_01arz3ndektsv4rrffq69g5fav", Some("x")),
        http().post(f.app.url("/oauth/token")),
        http()
            .post(f.app.url("/oauth/token"))
            .header("authorization", "Bearer abc"),
    ];
    for request in cases {
        let response = request
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
        assert!(response.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Basic"));
        assert_eq!(response.json::<Value>().await.unwrap()["error"], "invalid_client");
    }
    // A confidential client that sends only its id is refused.
    let response = http()
        .post(f.app.url("/oauth/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", f.client.id.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    // Two methods at once are a malformed request.
    let response = http()
        .post(f.app.url("/oauth/token"))
        .basic_auth(&f.client.id, f.client.secret.as_deref())
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_secret", f.client.secret.as_deref().unwrap()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.json::<Value>().await.unwrap()["error"], "invalid_request");
}

#[tokio::test]
async fn client_secret_post_works_and_grant_types_are_checked() {
    let f = fixture().await;
    let response = http()
        .post(f.app.url("/oauth/token"))
        .form(&[
            ("grant_type", "password"),
            ("client_id", f.client.id.as_str()),
            ("client_secret", f.client.secret.as_deref().unwrap()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.json::<Value>().await.unwrap()["error"],
        "unsupported_grant_type"
    );
    let (_, body, _) = token(&f, &[("code", "x")]).await;
    assert_eq!(body["error"], "invalid_request");
    let response = http()
        .post(f.app.url("/oauth/token"))
        .basic_auth(&f.client.id, f.client.secret.as_deref())
        .json(&serde_json::json!({"grant_type": "client_credentials"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.json::<Value>().await.unwrap()["error"],
        "invalid_request",
        "JSON bodies are refused"
    );
}
