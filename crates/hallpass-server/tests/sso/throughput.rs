//! The Hallpass side of an SSO sign-in under load: the real binary (release)
//! pinned to one core, the stand-in IdP and the load on the other. Run by
//! `scripts/bench-sso.sh`; ignored in the ordinary test run.

use super::*;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn cookie(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .and_then(|v| v.split(';').next())
        .unwrap_or_else(|| panic!("no {name} cookie"))
        .to_owned()
}

async fn one_sign_in(http: &reqwest::Client, base: &str, authorize: &str, idp: &FakeIdp, sub: &str, secret: &str) {
    let to_sso = http.get(authorize).send().await.unwrap();
    assert_eq!(to_sso.status(), 302);
    let start = http.get(format!("{base}{}", location(&to_sso))).send().await.unwrap();
    assert_eq!(start.status(), 303);
    let flow = cookie(&start, "hallpass_sso");
    let now = hallpass_core::clock::Clock::now(&hallpass_core::clock::SystemClock).0;
    let callback = idp.grant(
        &location(&start),
        now,
        json!({ "sub": sub, "email": format!("{sub}@acme.test") }),
    );
    let back = http.get(&callback).header("cookie", &flow).send().await.unwrap();
    assert_eq!(back.status(), 303, "{}", back.text().await.unwrap());
    let session = cookie(&back, "hallpass_session");
    let to_app = http
        .get(format!("{base}{}", location(&back)))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    let out = location(&to_app);
    let code = Url::parse(&out)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let tokens = http
        .post(format!("{base}/oauth/token"))
        .basic_auth(secret.split(':').next().unwrap(), secret.split(':').nth(1))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(tokens.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: scripts/bench-sso.sh runs it in release, pinned"]
async fn sso_sign_in_throughput() {
    let seconds: u64 = std::env::var("SSO_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let workers: usize = std::env::var("SSO_BENCH_WORKERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(32);
    let idp = FakeIdp::start().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let org = support::run_ok_json(d, &["orgs", "create", "--name", "Acme", "--json"]).await;
    let create = [
        "connections",
        "create",
        "--type",
        "oidc",
        "--org",
        org["id"].as_str().unwrap(),
        "--name",
        "Acme",
        "--issuer",
        &idp.base,
        "--client-id",
        idp::CLIENT_ID,
        "--client-secret-stdin",
        "--domain",
        "acme.test",
        "--json",
    ];
    let connection = support::run_json_with(d, &[], &create, &format!("{}\n", idp::CLIENT_SECRET)).await;
    let client = support::run_ok_json(
        d,
        &[
            "clients",
            "create",
            "--name",
            "App",
            "--redirect-uri",
            REDIRECT,
            "--json",
        ],
    )
    .await;
    let credentials = format!(
        "{}:{}",
        client["client_id"].as_str().unwrap(),
        client["client_secret"].as_str().unwrap()
    );
    let pin = std::env::var("SSO_BENCH_SERVER_CPU").unwrap_or_else(|_| "0".into());
    let mut server = tokio::process::Command::new("taskset");
    server
        .args([
            "-c",
            &pin,
            support::BIN,
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--issuer",
            &base,
        ])
        .current_dir(d)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true);
    let _server = server.spawn().unwrap();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for _ in 0..200 {
        if http
            .get(format!("{base}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let authorize = Url::parse_with_params(
        &format!("{base}/oauth/authorize"),
        &[
            ("response_type", "code"),
            ("client_id", client["client_id"].as_str().unwrap()),
            ("redirect_uri", REDIRECT),
            ("scope", "openid email"),
            ("state", "s"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
            ("connection_id", connection["id"].as_str().unwrap()),
        ],
    )
    .unwrap()
    .to_string();
    // Warm up: the discovery document, the keys, the first users.
    for i in 0..20 {
        one_sign_in(&http, &base, &authorize, &idp, &format!("u{i}"), &credentials).await;
    }
    let done = Arc::new(AtomicU64::new(0));
    let busy_before = idp.busy();
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for w in 0..workers {
        let (http, base, authorize, idp, credentials, done) = (
            http.clone(),
            base.clone(),
            authorize.clone(),
            idp.clone(),
            credentials.clone(),
            done.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut i = 0u64;
            while Instant::now() < deadline {
                let sub = format!("u{}", (w as u64 * 7919 + i) % 1000);
                one_sign_in(&http, &base, &authorize, &idp, &sub, &credentials).await;
                done.fetch_add(1, Ordering::Relaxed);
                i += 1;
                if i.is_multiple_of(1000) {
                    idp.forget_requests();
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let elapsed = started.elapsed().as_secs_f64();
    let count = done.load(Ordering::Relaxed);
    let idp_ms = (idp.busy() - busy_before).as_secs_f64() * 1000.0 / count as f64;
    let rate = count as f64 / elapsed;
    println!(
        "SSO sign-ins: {count} in {elapsed:.1} s = {rate:.0}/s (Hallpass on CPU {pin}, {workers} concurrent); the IdP spent {idp_ms:.2} ms per sign-in answering (token endpoint: RS256 ID token)"
    );
}
