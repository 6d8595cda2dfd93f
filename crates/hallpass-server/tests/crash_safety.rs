//! Crash safety: under refresh and sign-in load the server is killed with
//! SIGKILL, right after a set number of answers, and started again. Every refresh token and session acknowledged
//! before the kill still works; no token rotated away works again. On SQLite
//! and on PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::*;

const REDIRECT: &str = "http://localhost:3000/callback";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const PASSWORD: &str = "survives a crash, surely";
const FAMILIES: usize = 8;
/// The kill comes right after this many refreshes and sign-ins were
/// answered (the resting families' 80 refreshes and as many again from the
/// busy ones), so the server was doing work up to the kill, not stalled.
const KILL_AFTER_ROTATIONS: usize = 150;
const KILL_AFTER_SIGN_INS: usize = 3;

/// What the clients were told before the kill.
#[derive(Debug, Default)]
struct Acknowledged {
    /// Per family: the newest refresh token, those rotated away, and whether
    /// a request was cut off mid-way (its outcome is unknown).
    families: Vec<(String, Vec<String>, bool)>,
    session_cookies: Vec<String>,
}

fn plain() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("hallpass_session="))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

/// A password sign-in on the hosted page: the session cookie, if one was
/// set (`Err` once the server is gone).
async fn sign_in(base: &str) -> Result<Option<String>, reqwest::Error> {
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let html = browser.get(format!("{base}/login")).send().await?.text().await?;
    if !html.contains("name=\"csrf\"") {
        return Ok(None); // a page cut off by the kill
    }
    let response = browser
        .post(format!("{base}/login"))
        .form(&[
            ("csrf", hidden(&html, "csrf").as_str()),
            ("email", "crash@example.com"),
            ("password", PASSWORD),
        ])
        .send()
        .await?;
    Ok(session_cookie(&response))
}

async fn refresh(base: &str, client: &Value, token: &str) -> Result<(u16, Value), reqwest::Error> {
    let response = plain()
        .post(format!("{base}/oauth/token"))
        .basic_auth(client["client_id"].as_str().unwrap(), client["client_secret"].as_str())
        .form(&[("grant_type", "refresh_token"), ("refresh_token", token)])
        .send()
        .await?;
    Ok((response.status().as_u16(), response.json().await?))
}

/// A new refresh-token family for the signed-in browser.
async fn family(base: &str, client: &Value, cookie: &str) -> String {
    let authorize = url::Url::parse_with_params(
        &format!("{base}/oauth/authorize"),
        &[
            ("response_type", "code"),
            ("client_id", client["client_id"].as_str().unwrap()),
            ("redirect_uri", REDIRECT),
            ("scope", "openid offline_access"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ],
    )
    .unwrap();
    let back = plain().get(authorize).header("cookie", cookie).send().await.unwrap();
    let query: HashMap<String, String> = url::Url::parse(back.headers()["location"].to_str().unwrap())
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    let tokens: Value = plain()
        .post(format!("{base}/oauth/token"))
        .basic_auth(client["client_id"].as_str().unwrap(), client["client_secret"].as_str())
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", query["code"].as_str()),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    tokens["refresh_token"].as_str().unwrap().to_owned()
}

async fn kill_under_load(dir: &Path, env: &[(&str, &str)]) {
    let server = Server::start(dir, &[], env).await.unwrap();
    let client = run_json_with(
        dir,
        env,
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
    run_json_with(
        dir,
        env,
        &[
            "users",
            "create",
            "--email",
            "crash@example.com",
            "--password-stdin",
            "--email-verified",
            "--json",
        ],
        &format!("{PASSWORD}\n"),
    )
    .await;
    let base = server.url("");
    let acked = Arc::new(Mutex::new(Acknowledged::default()));
    // Acknowledged so far, for the kill to wait on: rotations, sign-ins, and
    // families done with their twenty refreshes.
    let (progress, mut progressed) = tokio::sync::watch::channel((0usize, 0usize, 0usize));
    let progress = Arc::new(progress);
    for _ in 0..FAMILIES {
        // A session each: reusing a rotated token ends its whole session.
        let cookie = sign_in(&base).await.unwrap().expect("signed in");
        let token = family(&base, &client, &cookie).await;
        acked.lock().unwrap().families.push((token, Vec::new(), false));
    }

    // Load: half the families refresh until the kill (each has a request cut
    // off, whose outcome is unknown); the other half refresh twenty times and
    // rest, so their newest token is known to be acknowledged. One task signs
    // in over and over.
    let mut load = Vec::new();
    for i in 0..FAMILIES {
        let (acked, client, base, progress) = (acked.clone(), client.clone(), base.clone(), progress.clone());
        let rounds = if i % 2 == 0 { usize::MAX } else { 20 };
        load.push(tokio::spawn(async move {
            for _ in 0..rounds {
                let current = acked.lock().unwrap().families[i].0.clone();
                match refresh(&base, &client, &current).await {
                    Ok((200, body)) => {
                        let mut acked = acked.lock().unwrap();
                        let family = &mut acked.families[i];
                        family.1.push(std::mem::replace(
                            &mut family.0,
                            body["refresh_token"].as_str().unwrap().to_owned(),
                        ));
                        progress.send_modify(|p| p.0 += 1);
                    }
                    Ok((status, body)) => panic!("refresh answered {status}: {body}"),
                    Err(err) => {
                        // A request that never connected changed nothing; one cut off may have.
                        acked.lock().unwrap().families[i].2 = !err.is_connect();
                        return;
                    }
                }
            }
            progress.send_modify(|p| p.2 += 1);
        }));
    }
    {
        let (acked, base, progress) = (acked.clone(), base.clone(), progress.clone());
        load.push(tokio::spawn(async move {
            while let Ok(signed_in) = sign_in(&base).await {
                // Only a session whose cookie came back was acknowledged.
                if let Some(cookie) = signed_in {
                    acked.lock().unwrap().session_cookies.push(cookie);
                    progress.send_modify(|p| p.1 += 1);
                }
            }
        }));
    }
    let busy = progressed.wait_for(|(rotations, sign_ins, rested)| {
        *rotations >= KILL_AFTER_ROTATIONS && *sign_ins >= KILL_AFTER_SIGN_INS && *rested == FAMILIES / 2
    });
    let reached = tokio::time::timeout(EVENT_BOUND, busy).await.map(|p| p.map(|p| *p));
    assert!(
        matches!(reached, Ok(Ok(_))),
        "the server stopped answering under load: {:?} after {EVENT_BOUND:?}",
        *progressed.borrow()
    );
    let killed = std::process::Command::new("kill")
        .args(["-KILL", &server.pid().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let (status, _) = server.wait().await;
    assert!(!status.success(), "killed, not stopped");
    for task in load {
        task.await.unwrap();
    }

    let server = Server::start(dir, &[], env).await.unwrap();
    let base = server.url("");
    let acked = std::mem::take(&mut *acked.lock().unwrap());
    let rotations: usize = acked.families.iter().map(|f| f.1.len()).sum();
    assert!(rotations >= KILL_AFTER_ROTATIONS, "the load ran: {rotations} rotations");
    assert!(acked.session_cookies.len() >= KILL_AFTER_SIGN_INS, "and signed in");
    let mut strict = 0;
    for (newest, _, cut_off) in &acked.families {
        let (status, body) = refresh(&base, &client, newest).await.unwrap();
        if *cut_off {
            assert!(status == 200 || status == 400, "{status} {body}");
        } else {
            strict += 1;
            assert_eq!(status, 200, "an acknowledged refresh token survives the crash: {body}");
        }
    }
    assert!(
        strict >= FAMILIES / 2,
        "the resting families were checked strictly ({strict})"
    );
    for cookie in &acked.session_cookies {
        let account = plain()
            .get(format!("{base}/account"))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(account.status(), 200, "an acknowledged session survives the crash");
    }
    for (_, retired, _) in &acked.families {
        for token in retired.iter().rev().take(3) {
            let (status, body) = refresh(&base, &client, token).await.unwrap();
            assert_eq!(
                (status, body["error"].as_str()),
                (400, Some("invalid_grant")),
                "a rotated-away token stays dead"
            );
        }
    }
    server.stop().await;
}

fn load_env<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut env = vec![
        // Reuse of a rotated token is refused outright here, so the check is strict.
        ("HALLPASS_SESSIONS__REFRESH_REUSE_GRACE_SECS", "0"),
        ("HALLPASS_LIMITS__FAILURES_PER_IP_PER_HOUR", "1000000"),
        ("HALLPASS_LIMITS__FAILURES_PER_ACCOUNT_PER_HOUR", "1000000"),
    ];
    env.extend_from_slice(extra);
    env
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_keeps_everything_acknowledged_across_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    kill_under_load(dir.path(), &load_env(&[])).await;
}

/// Group commit (writes queued together share one fsync) answers none of
/// them before the commit: what was acknowledged is there after the kill.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_at_power_loss_durability_keeps_everything_acknowledged_across_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    kill_under_load(
        dir.path(),
        &load_env(&[("HALLPASS_DATABASE__SQLITE_DURABILITY", "power_loss")]),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_keeps_everything_acknowledged_across_sigkill() {
    let Some(schema) = hallpass_store_postgres::testing::test_schema().await else {
        return;
    };
    let url = schema.url_with_schema();
    let key = "33".repeat(32);
    let dir = tempfile::tempdir().unwrap();
    let env = load_env(&[
        ("HALLPASS_DATABASE_URL", url.as_str()),
        ("HALLPASS_MASTER_KEY", key.as_str()),
    ]);
    kill_under_load(dir.path(), &env).await;
    schema.drop_schema().await;
}
