//! Development mode with the real binary: it listens on this machine only, its
//! issuer follows the listen address unless one is configured, and its hosted
//! pages and outbox answer only under the issuer's name.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::Value;
use support::*;

fn port(server: &Server) -> u16 {
    let address: std::net::SocketAddr = server.announcement["address"].as_str().unwrap().parse().unwrap();
    address.port()
}

#[tokio::test]
async fn development_refuses_to_listen_beyond_this_machine() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["serve", "--listen", "0.0.0.0:0"][..],
        &["serve", "--listen", "[::]:0", "--issuer", "http://localhost:8080"][..],
    ] {
        // A start that wrongly succeeds would serve until killed: bound the wait.
        let out = tokio::time::timeout(std::time::Duration::from_secs(60), run(dir.path(), args))
            .await
            .unwrap_or_else(|_| panic!("{args:?} started instead of refusing"));
        assert_clean_failure(&out, "loopback");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("https issuer"),
            "the error says how to serve the network: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(
        !dir.path().join("hallpass-data").exists(),
        "a refused start creates nothing"
    );
}

#[tokio::test]
async fn without_a_configured_issuer_it_follows_the_listen_port() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[], &[]).await.unwrap();
    let issuer = format!("http://localhost:{}", port(&server));
    assert_eq!(server.announcement["issuer"], issuer.as_str());
    assert_eq!(server.announcement["mode"], "development");

    let discovery: Value = http()
        .get(server.url("/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(discovery["issuer"], issuer.as_str());
    assert_eq!(discovery["token_endpoint"], format!("{issuer}/oauth/token").as_str());

    let client = run_ok_json(dir.path(), &["clients", "create", "--name", "ops", "--admin", "--json"]).await;
    let tokens: Value = http()
        .post(server.url("/oauth/token"))
        .basic_auth(client["client_id"].as_str().unwrap(), client["client_secret"].as_str())
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let payload = tokens["access_token"].as_str().unwrap().split('.').nth(1).unwrap();
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    assert_eq!(claims["iss"], issuer.as_str());

    let (_, logs) = server.stop().await;
    assert!(!logs.contains("WARN"), "no warning without a configured issuer: {logs}");
}

#[tokio::test]
async fn a_configured_issuer_wins_and_a_port_it_does_not_listen_on_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &["--issuer", "http://localhost:8080"], &[])
        .await
        .unwrap();
    assert_eq!(server.announcement["issuer"], "http://localhost:8080");
    let listening = server.announcement["address"].as_str().unwrap().to_owned();
    let (_, logs) = server.stop().await;
    let warnings: Vec<&str> = logs.lines().filter(|l| l.contains("WARN")).collect();
    assert_eq!(warnings.len(), 1, "one warning: {logs}");
    assert!(
        warnings[0].contains("http://localhost:8080") && warnings[0].contains(&listening),
        "the warning names both: {}",
        warnings[0]
    );
}

#[tokio::test]
async fn hosted_pages_and_the_outbox_answer_only_under_the_issuers_name() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[], &[]).await.unwrap();
    let port = port(&server);
    let get = |path: &str, host: Option<String>| {
        let mut request = http().get(server.url(path));
        if let Some(host) = host {
            request = request.header("host", host);
        }
        request.send()
    };
    for path in ["/login", "/dev/outbox.json"] {
        for foreign in [format!("evil.example:{port}"), format!("localhost:{}", port ^ 1)] {
            let refused = get(path, Some(foreign.clone())).await.unwrap();
            assert_eq!(refused.status(), 421, "{path} under {foreign}");
            let body = refused.text().await.unwrap();
            assert!(
                body.contains(&format!("http://localhost:{port}{path}")),
                "says where to go: {body}"
            );
        }
        for own in [None, Some(format!("localhost:{port}")), Some(format!("[::1]:{port}"))] {
            let served = get(path, own.clone()).await.unwrap();
            assert_eq!(served.status(), 200, "{path} under {own:?}");
        }
    }
    let discovery = get("/.well-known/openid-configuration", Some("evil.example".into()))
        .await
        .unwrap();
    assert_eq!(discovery.status(), 200, "the Host rule is for the browser pages only");
    server.stop().await;
}
