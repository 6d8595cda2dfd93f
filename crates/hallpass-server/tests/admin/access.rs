//! Who gets into the console: admins only, through the hosted pages; its session; the start page; the CLI.

use super::*;

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
