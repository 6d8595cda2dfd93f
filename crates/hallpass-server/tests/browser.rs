//! The hosted pages in a real browser: headless Chromium driven over
//! WebDriver (chromedriver). Screenshots of every page land in
//! `target/screenshots/` for a reviewer to look at.
//!
//! Without Chromium and chromedriver these tests say so loudly and pass;
//! under CI (`CI` set, not empty, `0` or `false`) they fail instead
//! (`.ci/run` installs both).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

#[path = "browser_saml/mod.rs"]
mod saml;

use fantoccini::Client;
use serde_json::json;
use std::io::Write;
use std::process::Stdio;
use std::time::Duration;
use support::app::TestApp;
use support::browser::{browser, click, fill, screenshot, source, wait_text, wait_url};
use tokio::process::{Child, Command};

/// Waits for the page to show any of `needles`; returns the page.
async fn wait_any(client: &Client, needles: &[&str]) -> String {
    for _ in 0..300 {
        let page = source(client).await;
        if needles.iter().any(|n| page.contains(n)) {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the page never showed any of {needles:?}: {}", source(client).await);
}

/// Waits until the browser is at a path ending with `suffix`.
async fn wait_path(client: &Client, suffix: &str) {
    for _ in 0..300 {
        if client.current_url().await.unwrap().path().ends_with(suffix) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("never reached {suffix}: {}", client.current_url().await.unwrap());
}

/// Waits until the browser has left Hallpass for the app's callback.
async fn wait_for_callback(client: &Client) -> url::Url {
    wait_url(client, "http://localhost:3000/callback").await
}

fn authorize_url(app: &TestApp, client_id: &str) -> String {
    url::Url::parse_with_params(
        &app.url("/oauth/authorize"),
        &[
            ("response_type", "code"),
            ("client_id", client_id),
            ("redirect_uri", "http://localhost:3000/callback"),
            ("scope", "openid email"),
            ("state", "browser-state"),
            ("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"),
            ("code_challenge_method", "S256"),
        ],
    )
    .unwrap()
    .to_string()
}

#[tokio::test]
async fn sign_up_then_sign_in_through_the_authorization_flow() {
    let Some(browser) = browser().await else { return };
    // The sign-up code travels through a real SMTP server, as in production.
    let Some(mail_server) = support::smtp::smtp_server().await else {
        return;
    };
    let smtp = hallpass_server::mail::Smtp::new(&mail_server.url, "auth@hallpass.test", Default::default()).unwrap();
    let c = &browser.client;
    let app = TestApp::start_mailing(|_| {}, Some(std::sync::Arc::new(smtp))).await;
    let client = app.client(|_| {}).await;

    c.goto(&authorize_url(&app, &client.id)).await.unwrap();
    wait_path(c, "/login").await;
    screenshot(c, "01-login").await;
    click(c, "a[href^='/signup']").await;
    wait_text(c, "Create your account").await;
    screenshot(c, "02-signup").await;
    fill(c, "#email", "browser@example.com").await;
    fill(c, "#name", "Bea Browser").await;
    fill(c, "#password", "short").await;
    click(c, "button[type=submit]").await;
    wait_text(c, "at least 8 characters").await;
    screenshot(c, "03-signup-error").await;
    fill(c, "#password", "a browser pass phrase").await;
    click(c, "button[type=submit]").await;
    wait_text(c, "Check your email").await;
    screenshot(c, "04-verify").await;
    let mail = mail_server.received(1).await.remove(0);
    let code = support::smtp::code_in(&mail);
    fill(c, "#code", &code).await;
    click(c, "button[type=submit]").await;
    let callback = wait_for_callback(c).await;
    let query: std::collections::HashMap<String, String> = callback.query_pairs().into_owned().collect();
    assert_eq!(query["state"], "browser-state");
    assert!(query.contains_key("code"));

    // Signed out, then back in with the password.
    c.goto(&app.url("/account")).await.unwrap();
    screenshot(c, "05-account").await;
    click(c, "form[action='/logout'] button").await;
    wait_text(c, "signed out").await;
    c.goto(&authorize_url(&app, &client.id)).await.unwrap();
    fill(c, "#email", "browser@example.com").await;
    fill(c, "#password", "the wrong one!").await;
    click(c, "form[action='/login'] button[type=submit]:not([formaction])").await;
    let page = wait_text(c, "do not match").await;
    assert!(page.contains("value=\"browser@example.com\""), "email kept");
    screenshot(c, "06-login-error").await;
    fill(c, "#password", "a browser pass phrase").await;
    click(c, "form[action='/login'] button[type=submit]:not([formaction])").await;
    wait_for_callback(c).await;

    // An app's sign-out link without this browser's ID token asks first;
    // opening it ends nothing.
    let logout = url::Url::parse_with_params(
        &app.url("/oidc/logout"),
        &[
            ("client_id", client.id.as_str()),
            ("post_logout_redirect_uri", "http://localhost:3000/"),
            ("state", "bye"),
        ],
    )
    .unwrap();
    c.goto(logout.as_str()).await.unwrap();
    wait_text(c, "Sign out?").await;
    screenshot(c, "07-logout-confirm").await;
    c.goto(&app.url("/")).await.unwrap();
    wait_text(c, "Signed in as").await;
    screenshot(c, "08-start-page").await;
    c.goto(logout.as_str()).await.unwrap();
    click(c, "form[action='/oidc/logout'] button").await;
    let back = wait_url(c, "http://localhost:3000/").await;
    assert_eq!(back.query(), Some("state=bye"));
    c.goto(&app.url("/")).await.unwrap();
    wait_text(c, "You are not signed in").await;
    browser.client.close().await.unwrap();
}

#[tokio::test]
async fn sign_in_with_an_emailed_code_and_a_magic_link() {
    let Some(browser) = browser().await else { return };
    let c = &browser.client;
    let app = TestApp::start().await;
    let client = app.client(|_| {}).await;
    app.user_without_password("code@example.com").await;

    c.goto(&authorize_url(&app, &client.id)).await.unwrap();
    fill(c, "#email", "code@example.com").await;
    click(c, "button[formaction='/login/code']").await;
    wait_text(c, "6-digit code").await;
    screenshot(c, "07-code").await;
    let code: String = app.mails().await[0].subject.chars().take(6).collect();
    fill(c, "#code", &code).await;
    click(c, "form[action='/login/code/verify'] button").await;
    wait_for_callback(c).await;

    // A fresh browser session follows the link from a second mail.
    c.delete_all_cookies().await.unwrap();
    c.goto(&app.url("/login")).await.unwrap();
    fill(c, "#email", "code@example.com").await;
    click(c, "button[formaction='/login/code']").await;
    wait_text(c, "6-digit code").await;
    assert_eq!(app.mails().await.len(), 2, "a second mail was sent");
    let mail = app.mails().await.remove(0);
    let start = mail.text.find("http").unwrap();
    let link = mail.text[start..]
        .split_whitespace()
        .find(|w| w.contains("/login/link"))
        .unwrap_or_default()
        .to_owned();
    let link = if link.is_empty() {
        mail.text[start..].split_whitespace().next().unwrap().to_owned()
    } else {
        link
    };
    c.goto(&link).await.unwrap();
    screenshot(c, "08-magic-link").await;
    click(c, "form[action='/login/link'] button").await;
    wait_path(c, "/account").await;
    wait_text(c, "code@example.com").await;
    browser.client.close().await.unwrap();
}

#[tokio::test]
async fn reset_a_password_see_an_expired_code_and_a_rate_limit() {
    let Some(browser) = browser().await else { return };
    let c = &browser.client;
    let app = TestApp::start_with(|config| config.limits.failures_before_delay = 3).await;
    app.user_with_password("reset@example.com", "old pass phrase").await;

    // Reset the password from the link in the mail.
    c.goto(&app.url("/login")).await.unwrap();
    click(c, "a[href='/password/forgot']").await;
    wait_text(c, "Reset your password").await;
    fill(c, "#email", "reset@example.com").await;
    click(c, "button[type=submit]").await;
    wait_text(c, "we sent it a link").await;
    let mail = app.mails().await.remove(0);
    let link = mail
        .text
        .split_whitespace()
        .find(|w| w.contains("/password/reset?token="))
        .unwrap()
        .to_owned();
    c.goto(&link).await.unwrap();
    wait_text(c, "Choose a new password").await;
    screenshot(c, "09-reset").await;
    fill(c, "#password", "new pass phrase").await;
    click(c, "button[type=submit]").await;
    wait_path(c, "/account").await;

    // An expired code says so.
    c.delete_all_cookies().await.unwrap();
    c.goto(&app.url("/login")).await.unwrap();
    fill(c, "#email", "reset@example.com").await;
    click(c, "button[formaction='/login/code']").await;
    wait_text(c, "6-digit code").await;
    let code: String = app.mails().await[0].subject.chars().take(6).collect();
    app.advance(Duration::from_secs(301));
    fill(c, "#code", &code).await;
    click(c, "form[action='/login/code/verify'] button").await;
    wait_text(c, "expired").await;
    screenshot(c, "10-code-expired").await;

    // Past the allowance, the page says when to come back.
    for _ in 0..4 {
        c.goto(&app.url("/login")).await.unwrap();
        wait_text(c, "Forgot your password").await;
        fill(c, "#email", "reset@example.com").await;
        fill(c, "#password", "wrong pass phrase").await;
        click(c, "form[action='/login'] button[type=submit]:not([formaction])").await;
        wait_any(c, &["do not match", "Too many attempts"]).await;
    }
    wait_text(c, "Too many attempts").await;
    screenshot(c, "11-rate-limited").await;
    browser.client.close().await.unwrap();
}

#[tokio::test]
async fn the_demo_app_signs_in_refreshes_transparently_and_signs_out() {
    let Some(browser) = browser().await else { return };
    let c = &browser.client;
    let app = TestApp::start().await;
    let demo = support::demo::Demo::start(&app).await;
    app.user_with_password("demo@example.com", "a demo pass phrase").await;

    c.goto(&demo.url("/")).await.unwrap();
    wait_text(c, "Sign in").await;
    screenshot(c, "demo-01-landing").await;
    click(c, "a[href^='/login']").await;
    wait_url(c, &app.url("/login")).await;
    fill(c, "#email", "demo@example.com").await;
    fill(c, "#password", "a demo pass phrase").await;
    click(c, "form[action='/login'] button[type=submit]:not([formaction])").await;
    wait_url(c, &demo.url("/dashboard")).await;
    let page = wait_text(c, "Dashboard").await;
    assert!(page.contains("demo@example.com"), "{page}");
    screenshot(c, "demo-02-dashboard").await;
    let expires = |page: &str| {
        let start = page.find("id=\"expires-at\">").unwrap() + "id=\"expires-at\">".len();
        page[start..start + page[start..].find('<').unwrap()].to_owned()
    };
    let first_expiry = expires(&page);

    // Outlive the access token: the next page load refreshes it unseen.
    app.advance(std::time::Duration::from_secs(301));
    c.refresh().await.unwrap();
    let page = wait_text(c, "Dashboard").await;
    assert_ne!(expires(&page), first_expiry, "a new access token, no sign-in");
    assert_eq!(c.current_url().await.unwrap().as_str(), demo.url("/dashboard"));

    click(c, "form[action='/logout'] button").await;
    wait_url(c, &demo.url("/")).await;
    wait_text(c, "Sign in").await;
    screenshot(c, "demo-03-signed-out").await;
    c.goto(&demo.url("/dashboard")).await.unwrap();
    wait_url(c, &app.url("/login")).await;
    screenshot(c, "demo-04-asks-to-sign-in").await;
    browser.client.close().await.unwrap();
}

#[tokio::test]
async fn an_invitation_accepted_in_the_browser_lands_in_the_app_with_its_roles() {
    use hallpass_core::services::audit::Actor;
    use hallpass_core::services::{invitations, organizations, roles};
    let Some(browser) = browser().await else { return };
    let c = &browser.client;
    let app = TestApp::start().await;
    let demo = support::demo::Demo::start(&app).await;
    let ctx = app.state.ctx();
    let new_org = organizations::NewOrganization {
        name: "Acme".into(),
        ..Default::default()
    };
    let org = organizations::create_organization(ctx, new_org, &Actor::Cli)
        .await
        .unwrap();
    let editor = roles::NewRole {
        organization_id: Some(org.id.clone()),
        name: "editor".into(),
        description: None,
        permissions: vec!["documents:write".into()],
    };
    roles::create_role(ctx, editor, &Actor::Cli).await.unwrap();
    let invite = invitations::NewInvitation {
        email: "invitee@example.com".into(),
        roles: vec!["editor".into()],
        client_id: Some(demo.client.id.clone()),
    };
    let base = app.url("/invitations/accept?token=");
    let links = invitations::Links {
        base: &base,
        mailer: &app.state.hosted_pages().mail,
    };
    invitations::invite(ctx, &org.id, invite, &links, &Actor::Cli)
        .await
        .unwrap();
    let mail = app.mails().await.remove(0);
    let link = mail.text[mail.text.find("http").unwrap()..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();

    c.goto(&link).await.unwrap();
    wait_text(c, "Join Acme").await;
    screenshot(c, "invitation-01-accept").await;
    click(c, "form[action='/invitations/accept'] button").await;
    // Hallpass sends the invitee to the app's initiate-login URI; the app
    // starts its sign-in, which goes straight through.
    wait_url(c, &demo.url("/")).await;
    wait_text(c, "Signed in as").await;
    c.goto(&demo.url("/dashboard")).await.unwrap();
    let page = wait_text(c, "Dashboard").await;
    screenshot(c, "invitation-02-dashboard").await;
    assert!(page.contains("invitee@example.com"), "{page}");
    assert!(page.contains(org.id.as_str()), "the organization is in the token");
    assert!(page.contains("<dd id=\"roles\">editor</dd>"), "{page}");
    assert!(page.contains("documents:write"));
    browser.client.close().await.unwrap();
}

/// Hallpass with its issuer on `localhost`, so an IdP on `127.0.0.1` is another site; and that
/// base URL.
async fn app_on_localhost() -> (TestApp, String) {
    let app = TestApp::start_with(|config| {
        config.issuer = config.issuer.as_ref().map(|i| i.replace("127.0.0.1", "localhost"));
    })
    .await;
    let here = app.base.replace("127.0.0.1", "localhost");
    (app, here)
}

/// The organization "Acme".
async fn acme(app: &TestApp) -> hallpass_core::store::Organization {
    use hallpass_core::services::audit::Actor;
    use hallpass_core::services::organizations::{create_organization, NewOrganization};
    let new = NewOrganization {
        name: "Acme".into(),
        ..Default::default()
    };
    create_organization(app.state.ctx(), new, &Actor::Cli).await.unwrap()
}

/// A loopback port free a moment ago, for a stand-in IdP to listen on.
fn free_loopback_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The app redeems the code `authorize_url` led to at Hallpass (`here`): the claims of the ID
/// token and of the access token.
async fn redeem_code(
    here: &str,
    client: &support::app::RegisteredClient,
    code: &str,
) -> (serde_json::Value, serde_json::Value) {
    let tokens: serde_json::Value = reqwest::Client::new()
        .post(format!("{here}/oauth/token"))
        .basic_auth(&client.id, client.secret.as_deref())
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", "http://localhost:3000/callback"),
            ("code_verifier", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let claims = |name: &str| -> serde_json::Value {
        use base64::Engine;
        let token = tokens[name].as_str().unwrap_or_else(|| panic!("{tokens}"));
        let payload = token.split('.').nth(1).unwrap();
        serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(payload)
                .unwrap(),
        )
        .unwrap()
    };
    (claims("id_token"), claims("access_token"))
}

/// panva's oidc-provider (tests/sso_idp) on 127.0.0.1:`port`, installed
/// with `npm ci` on first use; `None` (loudly) without Node outside CI.
async fn oidc_provider(port: u16, redirect_uri: &str, secret: &str) -> Option<Child> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sso_idp");
    let unavailable = |why: String| {
        let message =
            format!("oidc-provider cannot run ({why}); the SSO browser test did NOT run (install nodejs and npm)");
        if hallpass_store_postgres::testing::in_ci() {
            panic!("{message} (under CI this is a failure)");
        }
        let _ = writeln!(std::io::stderr(), "\n!!!!!!!! {message} !!!!!!!!\n");
    };
    if !dir.join("node_modules/oidc-provider").exists() {
        let installed = Command::new("npm")
            .args(["ci", "--silent", "--no-audit", "--no-fund", "--prefer-offline"])
            .current_dir(&dir)
            .status()
            .await;
        if !matches!(installed, Ok(status) if status.success()) {
            unavailable(format!("npm ci in {}: {installed:?}", dir.display()));
            return None;
        }
    }
    let spawned = Command::new("node")
        .arg("idp.mjs")
        .current_dir(&dir)
        .env("IDP_PORT", port.to_string())
        .env("IDP_REDIRECT_URI", redirect_uri)
        .env("IDP_CLIENT_SECRET", secret)
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn();
    match spawned {
        Ok(child) => Some(until_listening(child, "oidc-provider").await),
        Err(err) => {
            unavailable(format!("node: {err}"));
            None
        }
    }
}

/// Waits until a stand-in IdP (`what`, spawned with its stdout piped) prints a line starting
/// with `listening`.
async fn until_listening(mut child: Child, what: &str) -> Child {
    use tokio::io::AsyncBufReadExt;
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let ready = tokio::time::timeout(support::EVENT_BOUND, async {
        while let Ok(Some(line)) = lines.next_line().await {
            if line.starts_with("listening") {
                return true;
            }
        }
        false
    })
    .await;
    assert!(matches!(ready, Ok(true)), "{what} did not start");
    // Keep draining its output so it never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    child
}

/// The whole flow with a real, certified OP upstream, in a real browser:
/// app → Hallpass (on `localhost`) → email first → oidc-provider (on
/// `127.0.0.1`, another site) → Hallpass → app; the tokens carry the
/// organization and `amr: ["sso"]`.
#[tokio::test]
async fn enterprise_sso_through_oidc_provider() {
    use hallpass_core::services::audit::Actor;
    use hallpass_core::services::connections::{create_connection, redirect_uri, ConnectionFields};
    let Some(browser) = browser().await else { return };
    let c = &browser.client;
    let (app, here) = app_on_localhost().await;
    let client = app.client(|_| {}).await;
    let ctx = app.state.ctx();
    let org = acme(&app).await;
    let idp_port = free_loopback_port();
    let secret = "oidc-provider-client-secret";
    let fields = ConnectionFields {
        kind: Some("oidc".into()),
        name: Some("Acme IdP".into()),
        domains: Some(vec!["acme.test".into()]),
        issuer: Some(format!("http://127.0.0.1:{idp_port}")),
        client_id: Some("hallpass".into()),
        client_secret: Some(secret.into()),
        ..Default::default()
    };
    let connection = create_connection(ctx, app.state.provider().master(), Some(&org.id), fields, &Actor::Cli)
        .await
        .unwrap();
    let callback = redirect_uri(&app.state.policy().issuer, &connection.id);
    let Some(_idp) = oidc_provider(idp_port, &callback, secret).await else {
        return;
    };

    let start = authorize_url(&app, &client.id).replace(&app.base, &here);
    c.goto(&start).await.unwrap();
    wait_text(c, "action=\"/login/sso\"").await;
    screenshot(c, "sso-01-email-first").await;
    fill(c, "#email", "ada@acme.test").await;
    click(c, "button[type=submit]").await;
    wait_url(c, &format!("http://127.0.0.1:{idp_port}/interaction/")).await;
    screenshot(c, "sso-02-idp-sign-in").await;
    fill(c, "input[name=password]", "anything").await;
    click(c, "button.login-submit").await;
    wait_text(c, "Continue").await;
    screenshot(c, "sso-03-idp-consent").await;
    click(c, "button.login-submit").await;
    let back = wait_for_callback(c).await;
    let query: std::collections::HashMap<String, String> = back.query_pairs().into_owned().collect();
    assert_eq!(query["state"], "browser-state");

    // The IdP's answer again (the back button): refused, on a page saying so.
    c.goto(&format!(
        "{here}/login/sso/{}/callback?code=used&state=used",
        connection.id
    ))
    .await
    .unwrap();
    wait_text(c, "This sign-in has expired").await;
    screenshot(c, "sso-04-replayed-callback").await;
    // A social connection shows as a button, on the sign-in page beside the email-first form.
    let social = ConnectionFields {
        kind: Some("github".into()),
        name: Some("GitHub".into()),
        client_id: Some("gh".into()),
        client_secret: Some("gh-secret".into()),
        ..Default::default()
    };
    create_connection(ctx, app.state.provider().master(), None, social, &Actor::Cli)
        .await
        .unwrap();
    c.goto(&format!("{here}/login")).await.unwrap();
    wait_text(c, "Continue with GitHub").await;
    screenshot(c, "sso-05-continue-with").await;

    let (id_token, access_token) = redeem_code(&here, &client, &query["code"]).await;
    assert_eq!(id_token["amr"], json!(["sso"]));
    assert_eq!(id_token["oid"], org.id.as_str());
    assert_eq!(access_token["oid"], org.id.as_str());
    assert_eq!(id_token["email"], "ada@acme.test");
    let identity = ctx.store.find_identity(&connection.id, "ada@acme.test").await.unwrap();
    assert!(identity.is_some(), "linked to oidc-provider's subject");
}
