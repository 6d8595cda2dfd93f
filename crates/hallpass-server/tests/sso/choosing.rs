//! Which IdP: hints on the authorization request, the email-first page,
//! "Continue with …" buttons, and organizations that require SSO.

use super::*;
use hallpass_core::services::memberships;

#[tokio::test]
async fn hints_on_the_authorization_request_lead_to_the_right_idp() {
    let w = World::start().await;
    let acme = w.org("Acme").await;
    let c = w.connection(Some(&acme), "oidc", &["acme.test"]).await;
    for hint in [
        ("connection_id", c.id.as_str()),
        ("organization_id", acme.as_str()),
        ("domain_hint", "ACME.test"),
        ("login_hint", "ada@acme.test"),
    ] {
        let at_idp = w.to_idp(&browser(), &[hint]).await;
        assert!(at_idp.contains(&format!("client_id={}", idp::CLIENT_ID)), "{hint:?}");
        if hint.0 == "login_hint" {
            assert!(at_idp.contains("login_hint=ada%40acme.test"), "passed on: {at_idp}");
        }
    }
    // No hint, or one that names no connection: the hosted sign-in page.
    for extra in [
        vec![],
        vec![("login_hint", "bob@elsewhere.test")],
        vec![("domain_hint", "elsewhere.test")],
    ] {
        let (response, out) = w.follow(&browser(), &w.authorize_url(&extra)).await;
        assert_eq!((response.status().as_u16(), out.as_str()), (200, ""), "{extra:?}");
    }
    // A connection that does not exist: the app hears why.
    let (_, out) = w
        .follow(
            &browser(),
            &w.authorize_url(&[("connection_id", "con_01ARZ3NDEKTSV4RRFFQ69G5FAV")]),
        )
        .await;
    assert!(
        out.starts_with(REDIRECT) && out.contains("error=invalid_request"),
        "{out}"
    );
}

#[tokio::test]
async fn the_sign_in_page_asks_for_the_email_first_and_sends_a_connections_domain_to_its_idp() {
    let w = World::start().await;
    let browser = browser();
    let (page, _) = w.follow(&browser, &w.authorize_url(&[])).await;
    let html = page.text().await.unwrap();
    assert!(
        html.contains("name=\"password\""),
        "no enterprise connection: as before"
    );
    assert!(!html.contains("Continue with"));

    let acme = w.org("Acme").await;
    w.connection(Some(&acme), "oidc", &["acme.test"]).await;
    let social = w.connection(None, "oidc", &[]).await;
    let (page, _) = w.follow(&browser, &w.authorize_url(&[])).await;
    let raw = page.text().await.unwrap();
    let html = unescape(&raw);
    assert!(html.contains("action=\"/login/sso\""), "{html}");
    assert!(!html.contains("name=\"password\""), "the email comes first");
    assert!(html.contains("Continue with oidc IdP"));
    assert!(html.contains(&format!("href=\"/login/sso/{}?return_to=", social.id)));

    let csrf = support::hidden(&raw, "csrf");
    let return_to = support::hidden(&raw, "return_to");
    let post = |email: &'static str| {
        browser
            .post(w.app.url("/login/sso"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("return_to", return_to.as_str()),
                ("email", email),
            ])
            .send()
    };
    let to_connection = post("Ada@Acme.test").await.unwrap();
    assert_eq!(to_connection.status(), 303);
    let (_, out) = w.follow(&browser, &w.app.url(&location(&to_connection))).await;
    assert!(out.starts_with(&w.idp.base), "{out}");

    let elsewhere = post("bob@elsewhere.test").await.unwrap();
    assert_eq!(elsewhere.status(), 200);
    let html = elsewhere.text().await.unwrap();
    assert!(html.contains("name=\"password\"") && html.contains("value=\"bob@elsewhere.test\""));

    // Without the page's CSRF token: refused, nothing looked up.
    let forged = browser
        .post(w.app.url("/login/sso"))
        .form(&[
            ("csrf", "forged"),
            ("return_to", return_to.as_str()),
            ("email", "ada@acme.test"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
}

#[tokio::test]
async fn members_of_an_organization_that_requires_sso_cannot_use_a_password() {
    let w = World::start().await;
    let acme = w.org("Acme").await;
    let c = w
        .connection_with(Some(&acme), "oidc", &["acme.test"], |f| f.sso_required = Some(true))
        .await;
    let password = "correct horse battery staple";
    let ada = w.app.user_with_password("ada@elsewhere.test", password).await;
    memberships::put_member(
        w.app.state.ctx(),
        &acme,
        &ada.id,
        None,
        &hallpass_core::services::audit::Actor::Cli,
    )
    .await
    .unwrap();
    let outsider = w.app.user_with_password("bob@elsewhere.test", password).await;

    let app = &w.app;
    let sign_in = |email: &'static str, pass: &'static str| async move {
        let browser = browser();
        let html = browser
            .get(app.url("/login?login_hint=x%40y.test"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        browser
            .post(app.url("/login"))
            .form(&[
                ("csrf", support::hidden(&html, "csrf").as_str()),
                ("return_to", "/account"),
                ("email", email),
                ("password", pass),
            ])
            .send()
            .await
            .unwrap()
    };
    let refused = sign_in("ada@elsewhere.test", password).await;
    assert_eq!(refused.status(), 403);
    assert!(refused
        .headers()
        .get("set-cookie")
        .is_none_or(|c| !c.to_str().unwrap().contains("hallpass_session=")));
    let page = unescape(&refused.text().await.unwrap());
    assert!(page.contains("requires you to sign in through oidc IdP"), "{page}");
    assert!(
        page.contains(&format!("href=\"/login/sso/{}", c.id)),
        "the way in that works"
    );
    assert!(w
        .app
        .state
        .ctx()
        .store
        .list_user_sessions(&ada.id)
        .await
        .unwrap()
        .is_empty());

    let wrong = sign_in("ada@elsewhere.test", "not the password at all").await;
    assert_eq!(wrong.status(), 401, "a wrong password says nothing about SSO");
    let fine = sign_in("bob@elsewhere.test", password).await;
    assert_eq!(fine.status(), 303, "non-members sign in as before");
    let _ = outsider;
}

#[tokio::test]
async fn the_sign_up_page_offers_the_social_connections_too() {
    let w = World::start().await;
    let social = w.connection(None, "oidc", &[]).await;
    let html = unescape(
        &browser()
            .get(w.app.url("/signup?return_to=%2Faccount"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(html.contains("Continue with oidc IdP"), "{html}");
    assert!(
        html.contains(&format!("href=\"/login/sso/{}?return_to=%2Faccount\"", social.id)),
        "{html}"
    );
}

#[tokio::test]
async fn a_signed_in_outsider_asking_for_an_sso_organization_goes_to_its_idp() {
    let w = World::start().await;
    let acme = w.org("Acme").await;
    w.connection(Some(&acme), "oidc", &["acme.test"]).await;
    let browser = browser();
    // Signed in socially first: a session, but no membership in Acme.
    let social = w.connection(None, "oidc", &[]).await;
    let claims = json!({ "sub": "s-1", "email": "ada@acme.test", "email_verified": true });
    w.sign_in(&browser, &[("connection_id", social.id.as_str())], claims)
        .await;
    let at_idp = w.to_idp(&browser, &[("organization_id", acme.as_str())]).await;
    let claims = json!({ "sub": "okta-1", "email": "ada@acme.test" });
    let (response, out) = w.back_from_idp(&browser, &w.idp.grant(&at_idp, w.now(), claims)).await;
    assert!(out.starts_with(REDIRECT), "{}", response.status());
    let code: String = Url::parse(&out)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let (id_token, _) = w.tokens(&code).await;
    assert_eq!(id_token["oid"], acme.as_str());
    assert_eq!(id_token["amr"], json!(["sso"]));
    assert_eq!(w.user_count().await, 1, "the same user, now a member");
    // Without SSO, an outsider is refused as before.
    let plain = w.org("Plain").await;
    let (_, out) = w
        .follow(&browser, &w.authorize_url(&[("organization_id", plain.as_str())]))
        .await;
    assert!(out.contains("error=access_denied"), "{out}");
}
