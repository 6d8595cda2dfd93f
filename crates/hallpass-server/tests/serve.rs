//! `hallpass serve` end to end: the real binary on port 0.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use serde_json::Value;
use std::collections::BTreeSet;
use support::*;

async fn jwks_kids(server: &Server) -> BTreeSet<(String, String)> {
    let jwks: Value = http()
        .get(server.url("/.well-known/jwks.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["alg"].as_str().unwrap().to_owned(),
                k["kid"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn metrics(server: &Server) -> String {
    http()
        .get(server.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn zero_config_start_serves_health_readiness_metrics_and_keys() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[], &[]).await.unwrap();
    assert_eq!(server.announcement["mode"], "development");
    assert_eq!(server.announcement["getting_started"], true);
    assert!(dir.path().join("hallpass-data/hallpass.db").exists());
    let key_file = dir.path().join("hallpass-data/master.key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    let client = http();
    let health = client.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let ready = client
        .get(server.url("/readyz"))
        .header("x-request-id", "req-from-test")
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    let headers = ready.headers();
    assert_eq!(
        headers["x-request-id"], "req-from-test",
        "an incoming request id is kept"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert!(headers["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("frame-ancestors 'none'"));
    assert!(
        headers.get("strict-transport-security").is_none(),
        "no HSTS over plain http in development"
    );

    let missing = client.get(server.url("/no/such/page")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    assert!(
        !missing.headers()["x-request-id"].is_empty(),
        "a request id is made when none is sent"
    );
    let body: Value = missing.json().await.unwrap();
    assert_eq!(body["error"], "not_found");

    let metrics = metrics(&server).await;
    assert!(
        metrics.contains(r#"hallpass_http_requests_total{method="GET",route="/readyz",status="200"} 1"#),
        "{metrics}"
    );
    assert!(metrics.contains(r#"route="unmatched",status="404""#), "{metrics}");
    assert!(
        metrics.contains("hallpass_http_request_duration_seconds_bucket"),
        "{metrics}"
    );

    let kids = jwks_kids(&server).await;
    let algs: BTreeSet<_> = kids.iter().map(|(alg, _)| alg.as_str()).collect();
    assert_eq!(algs, BTreeSet::from(["ES256", "EdDSA", "RS256"]));

    let (status, _) = server.stop().await;
    assert!(status.success(), "SIGTERM is a graceful stop: {status:?}");

    // A second start finds its keys again (decrypted with the stored master key);
    // with an application registered, the getting-started banner is gone.
    run_ok_json(
        dir.path(),
        &[
            "clients",
            "create",
            "--name",
            "App",
            "--redirect-uri",
            "http://localhost:3000/cb",
            "--json",
        ],
    )
    .await;
    let again = Server::start(dir.path(), &[], &[]).await.unwrap();
    assert_eq!(again.announcement["getting_started"], false);
    assert_eq!(jwks_kids(&again).await, kids);
    again.stop().await;
}

#[tokio::test]
async fn made_up_methods_and_paths_do_not_grow_the_metrics() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[], &[]).await.unwrap();
    let client = http();
    for i in 0..20 {
        let method = format!("MADEUP{i}{}", "X".repeat(1000));
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        for path in ["/healthz".to_owned(), format!("/made/up/{i}")] {
            client.request(method.clone(), server.url(&path)).send().await.unwrap();
        }
        client.get(server.url(&format!("/made/up/{i}"))).send().await.unwrap();
    }
    let metrics = metrics(&server).await;
    assert!(!metrics.contains("MADEUP"), "a made-up method is no label");
    assert!(!metrics.contains("/made/up"), "a made-up path is no label");
    assert!(
        metrics.contains(r#"hallpass_http_requests_total{method="OTHER",route="/healthz",status="405"} 20"#),
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"hallpass_http_requests_total{method="GET",route="unmatched",status="404"} 20"#),
        "{metrics}"
    );
    assert!(metrics.len() < 20_000, "bounded: {} bytes", metrics.len());
    server.stop().await;
}

#[tokio::test]
async fn a_rotated_key_signs_next_while_the_old_one_stays_published() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[], &[]).await.unwrap();
    let before = jwks_kids(&server).await;
    server.stop().await;

    let rotated = run_ok_json(dir.path(), &["keys", "rotate", "--algorithm", "ES256", "--json"]).await;
    let new_kid = rotated["rotated"][0]["kid"].as_str().unwrap().to_owned();
    let listed = run_ok_json(dir.path(), &["keys", "list", "--json"]).await;
    let statuses: Vec<(String, String)> = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["alg"] == "ES256")
        .map(|k| {
            (
                k["kid"].as_str().unwrap().to_owned(),
                k["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(statuses.len(), 2);
    assert!(statuses.contains(&(new_kid.clone(), "active".to_owned())));
    assert!(listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|k| k["status"] == "retired" && k["unpublish_at"].is_string()));

    let server = Server::start(dir.path(), &[], &[]).await.unwrap();
    let after = jwks_kids(&server).await;
    assert!(before.is_subset(&after), "retired keys stay in the JWKS");
    assert!(after.contains(&("ES256".to_owned(), new_kid)));
    server.stop().await;

    let bad = run(dir.path(), &["keys", "rotate", "--algorithm", "HS256"]).await;
    assert_clean_failure(&bad, "HS256");
}

#[tokio::test]
async fn json_logs_carry_the_request_id() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &["--log-format", "json"], &[]).await.unwrap();
    http()
        .get(server.url("/healthz"))
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .unwrap();
    let (_, logs) = server.stop().await;
    let line = logs
        .lines()
        .find(|l| l.contains("trace-me-42"))
        .unwrap_or_else(|| panic!("no log line with the id: {logs}"));
    let parsed: Value = serde_json::from_str(line).unwrap();
    assert_eq!(parsed["span"]["request_id"], "trace-me-42");
}

#[tokio::test]
async fn a_port_in_use_fails_the_start_before_touching_data() {
    let dir = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().to_string();
    let out = run(dir.path(), &["serve", "--listen", &port]).await;
    assert_clean_failure(&out, "cannot listen on");
    assert!(
        !dir.path().join("hallpass-data").exists(),
        "a failed start creates nothing"
    );
}

#[tokio::test]
async fn bad_configuration_fails_with_one_line_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.toml"), "listen = \n").unwrap();
    assert_clean_failure(&run(dir.path(), &["serve", "--config", "bad.toml"]).await, "bad.toml");
    std::fs::write(dir.path().join("typo.toml"), "[tokens]\naccess_token_tll_secs = 60\n").unwrap();
    assert_clean_failure(
        &run(dir.path(), &["serve", "--config", "typo.toml"]).await,
        "access_token_tll_secs",
    );
    assert_clean_failure(
        &run(dir.path(), &["serve", "--config", "missing.toml"]).await,
        "does not exist",
    );
    assert_clean_failure(
        &run(dir.path(), &["serve", "--issuer", "http://auth.example.com"]).await,
        "must be https",
    );
    assert_clean_failure(&run(dir.path(), &["serve", "--listen", "localhost"]).await, "listen");
    assert!(
        !dir.path().join("hallpass-data").exists(),
        "a failed start creates nothing"
    );
}

#[tokio::test]
async fn an_unreachable_database_fails_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        dir.path(),
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            "postgres://postgres@127.0.0.1:1/none",
        ],
    )
    .await;
    assert_clean_failure(&out, "PostgreSQL");
    let out = run(
        dir.path(),
        &["serve", "--listen", "127.0.0.1:0", "--database-url", "mysql://x"],
    )
    .await;
    assert_clean_failure(&out, "database_url");
}

#[tokio::test]
async fn a_wrong_or_missing_master_key_fails_the_start_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[], &[]).await.unwrap();
    server.stop().await;
    let keys_before = run_ok_json(dir.path(), &["keys", "list", "--json"]).await;

    let other_key = "00".repeat(32);
    let out = hallpass(dir.path())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("HALLPASS_MASTER_KEY", &other_key)
        .output()
        .await
        .unwrap();
    assert_clean_failure(&out, "master key");
    let out = hallpass(dir.path())
        .args(["keys", "rotate"])
        .env("HALLPASS_MASTER_KEY", &other_key)
        .output()
        .await
        .unwrap();
    assert_clean_failure(&out, "master key");
    let out = hallpass(dir.path())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("HALLPASS_MASTER_KEY", "too-short")
        .output()
        .await
        .unwrap();
    assert_clean_failure(&out, "HALLPASS_MASTER_KEY");

    std::fs::rename(
        dir.path().join("hallpass-data/master.key"),
        dir.path().join("master.key.bak"),
    )
    .unwrap();
    let out = run(dir.path(), &["serve", "--listen", "127.0.0.1:0"]).await;
    assert_clean_failure(&out, "no master key was found");
    assert!(
        !dir.path().join("hallpass-data/master.key").exists(),
        "no new key was generated over the old data"
    );

    assert_eq!(
        run_ok_json(dir.path(), &["keys", "list", "--json"]).await,
        keys_before,
        "nothing changed"
    );
}

#[tokio::test]
async fn no_migrate_refuses_a_schema_that_is_behind() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["serve", "--listen", "127.0.0.1:0", "--no-migrate"]).await;
    assert_clean_failure(&out, "hallpass migrate");
    let migrated = run_ok_json(dir.path(), &["migrate", "--json"]).await;
    let carried = std::fs::read_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../hallpass-store-sqlite/migrations"
    ))
    .unwrap()
    .count();
    assert_eq!(migrated["applied"], carried, "every migration this build carries");
    assert_eq!(run_ok_json(dir.path(), &["migrate", "--json"]).await["applied"], 0);
    let server = Server::start(dir.path(), &["--no-migrate"], &[]).await.unwrap();
    assert_eq!(http().get(server.url("/readyz")).send().await.unwrap().status(), 200);
    server.stop().await;
}

#[tokio::test]
async fn serves_on_postgresql() {
    let Some(schema) = hallpass_store_postgres::testing::test_schema().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let url = schema.url_with_schema();
    let key = "11".repeat(32);
    let server = Server::start(
        dir.path(),
        &["--database-url", &url],
        &[("HALLPASS_MASTER_KEY", key.as_str())],
    )
    .await
    .unwrap();
    assert!(server.announcement["database"]
        .as_str()
        .unwrap()
        .starts_with("PostgreSQL"));
    assert_eq!(http().get(server.url("/readyz")).send().await.unwrap().status(), 200);
    assert_eq!(jwks_kids(&server).await.len(), 3);
    let (status, _) = server.stop().await;
    assert!(status.success());
    assert!(
        !dir.path().join("hallpass-data/master.key").exists(),
        "a configured master key is not written to disk"
    );
    schema.drop_schema().await;
}

#[tokio::test]
async fn sigterm_lets_an_in_flight_request_finish_then_exits_zero() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = tempfile::tempdir().unwrap();
    // At debug level the trace layer logs each request as its handler starts.
    let env = [("RUST_LOG", "info,tower_http=debug")];
    let mut server = Server::start(dir.path(), &[], &env).await.unwrap();
    let mut stream = tokio::net::TcpStream::connect(server.base.trim_start_matches("http://"))
        .await
        .unwrap();
    // A POST whose body has only half arrived: in flight when the signal comes.
    let body = "grant_type=client_credentials";
    let head = format!(
        "POST /oauth/token HTTP/1.1\r\nHost: test\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let (first_half, second_half) = body.split_at(body.len() / 2);
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(first_half.as_bytes()).await.unwrap();
    server.logged("started processing request").await;
    std::process::Command::new("kill")
        .args(["-TERM", &server.pid().to_string()])
        .status()
        .unwrap();
    server.logged("shutting down").await;
    stream.write_all(second_half.as_bytes()).await.unwrap();
    let mut response = String::new();
    tokio::time::timeout(EVENT_BOUND, stream.read_to_string(&mut response))
        .await
        .expect("the answer comes")
        .unwrap();
    // The whole body was read and the handler answered: no client, so 401.
    assert!(response.starts_with("HTTP/1.1 401"), "{response}");
    assert!(response.contains("invalid_client"), "{response}");
    let (status, logs) = server.wait().await;
    assert!(status.success(), "{status:?}");
    assert!(logs.contains("stopped"), "{logs}");
}
