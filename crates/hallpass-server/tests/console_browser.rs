//! The admin console in headless Chromium, through every screen: become an
//! admin with the CLI's one-time link, register an application and see its
//! secret once, find a user among thousands, end their session and see the
//! app's refresh fail, create an organization and invite someone, rotate a
//! signing key, and read the audit entry of each change. axe-core checks
//! every screen (no serious or critical violation), light and dark;
//! screenshots at 390 px and wide land in `target/console-screenshots/`.
//!
//! Without Chromium these tests say so loudly and pass; under CI they fail.
//! axe-core comes from npm (`tests/console_axe`, `npm ci` in `.ci/run`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use fantoccini::{Client, Locator};
use hallpass_core::ids::UserId;
use hallpass_core::store::User;
use hallpass_core::values::Email;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::Duration;
use support::app::TestApp;
use support::browser::{browser, dark_browser, missing, PATIENCE};

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const PASSWORD: &str = "a long pass phrase of theirs";

fn axe_source() -> Option<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/console_axe/node_modules/axe-core/axe.min.js");
    match std::fs::read_to_string(&path) {
        Ok(source) => Some(source),
        Err(_) => {
            missing("axe-core is not installed (cd crates/hallpass-server/tests/console_axe && npm ci); the accessibility checks did NOT run");
            None
        }
    }
}

fn screenshot_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/console-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The screen the browser shows: checked by axe-core (no serious or critical
/// violation) and photographed at 390 px and wide, then the window is wide again.
struct Checker {
    axe: Option<String>,
    theme: &'static str,
}

impl Checker {
    async fn check(&self, c: &Client, name: &str) {
        let dir = screenshot_dir();
        for (width, label) in [(390u32, "390"), (1280, "wide")] {
            c.set_window_size(width, 900).await.unwrap();
            if let Some(axe) = &self.axe {
                let found = c.execute("return typeof axe", vec![]).await.unwrap();
                if found != json!("object") {
                    c.execute(axe, vec![]).await.unwrap();
                }
                let script = "const done = arguments[arguments.length - 1];\
                    axe.run(document, { resultTypes: ['violations'] }).then(r => done(r.violations\
                      .filter(v => v.impact === 'serious' || v.impact === 'critical')\
                      .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).join(', '))));";
                let serious = c.execute_async(script, vec![]).await.unwrap();
                assert_eq!(serious, json!([]), "axe-core on {name} at {label} px ({})", self.theme);
            }
            let png = c.screenshot().await.unwrap();
            std::fs::write(dir.join(format!("{name}-{}-{label}.png", self.theme)), png).unwrap();
            let overflow = c
                .execute(
                    "return document.documentElement.scrollWidth > window.innerWidth + 1",
                    vec![],
                )
                .await
                .unwrap();
            assert_eq!(
                overflow,
                json!(false),
                "{name} fits {label} px without scrolling sideways"
            );
        }
    }
}

async fn element(c: &Client, css: &str) -> fantoccini::elements::Element {
    c.wait().at_most(PATIENCE).for_element(Locator::Css(css)).await.unwrap()
}

async fn fill(c: &Client, css: &str, text: &str) {
    let field = element(c, css).await;
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn click(c: &Client, css: &str) {
    element(c, css).await.click().await.unwrap();
}

async fn wait_text(c: &Client, needle: &str) -> String {
    for _ in 0..300 {
        let page = c.source().await.unwrap();
        if page.contains(needle) {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the page never showed {needle:?}: {}", c.source().await.unwrap());
}

async fn text_of(c: &Client, css: &str) -> String {
    element(c, css).await.text().await.unwrap()
}

/// Signs `email` in to an app (authorization code, offline_access) over
/// plain HTTP and gives its refresh token.
async fn app_refresh_token(app: &TestApp, client: &support::app::RegisteredClient, email: &str) -> String {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let csrf = support::csrf_of(&http, &app.url("/login")).await;
    let response = http
        .post(app.url("/login"))
        .form(&[("csrf", csrf.as_str()), ("email", email), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let authorize = url::Url::parse_with_params(
        &app.url("/oauth/authorize"),
        &[
            ("response_type", "code"),
            ("client_id", client.id.as_str()),
            ("redirect_uri", "http://localhost:3000/callback"),
            ("scope", "openid offline_access"),
            ("state", "s"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ],
    )
    .unwrap();
    let back = http.get(authorize).send().await.unwrap();
    let location = url::Url::parse(back.headers()["location"].to_str().unwrap()).unwrap();
    let code = location
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let tokens: Value = token_request(
        app,
        client,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "http://localhost:3000/callback"),
            ("code_verifier", VERIFIER),
        ],
    )
    .await
    .1;
    tokens["refresh_token"].as_str().unwrap().to_owned()
}

async fn token_request(app: &TestApp, client: &support::app::RegisteredClient, form: &[(&str, &str)]) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(app.url("/oauth/token"))
        .basic_auth(&client.id, client.secret.as_deref())
        .form(form)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

/// Thousands of users, inserted directly, so the search has to find one among them.
async fn crowd(app: &TestApp, count: u32) {
    let ctx = app.state.ctx();
    let now = ctx.clock.now();
    for i in 0..count {
        let user = User {
            id: UserId::generate(ctx.clock.as_ref(), ctx.rng.as_ref()),
            email: Email::parse(&format!("member{i:05}@crowd.example")).unwrap(),
            email_verified: true,
            name: None,
            password_hash: None,
            external_id: None,
            metadata: json!({}),
            created_at: now,
            updated_at: now,
        };
        ctx.store.insert_user(&user).await.unwrap();
    }
}

#[tokio::test]
async fn an_admin_works_through_every_console_screen() {
    let Some(browser) = browser().await else { return };
    let checker = Checker {
        axe: axe_source(),
        theme: "light",
    };
    let c = &browser.client;
    let app = TestApp::start().await;
    crowd(&app, 2_000).await;
    let target = app.user_with_password("target.person@example.com", PASSWORD).await;
    let some_app = app.client(|_| {}).await;
    let refresh = app_refresh_token(&app, &some_app, "target.person@example.com").await;

    // Become an admin with the CLI; its one-time link signs in and opens the console.
    let dir = app.data_dir();
    let added = support::run_json_with(
        &dir,
        &[("HALLPASS_ISSUER", app.base.as_str())],
        &[
            "--data-dir",
            dir.to_str().unwrap(),
            "admins",
            "add",
            "boss@example.com",
            "--create",
            "--json",
        ],
        "",
    )
    .await;
    let admin_id = added["user_id"].as_str().unwrap().to_owned();
    c.goto(added["sign_in_link"].as_str().unwrap()).await.unwrap();
    click(c, "main form button[type=submit]").await;
    let overview = wait_text(c, "sign-ins in the last day").await;
    assert!(overview.contains("boss@example.com"), "the console names its admin");
    checker.check(c, "01-overview").await;

    // An application: its secret is shown once, on the answer to the form.
    click(c, "nav a[href='/admin/applications']").await;
    wait_text(c, "Register an application").await;
    checker.check(c, "02-applications").await;
    fill(c, "#app-name", "Billing").await;
    fill(c, "#app-uris", "https://billing.example.com/callback").await;
    click(c, "form[action='/admin/applications'] button[type=submit]").await;
    wait_text(c, "shown this once").await;
    let secret = text_of(c, "#client-secret").await;
    let client_id = text_of(c, "#client-id").await;
    assert!(secret.len() >= 32, "a secret: {secret}");
    checker.check(c, "03-application-secret").await;
    click(c, &format!("a[href='/admin/applications/{client_id}']")).await;
    let details = wait_text(c, "Name and redirect URIs").await;
    assert!(!details.contains(&secret), "the secret is not shown again");
    assert!(details.contains("https://billing.example.com/callback"));
    checker.check(c, "04-application").await;
    click(c, &format!("a[href='/admin/applications/{client_id}/rotate']")).await;
    wait_text(c, "Rotate the secret of Billing?").await;
    checker.check(c, "05-application-rotate-confirm").await;
    click(c, "main form button[type=submit]").await;
    wait_text(c, "New secret").await;
    assert_ne!(text_of(c, "#client-secret").await, secret, "a new secret, shown once");

    // Find a user among thousands by the start of their address.
    c.goto(&app.url("/admin/users")).await.unwrap();
    wait_text(c, "Email starts with").await;
    checker.check(c, "06-users").await;
    fill(c, "#q", "target.p").await;
    click(c, "form[role=search] button").await;
    let found = wait_text(c, "Users whose email starts with").await;
    assert!(found.contains("target.person@example.com"));
    assert!(!found.contains("crowd.example"), "only those who match");
    checker.check(c, "07-users-search").await;
    click(c, &format!("a[href='/admin/users/{}']", target.id)).await;
    wait_text(c, "Live sessions").await;
    checker.check(c, "08-user").await;
    let (status, rotated) = token_request(
        &app,
        &some_app,
        &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
    )
    .await;
    assert_eq!(status, 200, "the app refreshes while the session lives");
    let refresh = rotated["refresh_token"].as_str().unwrap().to_owned();
    click(c, "form[action*='/sessions/'] button").await;
    wait_text(c, "The session has ended").await;
    let (status, body) = token_request(
        &app,
        &some_app,
        &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
    )
    .await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
    click(c, &format!("a[href='/admin/users/{}/delete']", target.id)).await;
    wait_text(c, "Delete target.person@example.com?").await;
    checker.check(c, "09-user-delete-confirm").await;

    // An organization, and an invitation into it.
    c.goto(&app.url("/admin/organizations")).await.unwrap();
    wait_text(c, "Create an organization").await;
    checker.check(c, "10-organizations").await;
    fill(c, "#org-name", "Acme Corp").await;
    click(c, "form[action='/admin/organizations'] button[type=submit]").await;
    wait_text(c, "Invite someone").await;
    fill(c, "#invite-email", "newcomer@example.com").await;
    click(c, "form[action$='/invitations'] button[type=submit]").await;
    let org = wait_text(c, "The invitation is sent").await;
    assert!(org.contains("newcomer@example.com") && org.contains("pending"), "{org}");
    assert!(
        app.mails().await.iter().any(|m| m.to == "newcomer@example.com"),
        "the invitation is mailed"
    );
    checker.check(c, "11-organization").await;
    fill(c, "#directory-name", "Okta").await;
    click(c, "form[action$='/directories'] button[type=submit]").await;
    wait_text(c, "Copy it now").await;
    assert!(
        !text_of(c, "#directory-token").await.is_empty(),
        "the SCIM token is shown once"
    );
    checker.check(c, "11a-directory-token").await;

    // Roles and resources.
    c.goto(&app.url("/admin/roles")).await.unwrap();
    wait_text(c, "Roles and permissions").await;
    checker.check(c, "12-roles").await;
    c.goto(&app.url("/admin/resources")).await.unwrap();
    wait_text(c, "RFC 8707").await;
    checker.check(c, "13-resources").await;
    fill(c, "#resource-identifier", "https://api.example.com").await;
    fill(c, "#resource-name", "Billing API").await;
    fill(c, "#resource-scopes", "invoices:read invoices:write").await;
    click(c, "form[action='/admin/resources'] button[type=submit]").await;
    wait_text(c, "The resource is registered").await;
    checker.check(c, "13a-resource").await;
    click(c, "a.danger[href$='/delete']").await;
    wait_text(c, "Delete Billing API?").await;
    checker.check(c, "13b-resource-delete-confirm").await;

    // Sign-in settings: a new name shows on the sign-in page at once.
    c.goto(&app.url("/admin/settings")).await.unwrap();
    wait_text(c, "Ways to sign in").await;
    checker.check(c, "14-settings").await;
    fill(c, "#s-name", "Acme Sign-In").await;
    fill(c, "#s-color", "#0a5c36").await;
    click(c, "form[action='/admin/settings'] button[type=submit]").await;
    wait_text(c, "Saved.").await;
    let login = reqwest::get(app.url("/login")).await.unwrap().text().await.unwrap();
    assert!(
        login.contains("Acme Sign-In"),
        "the hosted page carries the new name: {login}"
    );
    let theme = reqwest::get(app.url("/static/theme.css"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(theme.contains("#0a5c36"), "and the colour: {theme}");

    // Signing keys: rotating asks first.
    c.goto(&app.url("/admin/keys")).await.unwrap();
    let before = wait_text(c, "Keys that sign tokens").await;
    checker.check(c, "15-keys").await;
    click(c, "form[action='/admin/keys/rotate'] button").await;
    wait_text(c, "Rotate the ES256 signing key?").await;
    checker.check(c, "16-keys-rotate-confirm").await;
    click(c, "main form button[type=submit]").await;
    let after = wait_text(c, "A new signing key is active").await;
    assert_eq!(
        after.matches("<td>retired</td>").count(),
        before.matches("<td>retired</td>").count() + 1
    );

    // The audit log has an entry for each change, with the admin as actor.
    c.goto(&app.url("/admin/audit")).await.unwrap();
    let log = wait_text(c, "Filter the audit log").await;
    for kind in [
        "client.created",
        "client.secret_added",
        "session.revoked",
        "organization.created",
        "invitation.created",
        "key.rotated",
    ] {
        let entry = log
            .split("<li>")
            .find(|e| e.contains(&format!("<strong>{kind}</strong>")))
            .unwrap_or_else(|| panic!("no {kind} entry"));
        assert!(entry.contains(&admin_id), "{kind} names the admin: {entry}");
    }
    checker.check(c, "17-audit").await;
    fill(c, "#f-type", "organization.created").await;
    click(c, "form.filters button").await;
    wait_text(c, "value=\"organization.created\"").await;
    click(c, "details summary").await;
    let opened = wait_text(c, "\"after\"").await;
    assert!(opened.contains("Acme Corp"), "the entry's after state");
    assert_eq!(opened.matches("<details").count(), 1, "filtered by type");
    checker.check(c, "18-audit-filtered").await;

    // The start page points to the console.
    c.goto(&app.url("/")).await.unwrap();
    wait_text(c, "href=\"/admin\"").await;
}

#[tokio::test]
async fn the_screens_pass_axe_core_in_dark_mode_and_a_non_admin_is_refused() {
    let Some(browser) = dark_browser().await else { return };
    let checker = Checker {
        axe: axe_source(),
        theme: "dark",
    };
    let c = &browser.client;
    let app = TestApp::start().await;
    app.user_with_password("admin@example.com", PASSWORD).await;
    app.user_with_password("nobody@example.com", PASSWORD).await;
    hallpass_core::services::console::add_admin(
        app.state.ctx(),
        "admin@example.com",
        &hallpass_core::services::audit::Actor::Cli,
    )
    .await
    .unwrap();
    c.goto(&app.url("/admin")).await.unwrap();
    fill(c, "input[name=email]", "nobody@example.com").await;
    fill(c, "input[name=password]", PASSWORD).await;
    click(c, "form[action='/login'] button[type=submit]").await;
    wait_text(c, "Not an administrator").await;
    checker.check(c, "00-not-admin").await;

    // Sign out of Hallpass, then in as the admin.
    c.goto(&app.url("/account")).await.unwrap();
    click(c, "form[action='/logout'] button").await;
    wait_text(c, "You are signed out").await;
    c.goto(&app.url("/admin")).await.unwrap();
    fill(c, "input[name=email]", "admin@example.com").await;
    fill(c, "input[name=password]", PASSWORD).await;
    click(c, "form[action='/login'] button[type=submit]").await;
    wait_text(c, "sign-ins in the last day").await;
    let dark = c
        .execute("return matchMedia('(prefers-color-scheme: dark)').matches", vec![])
        .await
        .unwrap();
    assert_eq!(
        dark,
        json!(true),
        "the browser prefers dark: these are the dark screens"
    );
    for (name, path) in [
        ("01-overview", "/admin"),
        ("02-applications", "/admin/applications"),
        ("06-users", "/admin/users"),
        ("10-organizations", "/admin/organizations"),
        ("12-roles", "/admin/roles"),
        ("13-resources", "/admin/resources"),
        ("14-settings", "/admin/settings"),
        ("15-keys", "/admin/keys"),
        ("17-audit", "/admin/audit"),
    ] {
        c.goto(&app.url(path)).await.unwrap();
        wait_text(c, "Skip to content").await;
        checker.check(c, name).await;
    }
}
