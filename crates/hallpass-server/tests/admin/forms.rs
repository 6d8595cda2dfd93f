//! The console's forms: CSRF, confirm before destroying, bad input, and the changes they make.

use super::*;

#[tokio::test]
async fn a_console_form_without_its_csrf_token_is_refused_and_changes_nothing() {
    let app = TestApp::start().await;
    let browser = signed_in_admin(&app, "ada@example.com").await;
    let count = || async {
        app.state
            .ctx()
            .store
            .console_counts(hallpass_core::clock::Timestamp(0))
            .await
            .unwrap()
    };
    for csrf in [None, Some("x".repeat(43))] {
        let mut form = vec![("name", "Acme".to_owned())];
        form.extend(csrf.map(|c| ("csrf", c)));
        let response = browser
            .post(app.url("/admin/organizations"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403);
    }
    assert_eq!(count().await.organizations, 0, "nothing was made");

    let (_, _, page) = open(&app, &browser, "/admin/organizations").await;
    let csrf = hidden(&page, "csrf");
    let response = browser
        .post(app.url("/admin/organizations"))
        .form(&[("csrf", csrf.as_str()), ("name", "Acme")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(count().await.organizations, 1);
    let admin = app
        .state
        .ctx()
        .store
        .find_user_by_email(&hallpass_core::values::Email::parse("ada@example.com").unwrap())
        .await
        .unwrap()
        .unwrap();
    let events = app
        .state
        .ctx()
        .store
        .list_audit_events(&AuditFilter {
            kind: Some("organization.created".into()),
            limit: 5,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        events[0].event.actor.as_deref(),
        Some(admin.id.as_str()),
        "the admin is the actor"
    );
}

#[tokio::test]
async fn deleting_asks_first_and_a_get_destroys_nothing() {
    let app = TestApp::start().await;
    let browser = signed_in_admin(&app, "ada@example.com").await;
    let victim = app.user("bob@example.com").await;
    let (status, _, confirm) = open(&app, &browser, &format!("/admin/users/{}/delete", victim.id)).await;
    assert_eq!(status, 200);
    assert!(confirm.contains("Delete bob@example.com?"), "{confirm}");
    assert!(
        app.state.ctx().store.get_user(&victim.id).await.unwrap().is_some(),
        "asking deletes nothing"
    );
    let response = browser
        .post(app.url(&format!("/admin/users/{}/delete", victim.id)))
        .form(&[("csrf", hidden(&confirm, "csrf").as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert!(app.state.ctx().store.get_user(&victim.id).await.unwrap().is_none());
}

#[tokio::test]
async fn bad_input_says_what_is_wrong_and_changes_nothing() {
    let app = TestApp::start().await;
    let browser = signed_in_admin(&app, "ada@example.com").await;
    let (_, _, page) = open(&app, &browser, "/admin/applications").await;
    let csrf = hidden(&page, "csrf");
    let response = browser
        .post(app.url("/admin/applications"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "Bad"),
            ("redirect_uris", "not a uri"),
            ("kind", "confidential"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("redirect_uri"), "says which field: {html}");
    let (status, _, _) = open(&app, &browser, "/admin/users/usr_nonsense").await;
    assert_eq!(status, 404);
    let (status, _, html) = open(&app, &browser, "/admin/audit?since=yesterday").await;
    assert_eq!(status, 422, "{html}");
}

#[tokio::test]
async fn members_roles_session_policy_and_redirect_uris_change_through_their_forms() {
    let app = TestApp::start().await;
    let browser = signed_in_admin(&app, "ada@example.com").await;
    let ctx = app.state.ctx();
    app.user("member@example.com").await;

    let made = post_form(
        &app,
        &browser,
        "/admin/roles",
        "/admin/roles",
        &[("name", "billing"), ("permissions", "invoices:read, invoices:write")],
    )
    .await;
    assert_eq!(made.status(), 303);
    let (_, _, roles) = open(&app, &browser, "/admin/roles").await;
    assert!(roles.contains("invoices:read, invoices:write"), "{roles}");
    let bad = post_form(
        &app,
        &browser,
        "/admin/roles",
        "/admin/roles",
        &[("name", "x"), ("permissions", "not a permission")],
    )
    .await;
    assert_eq!(bad.status(), 422);

    let org = post_form(
        &app,
        &browser,
        "/admin/organizations",
        "/admin/organizations",
        &[("name", "Acme")],
    )
    .await;
    let org_page = org.headers()["location"]
        .to_str()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let member = post_form(
        &app,
        &browser,
        &org_page,
        &format!("{org_page}/members"),
        &[("email", "member@example.com"), ("role", "billing")],
    )
    .await;
    assert_eq!(member.status(), 303);
    let (_, _, html) = open(&app, &browser, &org_page).await;
    assert!(
        html.contains("member@example.com") && html.contains("<td>billing</td>"),
        "{html}"
    );
    let unknown = post_form(
        &app,
        &browser,
        &org_page,
        &format!("{org_page}/members"),
        &[("email", "ghost@example.com"), ("role", "member")],
    )
    .await;
    assert_eq!(unknown.status(), 404);

    let too_long = post_form(
        &app,
        &browser,
        &org_page,
        &format!("{org_page}/session-policy"),
        &[("idle_minutes", "999999"), ("absolute_minutes", "60")],
    )
    .await;
    assert_eq!(too_long.status(), 422, "only tightening");
    let not_a_number = post_form(
        &app,
        &browser,
        &org_page,
        &format!("{org_page}/session-policy"),
        &[("idle_minutes", "ten"), ("absolute_minutes", "60")],
    )
    .await;
    assert_eq!(not_a_number.status(), 422);
    let org_id = hallpass_core::ids::OrgId::parse(org_page.trim_start_matches("/admin/organizations/")).unwrap();
    assert_eq!(
        ctx.store.get_organization_session_limits(&org_id).await.unwrap(),
        None,
        "refusals change nothing"
    );
    let set = post_form(
        &app,
        &browser,
        &org_page,
        &format!("{org_page}/session-policy"),
        &[("idle_minutes", "15"), ("absolute_minutes", "120")],
    )
    .await;
    assert_eq!(set.status(), 303);
    let (_, _, html) = open(&app, &browser, &org_page).await;
    assert!(html.contains("after 15 minutes idle and 120 minutes in all"), "{html}");

    let created = post_form(
        &app,
        &browser,
        "/admin/applications",
        "/admin/applications",
        &[
            ("name", "Shop"),
            ("redirect_uris", "https://shop.example.com/cb"),
            ("kind", "public"),
        ],
    )
    .await;
    assert_eq!(created.status(), 201);
    let html = created.text().await.unwrap();
    assert!(html.contains("has no secret"), "a public client: {html}");
    let id = html
        .split("id=\"client-id\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    let page = format!("/admin/applications/{id}");
    let edited = post_form(
        &app,
        &browser,
        &page,
        &page,
        &[
            ("name", "Shop"),
            (
                "redirect_uris",
                "https://shop.example.com/cb\nhttps://shop.example.com/other",
            ),
        ],
    )
    .await;
    assert_eq!(edited.status(), 303);
    let client = ctx
        .store
        .get_client(&hallpass_core::ids::ClientId::parse(&id).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(client.redirect_uris.len(), 2);
    let events = ctx
        .store
        .list_audit_events(&AuditFilter {
            kind: Some("client.updated".into()),
            limit: 1,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(events.len(), 1, "the change is audited");
}
