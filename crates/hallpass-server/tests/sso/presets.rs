//! The presets against local servers answering as those providers document.

use super::*;

#[tokio::test]
async fn github_gives_only_a_verified_primary_address() {
    let w = World::start().await;
    let base = w.idp.base.clone();
    let github = w
        .connection_with(None, "github", &[], |f| {
            f.authorization_endpoint = Some(format!("{base}/login/oauth/authorize"));
            f.token_endpoint = Some(format!("{base}/login/oauth/access_token"));
            f.userinfo_endpoint = Some(format!("{base}/user"));
        })
        .await;
    let via = [("connection_id", github.id.as_str())];
    w.idp.set(|b| {
        b.auth_methods = vec!["client_secret_post".into()];
        b.userinfo = json!({ "id": 4242, "login": "octocat", "name": null, "email": null });
        b.emails = json!([
            { "email": "octo@example.com", "primary": true, "verified": false, "visibility": "private" },
            { "email": "octo@work.example", "primary": false, "verified": true, "visibility": null }
        ]);
    });
    let browser = browser();
    let at_idp = w.to_idp(&browser, &via).await;
    let q: std::collections::HashMap<String, String> =
        url::Url::parse(&at_idp).unwrap().query_pairs().into_owned().collect();
    assert_eq!(q["scope"], "read:user user:email", "GitHub's scopes, not OpenID's");
    assert!(!q.contains_key("nonce"), "GitHub is not OpenID Connect");
    let (response, _) = w
        .back_from_idp(&browser, &w.idp.grant(&at_idp, w.now(), json!({})))
        .await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains("no verified primary email"), "{page}");
    assert_eq!(
        w.user_count().await,
        0,
        "neither the unverified primary nor a verified secondary"
    );

    w.idp.set(|b| {
        b.emails = json!([
            { "email": "octo@work.example", "primary": false, "verified": true },
            { "email": "octo@example.com", "primary": true, "verified": true }
        ])
    });
    let code = w.sign_in(&browser, &via, json!({})).await;
    let (id_token, _) = w.tokens(&code).await;
    assert_eq!(id_token["email"], "octo@example.com");
    assert_eq!(id_token["email_verified"], true);
    assert_eq!(id_token["name"], "octocat", "the login when there is no name");
    assert_eq!(id_token["amr"], json!(["social"]));
    let store = &w.app.state.ctx().store;
    assert!(
        store.find_identity(&github.id, "4242").await.unwrap().is_some(),
        "GitHub's numeric id"
    );
}

#[tokio::test]
async fn microsoft_checks_the_issuer_against_the_tokens_own_tenant() {
    let idp = FakeIdp::start_at("/common/v2.0").await;
    let root = idp.base.trim_end_matches("/common/v2.0").to_owned();
    idp.set(|b| b.issuer = format!("{root}/{{tenantid}}/v2.0"));
    let app = TestApp::start().await;
    let client = app.client(|_| {}).await;
    let w = World { app, client, idp };
    let microsoft = w.connection(None, "microsoft", &[]).await;
    // Its userinfo has the subject but no address either.
    w.idp.set(|b| b.userinfo = json!({ "sub": "idp-user-1" }));
    let via = [("connection_id", microsoft.id.as_str())];
    let tenant = "9188040d-6c67-4c5b-b112-36a304b66dad";

    // Another tenant's issuer under this tid: refused.
    let browser = browser();
    let at_idp = w.to_idp(&browser, &via).await;
    let wrong = json!({ "iss": format!("{root}/other-tenant/v2.0"), "tid": tenant, "email": "ms@contoso.test" });
    let (response, _) = w.back_from_idp(&browser, &w.idp.grant(&at_idp, w.now(), wrong)).await;
    assert_eq!(response.status(), 502);
    assert!(response.text().await.unwrap().contains("issued by"));
    // No tid at all: refused.
    let at_idp = w.to_idp(&browser, &via).await;
    let none = json!({ "iss": format!("{root}/{tenant}/v2.0"), "email": "ms@contoso.test" });
    let (response, _) = w.back_from_idp(&browser, &w.idp.grant(&at_idp, w.now(), none)).await;
    assert_eq!(response.status(), 502);

    // The template with the token's tid, the address only as
    // preferred_username: Entra ID vouches for nothing, so no account opens.
    let at_idp = w.to_idp(&browser, &via).await;
    let username_only = json!({
        "iss": format!("{root}/{tenant}/v2.0"), "tid": tenant,
        "preferred_username": "ms@contoso.test", "name": "Megan Bowen"
    });
    let (response, _) = w
        .back_from_idp(&browser, &w.idp.grant(&at_idp, w.now(), username_only))
        .await;
    assert_eq!(response.status(), 422, "an unproved address opens no account");
    assert_eq!(w.user_count().await, 0);

    // With `email` and Entra's `xms_edov` (its domain owner verified): in.
    let right = json!({
        "iss": format!("{root}/{tenant}/v2.0"), "tid": tenant,
        "email": "ms@contoso.test", "xms_edov": true, "name": "Megan Bowen"
    });
    let code = w.sign_in(&browser, &via, right).await;
    let (id_token, _) = w.tokens(&code).await;
    assert_eq!(id_token["email"], "ms@contoso.test");
    assert_eq!(id_token["email_verified"], true, "vouched for by xms_edov");
    assert_eq!(id_token["name"], "Megan Bowen");
}

#[tokio::test]
async fn google_links_a_verified_address_and_reads_userinfo_when_the_token_has_none() {
    let w = World::start().await;
    let google = w.connection(None, "google", &[]).await;
    let via = [("connection_id", google.id.as_str())];
    let existing = w
        .app
        .user_with_password("larry@example.com", "correct horse battery staple")
        .await;
    w.idp
        .set(|b| b.userinfo = json!({ "sub": "g-123", "email": "larry@example.com", "email_verified": true }));
    let code = w.sign_in(&browser(), &via, json!({ "sub": "g-123" })).await;
    let (id_token, _) = w.tokens(&code).await;
    assert_eq!(
        id_token["sub"],
        existing.id.as_str(),
        "linked through the verified address"
    );
    assert_eq!(w.idp.requests("/userinfo"), 1);

    // Userinfo about someone else is not believed.
    w.idp
        .set(|b| b.userinfo = json!({ "sub": "g-999", "email": "eve@example.com", "email_verified": true }));
    let browser = browser();
    let at_idp = w.to_idp(&browser, &via).await;
    let (response, _) = w
        .back_from_idp(&browser, &w.idp.grant(&at_idp, w.now(), json!({ "sub": "g-456" })))
        .await;
    assert_eq!(response.status(), 502);
    assert!(response.text().await.unwrap().contains("another subject"));
    assert_eq!(w.user_count().await, 1);
}

#[tokio::test]
async fn client_secret_post_is_used_when_the_idp_offers_only_that() {
    let w = World::start().await;
    w.idp.set(|b| b.auth_methods = vec!["client_secret_post".into()]);
    let c = w.connection(None, "oidc", &[]).await;
    w.sign_in(
        &browser(),
        &[("connection_id", c.id.as_str())],
        json!({ "email": "p@example.com", "email_verified": true }),
    )
    .await;
}
