//! Sign-ins that work: who the user turns out to be, and what the tokens say.

use super::*;
use hallpass_core::ids::UserId;

#[tokio::test]
async fn an_enterprise_sign_in_makes_the_user_just_in_time_a_member_with_oid_and_amr_sso() {
    let w = World::start().await;
    let acme = w.org("Acme").await;
    let connection = w.connection(Some(&acme), "oidc", &["acme.test"]).await;
    let browser = browser();
    let claims = json!({ "sub": "00u-ada", "email": "ada@acme.test", "name": "Ada Lovelace" });
    let code = w
        .sign_in(&browser, &[("connection_id", connection.id.as_str())], claims)
        .await;
    let (id_token, access_token) = w.tokens(&code).await;
    assert_eq!(id_token["amr"], json!(["sso"]));
    assert_eq!(id_token["oid"], acme.as_str());
    assert_eq!(access_token["oid"], acme.as_str());
    assert_eq!(id_token["email"], "ada@acme.test");
    assert_eq!(
        id_token["nonce"], "app-nonce",
        "the app's own nonce, not the upstream one"
    );

    let store = &w.app.state.ctx().store;
    let user = store
        .get_user(&UserId::parse(id_token["sub"].as_str().unwrap()).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.name.as_deref(), Some("Ada Lovelace"));
    assert!(user.email_verified, "the organization's IdP vouches for its own domain");
    assert!(user.password_hash.is_none());
    let access = store.member_access(&acme, &user.id).await.unwrap().expect("a member");
    assert_eq!(access.roles, vec!["member".to_string()]);
    let identity = store.find_identity(&connection.id, "00u-ada").await.unwrap().unwrap();
    assert_eq!(identity.user_id, user.id);
    assert_eq!(
        w.idp.requests("/.well-known/openid-configuration"),
        1,
        "discovery was fetched once and cached"
    );

    // The second sign-in finds the same user by the link, and keeps the membership.
    let again = browser_again(&w, &connection, json!({ "sub": "00u-ada", "email": "ada@acme.test" })).await;
    assert_eq!(again["sub"], id_token["sub"]);
    assert_eq!(w.user_count().await, 1);
    assert_eq!(w.idp.requests("/.well-known/openid-configuration"), 1);
    assert_eq!(w.idp.requests("/jwks"), 1, "the keys were cached too");
}

async fn browser_again(w: &World, connection: &Connection, claims: Value) -> Value {
    let code = w
        .sign_in(&browser(), &[("connection_id", connection.id.as_str())], claims)
        .await;
    w.tokens(&code).await.0
}

#[tokio::test]
async fn a_password_user_of_the_domain_is_linked_not_duplicated() {
    let w = World::start().await;
    let acme = w.org("Acme").await;
    let connection = w.connection(Some(&acme), "oidc", &["acme.test"]).await;
    let grace = w
        .app
        .user_with_password("Grace@acme.test", "correct horse battery staple")
        .await;
    let id_token = browser_again(
        &w,
        &connection,
        json!({ "sub": "okta-grace", "email": "grace@ACME.test" }),
    )
    .await;
    assert_eq!(id_token["sub"], grace.id.as_str(), "the same user");
    assert_eq!(w.user_count().await, 1);
    // Her address changes at the IdP: the link, not the address, finds her.
    let later = browser_again(
        &w,
        &connection,
        json!({ "sub": "okta-grace", "email": "grace.hopper@acme.test" }),
    )
    .await;
    assert_eq!(later["sub"], grace.id.as_str());
    assert_eq!(w.user_count().await, 1);
}

#[tokio::test]
async fn another_organizations_connection_does_not_take_the_first_ones_users() {
    let w = World::start().await;
    let acme = w.org("Acme").await;
    let globex = w.org("Globex").await;
    w.connection(Some(&acme), "oidc", &["acme.test"]).await;
    let theirs = w.connection(Some(&globex), "oidc", &["globex.test"]).await;
    let ada = w
        .app
        .user_with_password("ada@acme.test", "correct horse battery staple")
        .await;

    let browser = browser();
    let at_idp = w.to_idp(&browser, &[("connection_id", theirs.id.as_str())]).await;
    let callback = w
        .idp
        .grant(&at_idp, w.now(), json!({ "sub": "globex-1", "email": "ada@acme.test" }));
    let (response, out) = w.back_from_idp(&browser, &callback).await;
    assert_eq!(response.status(), 409, "{out}");
    let page = response.text().await.unwrap();
    assert!(page.contains("already exists"), "{page}");
    let store = &w.app.state.ctx().store;
    assert_eq!(
        store.find_identity(&theirs.id, "globex-1").await.unwrap(),
        None,
        "not linked"
    );
    assert!(
        store.member_access(&globex, &ada.id).await.unwrap().is_none(),
        "not made a member"
    );
    assert_eq!(w.user_count().await, 1, "nobody created");
}

#[tokio::test]
async fn a_social_connection_links_only_an_address_its_idp_verified() {
    let w = World::start().await;
    let social = w.connection(None, "oidc", &[]).await;
    let bob = w
        .app
        .user_with_password("bob@example.com", "correct horse battery staple")
        .await;
    let via = [("connection_id", social.id.as_str())];

    let browser = browser();
    let at_idp = w.to_idp(&browser, &via).await;
    let unverified = json!({ "sub": "s-bob", "email": "bob@example.com", "email_verified": false });
    let (response, _) = w
        .back_from_idp(&browser, &w.idp.grant(&at_idp, w.now(), unverified))
        .await;
    assert_eq!(response.status(), 409, "an unverified address takes no account");
    assert_eq!(
        w.app
            .state
            .ctx()
            .store
            .find_identity(&social.id, "s-bob")
            .await
            .unwrap(),
        None
    );

    let verified = json!({ "sub": "s-bob", "email": "bob@example.com", "email_verified": true });
    let code = w.sign_in(&browser, &via, verified).await;
    let (id_token, access_token) = w.tokens(&code).await;
    assert_eq!(id_token["sub"], bob.id.as_str());
    assert_eq!(id_token["amr"], json!(["social"]));
    assert!(
        id_token.get("oid").is_none() && access_token.get("oid").is_none(),
        "no organization"
    );

    // A new address the IdP did not confirm opens no account: made now, it
    // would wait, linked to this subject, for the address's owner to sign in.
    let browser = super::browser();
    let at_idp = w.to_idp(&browser, &via).await;
    let unconfirmed = json!({ "sub": "s-carol", "email": "carol@example.com" });
    let (response, _) = w
        .back_from_idp(&browser, &w.idp.grant(&at_idp, w.now(), unconfirmed))
        .await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains("did not confirm your email address"), "{page}");
    assert_eq!(w.user_count().await, 1, "nobody created");
    assert_eq!(
        w.app
            .state
            .ctx()
            .store
            .find_identity(&social.id, "s-carol")
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn an_enterprise_idp_opens_no_account_for_an_address_outside_its_domains() {
    let w = World::start().await;
    let acme = w.org("Acme").await;
    let theirs = w.connection(Some(&acme), "oidc", &["acme.test"]).await;
    let browser = browser();
    let at_idp = w.to_idp(&browser, &[("connection_id", theirs.id.as_str())]).await;
    let outside = json!({ "sub": "acme-9", "email": "ceo@elsewhere.test", "email_verified": true });
    let (response, _) = w.back_from_idp(&browser, &w.idp.grant(&at_idp, w.now(), outside)).await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains("outside the organization"), "{page}");
    assert_eq!(w.user_count().await, 0, "nobody created");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_sign_ins_in_four_tabs_at_once_make_one_account() {
    let w = World::start().await;
    let acme = w.org("Acme").await;
    let theirs = w.connection(Some(&acme), "oidc", &["acme.test"]).await;
    let via = [("connection_id", theirs.id.as_str())];
    let claims = json!({ "sub": "acme-7", "email": "tabs@acme.test" });
    let mut tabs = Vec::new();
    for _ in 0..4 {
        let browser = browser();
        let at_idp = w.to_idp(&browser, &via).await;
        let callback = w.idp.grant(&at_idp, w.now(), claims.clone());
        tabs.push((browser, callback));
    }
    // The four callbacks arrive together; each makes or finds the account.
    let (a, b, c, d) = tokio::join!(
        w.back_from_idp(&tabs[0].0, &tabs[0].1),
        w.back_from_idp(&tabs[1].0, &tabs[1].1),
        w.back_from_idp(&tabs[2].0, &tabs[2].1),
        w.back_from_idp(&tabs[3].0, &tabs[3].1),
    );
    for (response, out) in [a, b, c, d] {
        assert!(out.starts_with(super::REDIRECT), "{} {out}", response.status());
    }
    assert_eq!(w.user_count().await, 1, "one account");
    let store = &w.app.state.ctx().store;
    let linked = store.find_identity(&theirs.id, "acme-7").await.unwrap().unwrap();
    assert_eq!(
        store
            .find_user_by_email(&hallpass_core::values::Email::parse("tabs@acme.test").unwrap())
            .await
            .unwrap()
            .unwrap()
            .id,
        linked.user_id
    );
}
