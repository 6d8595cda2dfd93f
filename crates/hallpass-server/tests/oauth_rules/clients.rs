//! Machine and public clients: client_credentials, PKCE without a secret, native loopback redirects.

use super::*;

#[tokio::test]
async fn client_credentials_issue_machine_tokens_with_granted_scopes() {
    let app = TestApp::start().await;
    let machine = app
        .client(|c| {
            c.redirect_uris.clear();
            c.granted_scopes = vec!["reports:read".into(), "reports:write".into()];
        })
        .await;
    let form = |scope: Option<&'static str>| {
        let mut form = vec![("grant_type", "client_credentials")];
        if let Some(scope) = scope {
            form.push(("scope", scope));
        }
        form
    };
    let call = |form: Vec<(&'static str, &'static str)>| {
        http()
            .post(app.url("/oauth/token"))
            .basic_auth(&machine.id, machine.secret.as_deref())
            .form(&form)
            .send()
    };
    let body: Value = call(form(None)).await.unwrap().json().await.unwrap();
    let at = claims(body["access_token"].as_str().unwrap());
    assert_eq!(at["sub"], machine.id);
    assert_eq!(at["scope"], "reports:read reports:write");
    assert!(at["sid"].is_null());
    assert!(body["refresh_token"].is_null() && body["id_token"].is_null());
    let body: Value = call(form(Some("reports:read"))).await.unwrap().json().await.unwrap();
    assert_eq!(body["scope"], "reports:read");
    let body: Value = call(form(Some("hallpass:admin"))).await.unwrap().json().await.unwrap();
    assert_eq!(body["error"], "invalid_scope");

    let user_app = app.client(|_| {}).await;
    let response = http()
        .post(app.url("/oauth/token"))
        .basic_auth(&user_app.id, user_app.secret.as_deref())
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.json::<Value>().await.unwrap()["error"], "unauthorized_client");
}

#[tokio::test]
async fn public_clients_use_pkce_without_a_secret() {
    let app = TestApp::start().await;
    let public = app.client(|c| c.kind = hallpass_core::store::ClientKind::Public).await;
    let user = app.user("pub@example.com").await;
    let (token, _) = app.sign_in(&user).await;
    let f = Fixture {
        cookie: app.cookie(&token),
        client: public,
        app,
    };
    let code = code(&f).await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
        ("code_verifier", VERIFIER),
        ("client_id", f.client.id.as_str()),
    ];
    let response = http().post(f.app.url("/oauth/token")).form(&form).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let refresh = body["refresh_token"].as_str().unwrap();
    let response = http()
        .post(f.app.url("/oauth/token"))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh),
            ("client_id", f.client.id.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "public clients rotate refresh tokens too");
}

#[tokio::test]
async fn native_clients_may_use_any_loopback_port() {
    let app = TestApp::start().await;
    let native = app
        .client(|c| {
            c.kind = hallpass_core::store::ClientKind::Public;
            c.native = true;
            c.redirect_uris = vec!["http://127.0.0.1/callback".into()];
        })
        .await;
    let user = app.user("native@example.com").await;
    let (token, _) = app.sign_in(&user).await;
    let f = Fixture {
        cookie: app.cookie(&token),
        client: native,
        app,
    };
    let ok = authorize(
        &f,
        &authorize_params(&f, &[("redirect_uri", "http://127.0.0.1:53312/callback")]),
        Some(&f.cookie),
    )
    .await;
    assert!(location(&ok).0.starts_with("http://127.0.0.1:53312/callback?code="));
    let bad = authorize(
        &f,
        &authorize_params(&f, &[("redirect_uri", "http://127.0.0.1:53312/other")]),
        Some(&f.cookie),
    )
    .await;
    assert_eq!(bad.status(), 400);
}
