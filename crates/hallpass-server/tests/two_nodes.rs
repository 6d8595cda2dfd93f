//! Two `hallpass serve` processes on one PostgreSQL database: a sign-in on
//! node A is finished, refreshed and logged out on node B, and A sees the
//! logout at once; a key rotated on one node is served and trusted by both.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use serde_json::Value;
use std::collections::HashMap;
use support::*;

const REDIRECT: &str = "http://localhost:3000/callback";
/// The name both nodes answer as, as behind one proxy: each listens on a port of its own.
const ISSUER_HOST: &str = "localhost:8080";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

async fn token(node: &Server, client: &Value, form: &[(&str, &str)]) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(node.url("/oauth/token"))
        .basic_auth(client["client_id"].as_str().unwrap(), client["client_secret"].as_str())
        .form(form)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

async fn introspect(node: &Server, client: &Value, token: &str) -> bool {
    let body: Value = reqwest::Client::new()
        .post(node.url("/oauth/introspect"))
        .basic_auth(client["client_id"].as_str().unwrap(), client["client_secret"].as_str())
        .form(&[("token", token)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["active"].as_bool().unwrap()
}

async fn kids(node: &Server) -> Vec<String> {
    let jwks: Value = reqwest::get(node.url("/.well-known/jwks.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_share_sessions_logouts_and_keys() {
    let Some(schema) = hallpass_store_postgres::testing::test_schema().await else {
        return;
    };
    let url = schema.url_with_schema();
    let key = "22".repeat(32);
    let issuer = format!("http://{ISSUER_HOST}");
    let env = [
        ("HALLPASS_ISSUER", issuer.as_str()),
        ("HALLPASS_DATABASE_URL", url.as_str()),
        ("HALLPASS_MASTER_KEY", key.as_str()),
        ("HALLPASS_TOKENS__KEY_RELOAD_SECS", "1"),
        // Each reload is logged with the key ids it loaded.
        ("RUST_LOG", "info,hallpass_server::provider=debug"),
    ];
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut a = Server::start(dir_a.path(), &[], &env).await.unwrap();
    let b = Server::start(dir_b.path(), &[], &env).await.unwrap();
    let web = run_json_with(
        dir_a.path(),
        &env,
        &[
            "clients",
            "create",
            "--name",
            "web",
            "--redirect-uri",
            REDIRECT,
            "--json",
        ],
        "",
    )
    .await;
    let ops = run_json_with(
        dir_b.path(),
        &env,
        &["clients", "create", "--name", "ops", "--admin", "--json"],
        "",
    )
    .await;
    let (_, admin) = token(&a, &ops, &[("grant_type", "client_credentials")]).await;
    let admin = admin["access_token"].as_str().unwrap().to_owned();
    let created = reqwest::Client::new()
        .post(b.url("/api/v1/users"))
        .bearer_auth(&admin)
        .json(&serde_json::json!({"email": "ada@example.com", "password": "two nodes, one database", "email_verified": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201, "a token from A works on B");

    // Sign in on A; exchange the code on B.
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let html = browser
        .get(a.url("/login"))
        .header("host", ISSUER_HOST)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let signed_in = browser
        .post(a.url("/login"))
        .header("host", ISSUER_HOST)
        .form(&[
            ("csrf", hidden(&html, "csrf").as_str()),
            ("email", "ada@example.com"),
            ("password", "two nodes, one database"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 303);
    let authorize = url::Url::parse_with_params(
        &a.url("/oauth/authorize"),
        &[
            ("response_type", "code"),
            ("client_id", web["client_id"].as_str().unwrap()),
            ("redirect_uri", REDIRECT),
            ("scope", "openid offline_access"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ],
    )
    .unwrap();
    let back = browser.get(authorize).send().await.unwrap();
    let query: HashMap<String, String> = url::Url::parse(back.headers()["location"].to_str().unwrap())
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    let (status, tokens) = token(
        &b,
        &web,
        &[
            ("grant_type", "authorization_code"),
            ("code", &query["code"]),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(status, 200, "{tokens}");

    // Refresh on B, log out on B: A refuses the session at once.
    let (status, refreshed) = token(
        &b,
        &web,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(status, 200, "{refreshed}");
    let access = refreshed["access_token"].as_str().unwrap();
    assert!(introspect(&a, &web, access).await, "A trusts B's token");
    // The browser's cookie (cookies ignore the port) and its own ID token:
    // the logout ends at once.
    let logout = browser
        .get(b.url("/oidc/logout"))
        .query(&[("id_token_hint", refreshed["id_token"].as_str().unwrap())])
        .send()
        .await
        .unwrap();
    assert!(logout.status().is_success() || logout.status().is_redirection());
    assert!(
        !introspect(&a, &web, access).await,
        "A sees the logout made on B at once"
    );
    let (status, refused) = token(
        &a,
        &web,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refreshed["refresh_token"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!((status, refused["error"].as_str()), (400, Some("invalid_grant")));

    // Rotate on B: A publishes and trusts the new key within its reload interval.
    let before = kids(&a).await;
    let rotated: Value = reqwest::Client::new()
        .post(b.url("/api/v1/keys/rotate"))
        .bearer_auth(&admin)
        .json(&serde_json::json!({"algorithm": "ES256"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let new_kid = rotated["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["alg"] == "ES256" && k["status"] == "active")
        .unwrap()["kid"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(!before.contains(&new_kid));
    assert!(kids(&b).await.contains(&new_kid), "B serves its new key at once");
    a.logged(&new_kid).await;
    assert!(kids(&a).await.contains(&new_kid), "A serves the key rotated on B");
    let (_, machine) = token(&b, &ops, &[("grant_type", "client_credentials")]).await;
    let signed = machine["access_token"].as_str().unwrap();
    let header = hallpass_core::crypto::jws::parse(signed).unwrap().header;
    assert_eq!(
        header.kid.as_deref(),
        Some(new_kid.as_str()),
        "B signs with the new key"
    );
    assert!(
        introspect(&a, &ops, signed).await,
        "A trusts what B signs with the new key"
    );
    a.stop().await;
    b.stop().await;
    schema.drop_schema().await;
}
