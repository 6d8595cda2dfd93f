//! The admin console over HTTP as a browser without JavaScript uses it:
//! cookies kept, forms posted, redirects followed by hand. Who gets in, the
//! CSRF and confirm rules, audit actors, the session's idle end, the CLI.
//! (tests/console_browser.rs drives the screens through headless Chromium.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../support/mod.rs"]
mod support;

use hallpass_core::services::audit::Actor;
use hallpass_core::services::console;
use hallpass_core::store::AuditFilter;
use std::time::Duration;
use support::app::TestApp;
use support::hidden;

const PASSWORD: &str = "a long admin pass phrase";

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Follows redirects inside Hallpass and returns the page it stops at, with its path.
async fn open(app: &TestApp, browser: &reqwest::Client, path: &str) -> (u16, String, String) {
    let mut url = app.url(path);
    for _ in 0..10 {
        let response = browser.get(&url).header("accept", "text/html").send().await.unwrap();
        if response.status().is_redirection() {
            let to = response.headers()["location"].to_str().unwrap().to_owned();
            url = if to.starts_with('/') { app.url(&to) } else { to };
            continue;
        }
        let status = response.status().as_u16();
        let path = response.url().path().to_owned();
        return (status, path, response.text().await.unwrap());
    }
    panic!("a redirect loop from {path}");
}

async fn sign_in(app: &TestApp, browser: &reqwest::Client, email: &str) {
    let csrf = support::csrf_of(browser, &app.url("/login")).await;
    let response = browser
        .post(app.url("/login"))
        .form(&[("csrf", csrf.as_str()), ("email", email), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
}

/// A console admin signed in to the console in `browser`.
async fn signed_in_admin(app: &TestApp, email: &str) -> reqwest::Client {
    app.user_with_password(email, PASSWORD).await;
    console::add_admin(app.state.ctx(), email, &Actor::Cli).await.unwrap();
    let browser = browser();
    sign_in(app, &browser, email).await;
    let (status, path, html) = open(app, &browser, "/admin").await;
    assert_eq!((status, path.as_str()), (200, "/admin"), "{html}");
    browser
}

#[tokio::test]
async fn the_console_signs_in_through_the_hosted_pages_and_lets_in_admins_only() {
    let app = TestApp::start().await;
    let user = app.user_with_password("ann@example.com", PASSWORD).await;
    let browser = browser();

    let (status, path, html) = open(&app, &browser, "/admin").await;
    assert_eq!(
        (status, path.as_str()),
        (200, "/login"),
        "sent to the hosted sign-in page"
    );
    assert!(html.contains("name=\"password\""), "{html}");
    sign_in(&app, &browser, "ann@example.com").await;

    let (status, _, html) = open(&app, &browser, "/admin").await;
    assert_eq!(status, 403, "a signed-in user who is no admin");
    assert!(
        html.contains("Not an administrator") && html.contains("ann@example.com"),
        "{html}"
    );
    let (status, _, _) = open(&app, &browser, "/admin/users").await;
    assert_eq!(status, 403, "every screen refuses");

    console::add_admin(app.state.ctx(), "ann@example.com", &Actor::Cli)
        .await
        .unwrap();
    let (status, path, html) = open(&app, &browser, "/admin").await;
    assert_eq!((status, path.as_str()), (200, "/admin"));
    assert!(
        html.contains("users") && html.contains("sign-ins in the last day"),
        "{html}"
    );

    console::remove_admin(app.state.ctx(), "ann@example.com", &Actor::Cli)
        .await
        .unwrap();
    let (status, _, _) = open(&app, &browser, "/admin").await;
    assert_eq!(status, 403, "taking admin away takes effect at once");

    let events = app
        .state
        .ctx()
        .store
        .list_audit_events(&AuditFilter {
            user_id: Some(user.id.to_string()),
            kind: Some("console_admin.added".into()),
            limit: 5,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].event.details["after"]["admin"], true);
}

#[tokio::test]
async fn the_console_session_ends_after_half_an_hour_idle_or_with_the_hallpass_session() {
    let app = TestApp::start().await;
    let browser = signed_in_admin(&app, "ada@example.com").await;
    app.advance(Duration::from_secs(20 * 60));
    let response = browser.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(response.status(), 200, "a request within 30 minutes keeps it alive");
    app.advance(Duration::from_secs(31 * 60));
    let response = browser.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/admin/login", "idle too long");

    // Signing in again works while the Hallpass session lives; ending it ends the console's.
    let (status, path, _) = open(&app, &browser, "/admin").await;
    assert_eq!((status, path.as_str()), (200, "/admin"));
    let account = browser
        .get(app.url("/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = hidden(&account, "csrf");
    let out = browser
        .post(app.url("/logout"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 200);
    let response = browser.get(app.url("/admin/users")).send().await.unwrap();
    assert_eq!(response.status(), 303, "signed out of Hallpass: out of the console too");
}

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
async fn the_start_page_points_a_browser_to_the_console_and_a_program_gets_json() {
    let app = TestApp::start().await;
    let page = reqwest::Client::new()
        .get(app.url("/"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("href=\"/admin\"") && html.contains("href=\"/account\""),
        "{html}"
    );
    let program = reqwest::Client::new().get(app.url("/")).send().await.unwrap();
    assert_eq!(program.status(), 404);
    assert_eq!(program.headers()["content-type"], "application/json");
}

#[tokio::test]
async fn admins_are_added_listed_and_removed_from_the_cli_and_a_new_one_gets_a_sign_in_link() {
    let app = TestApp::start().await;
    let dir = app.data_dir();
    let env = [("HALLPASS_ISSUER", app.base.as_str())];
    let data = ["--data-dir", dir.to_str().unwrap()];
    let args = |rest: &[&'static str]| -> Vec<&str> { data.iter().copied().chain(rest.iter().copied()).collect() };

    let refused = support::hallpass(&dir)
        .envs(env)
        .args(args(&["admins", "add", "new@example.com"]))
        .output()
        .await
        .unwrap();
    assert!(!refused.status.success(), "no such user without --create");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--create"));

    let added = support::run_json_with(
        &dir,
        &env,
        &args(&["admins", "add", "new@example.com", "--create", "--json"]),
        "",
    )
    .await;
    let link = added["sign_in_link"].as_str().unwrap().to_owned();
    assert!(link.starts_with(&format!("{}/login/link?token=", app.base)), "{link}");
    let listed = support::run_json_with(&dir, &env, &args(&["admins", "list", "--json"]), "").await;
    assert_eq!(listed[0]["email"], "new@example.com");

    // The link signs in once, in any browser, and leads to the console.
    let visitor = browser();
    let token = link.split("token=").nth(1).unwrap();
    let csrf = support::csrf_of(&visitor, &link).await;
    let response = visitor
        .post(app.url("/login/link"))
        .form(&[("csrf", csrf.as_str()), ("token", token)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["location"], "/admin");
    let (status, path, _) = open(&app, &visitor, "/admin").await;
    assert_eq!((status, path.as_str()), (200, "/admin"));
    let again = browser()
        .post(app.url("/login/link"))
        .form(&[("csrf", csrf.as_str()), ("token", token)])
        .send()
        .await
        .unwrap();
    assert_ne!(again.status(), 303, "the link works once");

    support::run_json_with(
        &dir,
        &env,
        &args(&["admins", "remove", "new@example.com", "--json"]),
        "",
    )
    .await;
    let listed = support::run_json_with(&dir, &env, &args(&["admins", "list", "--json"]), "").await;
    assert_eq!(listed, serde_json::json!([]));
    let (status, _, _) = open(&app, &visitor, "/admin").await;
    assert_eq!(status, 403);
    let gone = support::hallpass(&dir)
        .envs(env)
        .args(args(&["admins", "remove", "new@example.com"]))
        .output()
        .await
        .unwrap();
    assert!(!gone.status.success());
    assert!(String::from_utf8_lossy(&gone.stderr).contains("not a console admin"));
}

#[tokio::test]
async fn a_development_start_without_admins_says_how_to_become_one_and_then_stops_saying_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = support::Server::start(dir.path(), &[], &[]).await.unwrap();
    let logs = server.logged("hallpass admins add").await;
    assert_eq!(logs.matches("hallpass admins add").count(), 1, "one line: {logs}");
    assert!(logs.contains("--create") && logs.contains("/admin"), "{logs}");
    server.stop().await;

    let data = dir.path().join("hallpass-data");
    let added = support::run(
        dir.path(),
        &[
            "--data-dir",
            data.to_str().unwrap(),
            "admins",
            "add",
            "me@example.com",
            "--create",
        ],
    )
    .await;
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    let printed = String::from_utf8_lossy(&added.stdout);
    assert!(printed.contains("/login/link?token="), "the one-time link: {printed}");
    let mut server = support::Server::start(dir.path(), &[], &[]).await.unwrap();
    let (_, logs) = {
        server.logged("listening").await;
        server.stop().await
    };
    assert!(
        !logs.contains("hallpass admins add"),
        "with an admin, nothing more to say: {logs}"
    );
}

/// Posts a console form with the CSRF token of the page at `page`.
async fn post_form(
    app: &TestApp,
    browser: &reqwest::Client,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let (_, _, html) = open(app, browser, page).await;
    let csrf = hidden(&html, "csrf");
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    browser.post(app.url(action)).form(&form).send().await.unwrap()
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

/// The actor of the newest audit event of `kind`.
async fn actor_of_latest(app: &TestApp, kind: &str) -> Option<String> {
    let events = app
        .state
        .ctx()
        .store
        .list_audit_events(&AuditFilter {
            kind: Some(kind.into()),
            limit: 1,
            ..Default::default()
        })
        .await
        .unwrap();
    events.first().and_then(|e| e.event.actor.clone())
}

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
