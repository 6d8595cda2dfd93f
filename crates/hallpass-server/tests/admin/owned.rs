//! Resources, SCIM directories and connections made and removed through the console.

use super::*;

#[tokio::test]
async fn resources_are_registered_edited_and_deleted_through_their_forms() {
    let app = TestApp::start().await;
    let browser = signed_in_admin(&app, "ada@example.com").await;
    let ctx = app.state.ctx();
    let admin = app
        .state
        .ctx()
        .store
        .find_user_by_email(&hallpass_core::values::Email::parse("ada@example.com").unwrap())
        .await
        .unwrap()
        .unwrap();
    let all = || async { ctx.store.list_resources(None, 10).await.unwrap() };

    for (identifier, scopes, says) in [
        ("not a uri", "invoices:read", "identifier"),
        ("https://api.example.com", "bad scope\"", "scopes"),
    ] {
        let bad = post_form(
            &app,
            &browser,
            "/admin/resources",
            "/admin/resources",
            &[("identifier", identifier), ("name", "Billing"), ("scopes", scopes)],
        )
        .await;
        assert_eq!(bad.status(), 422);
        let html = bad.text().await.unwrap();
        assert!(html.contains(says), "says which field ({says}): {html}");
    }
    assert!(all().await.is_empty(), "refusals register nothing");

    let made = post_form(
        &app,
        &browser,
        "/admin/resources",
        "/admin/resources",
        &[
            ("identifier", "https://api.example.com"),
            ("name", "Billing"),
            ("scopes", "invoices:read invoices:write"),
        ],
    )
    .await;
    assert_eq!(made.status(), 303);
    let page = made.headers()["location"]
        .to_str()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let resource = all().await.pop().unwrap();
    assert_eq!(page, format!("/admin/resources/{}", resource.id));
    assert_eq!(resource.scopes, ["invoices:read", "invoices:write"]);
    assert_eq!(
        actor_of_latest(&app, "resource.created").await.as_deref(),
        Some(admin.id.as_str())
    );
    let (_, _, list) = open(&app, &browser, "/admin/resources").await;
    assert!(list.contains("https://api.example.com"), "{list}");

    let bad_edit = post_form(
        &app,
        &browser,
        &page,
        &page,
        &[("name", ""), ("scopes", "invoices:read")],
    )
    .await;
    assert_eq!(bad_edit.status(), 422);
    assert_eq!(all().await[0].scopes.len(), 2, "a refused edit changes nothing");
    let edited = post_form(
        &app,
        &browser,
        &page,
        &page,
        &[("name", "Billing API"), ("scopes", "invoices:read\ninvoices:refund")],
    )
    .await;
    assert_eq!(edited.status(), 303);
    let (_, _, html) = open(&app, &browser, &page).await;
    assert!(
        html.contains("invoices:read invoices:refund") && html.contains("Billing API"),
        "{html}"
    );
    assert_eq!(
        actor_of_latest(&app, "resource.updated").await.as_deref(),
        Some(admin.id.as_str())
    );

    let (status, _, confirm) = open(&app, &browser, &format!("{page}/delete")).await;
    assert_eq!(status, 200);
    assert!(confirm.contains("Delete Billing API?"), "{confirm}");
    assert_eq!(all().await.len(), 1, "asking deletes nothing");
    let deleted = post_form(
        &app,
        &browser,
        &format!("{page}/delete"),
        &format!("{page}/delete"),
        &[],
    )
    .await;
    assert_eq!(deleted.status(), 303);
    assert!(all().await.is_empty());
    assert_eq!(
        actor_of_latest(&app, "resource.deleted").await.as_deref(),
        Some(admin.id.as_str())
    );
    let (status, _, _) = open(&app, &browser, &page).await;
    assert_eq!(status, 404, "gone");
}

#[tokio::test]
async fn every_new_console_form_refuses_a_missing_csrf_token_and_changes_nothing() {
    let app = TestApp::start().await;
    let browser = signed_in_admin(&app, "ada@example.com").await;
    let ctx = app.state.ctx();
    let kept = hallpass_core::services::resources::create_resource(
        ctx,
        hallpass_core::services::resources::NewResource {
            identifier: "https://kept.example.com".into(),
            name: "Kept".into(),
            scopes: vec!["a:b".into()],
            access_token_ttl_secs: None,
        },
        &Actor::Cli,
    )
    .await
    .unwrap();
    let page = format!("/admin/resources/{}", kept.id);
    let forms: [(String, Vec<(&str, &str)>); 3] = [
        (
            "/admin/resources".into(),
            vec![
                ("identifier", "https://new.example.com"),
                ("name", "New"),
                ("scopes", "x:y"),
            ],
        ),
        (page.clone(), vec![("name", "Changed"), ("scopes", "c:d")]),
        (format!("{page}/delete"), vec![]),
    ];
    for (action, fields) in forms {
        for csrf in [None, Some("x".repeat(43))] {
            let mut form: Vec<(&str, String)> = fields.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
            form.extend(csrf.map(|c| ("csrf", c)));
            let response = browser.post(app.url(&action)).form(&form).send().await.unwrap();
            assert_eq!(response.status(), 403, "{action}");
        }
    }
    let left = ctx.store.list_resources(None, 10).await.unwrap();
    assert_eq!(left.len(), 1, "nothing made, nothing deleted");
    assert_eq!(
        (left[0].name.as_str(), left[0].scopes.clone()),
        ("Kept", vec!["a:b".to_owned()])
    );
}

#[tokio::test]
async fn directories_are_made_with_a_token_shown_once_and_directories_and_connections_deleted_after_asking() {
    let app = TestApp::start().await;
    let browser = signed_in_admin(&app, "ada@example.com").await;
    let ctx = app.state.ctx();
    let admin = ctx
        .store
        .find_user_by_email(&hallpass_core::values::Email::parse("ada@example.com").unwrap())
        .await
        .unwrap()
        .unwrap();
    let org = hallpass_core::services::organizations::create_organization(
        ctx,
        hallpass_core::services::organizations::NewOrganization {
            name: "Acme".into(),
            ..Default::default()
        },
        &Actor::Cli,
    )
    .await
    .unwrap();
    let org_page = format!("/admin/organizations/{}", org.id);
    let action = format!("{org_page}/directories");
    let dirs = || async { ctx.store.list_directories(&org.id, None, 10).await.unwrap() };

    let bad = post_form(&app, &browser, &org_page, &action, &[("name", "")]).await;
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("name"), "says which field");
    assert!(dirs().await.is_empty(), "a refusal makes nothing");
    let forged = browser
        .post(app.url(&action))
        .form(&[("csrf", "x".repeat(43).as_str()), ("name", "Okta")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    assert!(dirs().await.is_empty(), "a forged form makes nothing");

    let made = post_form(&app, &browser, &org_page, &action, &[("name", "Okta")]).await;
    assert_eq!(made.status(), 201);
    let html = made.text().await.unwrap();
    let token = html
        .split("id=\"directory-token\" class=\"wrap\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    assert!(token.len() > 20, "a real token: {token}");
    let directory = dirs().await.pop().unwrap();
    let base = html
        .split("SCIM base URL</dt><dd><code>")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    // The page escapes `/` as `&#x2f;`.
    let path = format!("/scim/v2/{}", directory.id);
    assert!(base.replace("&#x2f;", "/").ends_with(&path), "{base}");
    let scim_users = || async {
        let path = format!("{path}/Users");
        reqwest::Client::new()
            .get(app.url(&path))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(scim_users().await, 200, "the token shown works");
    assert_eq!(
        actor_of_latest(&app, "directory.created").await.as_deref(),
        Some(admin.id.as_str())
    );
    let (_, _, page) = open(&app, &browser, &org_page).await;
    assert!(
        page.contains("Okta") && !page.contains(&token),
        "listed, token never shown again"
    );

    let delete = format!("/admin/directories/{}/delete", directory.id);
    let (status, _, confirm) = open(&app, &browser, &delete).await;
    assert_eq!(status, 200);
    assert!(confirm.contains("Delete the directory Okta?"), "{confirm}");
    assert_eq!(dirs().await.len(), 1, "asking deletes nothing");
    let forged = browser
        .post(app.url(&delete))
        .form(&[("csrf", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    assert_eq!(dirs().await.len(), 1, "a forged form deletes nothing");
    let gone = post_form(&app, &browser, &delete, &delete, &[]).await;
    assert_eq!(gone.status(), 303);
    assert!(dirs().await.is_empty());
    assert_eq!(scim_users().await, 401, "its token stops working");
    assert_eq!(
        actor_of_latest(&app, "directory.deleted").await.as_deref(),
        Some(admin.id.as_str())
    );

    let connection = hallpass_core::services::connections::create_connection(
        ctx,
        app.state.provider().master(),
        Some(&org.id),
        hallpass_core::services::connections::ConnectionFields {
            kind: Some("github".into()),
            name: Some("Acme GitHub".into()),
            client_id: Some("gh-client".into()),
            client_secret: Some("gh-secret".into()),
            ..Default::default()
        },
        &Actor::Cli,
    )
    .await
    .unwrap();
    let delete = format!("/admin/connections/{}/delete", connection.id);
    let (_, _, page) = open(&app, &browser, &org_page).await;
    assert!(page.contains(&delete), "the organization page links to it: {page}");
    let (status, _, confirm) = open(&app, &browser, &delete).await;
    assert_eq!(status, 200);
    assert!(confirm.contains("Delete the connection Acme GitHub?"), "{confirm}");
    let forged = browser.post(app.url(&delete)).send().await.unwrap();
    assert_eq!(forged.status(), 403);
    assert!(
        ctx.store.get_connection(&connection.id).await.unwrap().is_some(),
        "neither asking nor a forged form deletes"
    );
    let gone = post_form(&app, &browser, &delete, &delete, &[]).await;
    assert_eq!(gone.status(), 303);
    assert_eq!(
        gone.headers()["location"].to_str().unwrap(),
        format!("{org_page}?done=deleted")
    );
    assert!(ctx.store.get_connection(&connection.id).await.unwrap().is_none());
    assert_eq!(
        actor_of_latest(&app, "connection.deleted").await.as_deref(),
        Some(admin.id.as_str())
    );
    let (status, _, _) = open(&app, &browser, &delete).await;
    assert_eq!(status, 404, "gone");
}

#[tokio::test]
async fn an_oidc_connection_is_added_with_its_secret_sealed_and_bad_input_adds_nothing() {
    let app = TestApp::start().await;
    let browser = signed_in_admin(&app, "ada@example.com").await;
    let ctx = app.state.ctx();
    let admin = ctx
        .store
        .find_user_by_email(&hallpass_core::values::Email::parse("ada@example.com").unwrap())
        .await
        .unwrap()
        .unwrap();
    let org = hallpass_core::services::organizations::create_organization(
        ctx,
        hallpass_core::services::organizations::NewOrganization {
            name: "Acme".into(),
            ..Default::default()
        },
        &Actor::Cli,
    )
    .await
    .unwrap();
    let org_page = format!("/admin/organizations/{}", org.id);
    let action = format!("{org_page}/connections");
    let count = || async { ctx.store.list_connections(Some(&org.id)).await.unwrap().len() };
    let good = [
        ("name", "Acme IdP"),
        ("issuer", "https://idp.acme.example"),
        ("client_id", "hallpass"),
        ("client_secret", "a-very-secret-value"),
        ("domains", "acme.example"),
    ];

    let no_issuer: Vec<_> = good.iter().filter(|(k, _)| *k != "issuer").copied().collect();
    let bad = post_form(&app, &browser, &org_page, &action, &no_issuer).await;
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("issuer"), "says which field");
    let forged = browser.post(app.url(&action)).form(&good).send().await.unwrap();
    assert_eq!(forged.status(), 403);
    assert_eq!(count().await, 0, "neither a refusal nor a forged form adds one");

    let added = post_form(&app, &browser, &org_page, &action, &good).await;
    assert_eq!(added.status(), 303);
    assert_eq!(count().await, 1);
    assert_eq!(
        actor_of_latest(&app, "connection.created").await.as_deref(),
        Some(admin.id.as_str())
    );
    let (_, _, page) = open(&app, &browser, &format!("{org_page}?done=connection")).await;
    assert!(
        page.contains("Acme IdP") && page.contains("The connection is added"),
        "{page}"
    );
    assert!(!page.contains("a-very-secret-value"), "the secret is never shown back");
}
