//! Hallpass as the upstream IdP of another Hallpass: two servers, each on
//! its own host name, the second signing its users in through the first
//! with nothing but a connection of type `oidc`. The upstream one is the
//! real binary in a process of its own, set up with its own CLI.

use super::*;
use hallpass_core::services::connections::{redirect_uri, update_connection};
use hallpass_core::services::organizations::{create_organization, NewOrganization};

/// Follows redirects wherever they lead until one leaves for the app (or a
/// page answers): that page and the URL it was at, or the app's callback.
async fn travel(browser: &reqwest::Client, mut url: String) -> (reqwest::Response, String) {
    for _ in 0..20 {
        let response = browser.get(&url).send().await.unwrap();
        if !response.status().is_redirection() {
            return (response, url);
        }
        let next = Url::parse(&url)
            .unwrap()
            .join(&location(&response))
            .unwrap()
            .to_string();
        if next.starts_with(REDIRECT) {
            return (response, next);
        }
        url = next;
    }
    panic!("a redirect loop");
}

#[tokio::test]
async fn hallpass_signs_in_through_another_hallpass() {
    let upstream_dir = tempfile::tempdir().unwrap();
    let upstream = support::Server::start(upstream_dir.path(), &[], &[]).await.unwrap();
    let password = "correct horse battery staple";
    support::run_json_with(
        upstream_dir.path(),
        &[],
        &[
            "users",
            "create",
            "--email",
            "ada@acme.test",
            "--password-stdin",
            "--email-verified",
            "--json",
        ],
        &format!("{password}\n"),
    )
    .await;
    // The upstream answers as localhost (its development issuer), this one as 127.0.0.1.
    let up = upstream.announcement["issuer"].as_str().unwrap().to_owned();
    let app = TestApp::start().await;
    let here = app.base.clone();
    let client = app.client(|_| {}).await;
    let ctx = app.state.ctx();
    let master = app.state.provider().master();
    let org = create_organization(
        ctx,
        NewOrganization {
            name: "Acme".into(),
            ..Default::default()
        },
        &Actor::Cli,
    )
    .await
    .unwrap();
    let fields = ConnectionFields {
        kind: Some("oidc".into()),
        name: Some("Upstream Hallpass".into()),
        domains: Some(vec!["acme.test".into()]),
        issuer: Some(up.clone()),
        client_id: Some("registered-below".into()),
        client_secret: Some("registered-below".into()),
        ..Default::default()
    };
    let connection = create_connection(ctx, master, Some(&org.id), fields, &Actor::Cli)
        .await
        .unwrap();
    let callback = redirect_uri(&app.state.policy().issuer, &connection.id);
    let registered = support::run_json_with(
        upstream_dir.path(),
        &[],
        &[
            "clients",
            "create",
            "--name",
            "downstream",
            "--redirect-uri",
            &callback,
            "--json",
        ],
        "",
    )
    .await;
    let credentials = ConnectionFields {
        client_id: registered["client_id"].as_str().map(str::to_owned),
        client_secret: registered["client_secret"].as_str().map(str::to_owned),
        ..Default::default()
    };
    update_connection(ctx, master, &connection.id, credentials, &Actor::Cli)
        .await
        .unwrap();

    let browser = browser();
    let start = Url::parse_with_params(
        &format!("{here}/oauth/authorize"),
        &[
            ("response_type", "code"),
            ("client_id", client.id.as_str()),
            ("redirect_uri", REDIRECT),
            ("scope", "openid email profile"),
            ("state", "app-state"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
            ("login_hint", "ada@acme.test"),
        ],
    )
    .unwrap();
    // Domain discovery by login_hint, then the upstream Hallpass's sign-in page.
    let (page, at) = travel(&browser, start.to_string()).await;
    assert!(at.starts_with(&format!("{up}/login?")), "{at}");
    let html = page.text().await.unwrap();
    let form = [
        ("csrf", support::hidden(&html, "csrf")),
        ("return_to", support::hidden(&html, "return_to")),
        ("email", "ada@acme.test".to_owned()),
        ("password", password.to_owned()),
    ];
    let signed_in = browser.post(format!("{up}/login")).form(&form).send().await.unwrap();
    assert_eq!(signed_in.status(), 303);
    let next = format!("{up}{}", location(&signed_in));
    let (response, out) = travel(&browser, next).await;
    assert!(out.starts_with(REDIRECT), "{} {out}", response.status());
    let code: String = Url::parse(&out)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .unwrap();

    let w = World {
        app,
        client,
        idp: FakeIdp::start().await,
    };
    let (id_token, access_token) = w.tokens(&code).await;
    assert_eq!(id_token["amr"], json!(["sso"]));
    assert_eq!(id_token["oid"], org.id.as_str());
    assert_eq!(access_token["oid"], org.id.as_str());
    assert_eq!(id_token["email"], "ada@acme.test");
    assert_eq!(id_token["email_verified"], true);
    upstream.stop().await;
}
