//! Password forms cannot be used to burn the server's CPU: Argon2id runs off
//! the async workers, one hash per core at a time; a reset link is looked up
//! before any hashing; and both forms are rate-limited.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::{Duration, Instant};
use support::app::TestApp;
use support::{hidden, http};

/// The CSRF token of a page, for the browser holding `cookie`.
async fn csrf(app: &TestApp, page: &str, cookie: &str) -> String {
    let html = http()
        .get(app.url(page))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    hidden(&html, "csrf")
}

async fn post(app: &TestApp, path: &str, cookie: &str, csrf: &str, form: &[(&str, &str)]) -> u16 {
    let mut fields = vec![("csrf", csrf)];
    fields.extend_from_slice(form);
    http()
        .post(app.url(path))
        .header("cookie", format!("{cookie}; hallpass_csrf={csrf}"))
        .form(&fields)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// The slowest `/healthz` answer while `flood` runs.
async fn slowest_health_check_during(app: &TestApp, flood: Vec<tokio::task::JoinHandle<u16>>) -> (Duration, Vec<u16>) {
    let mut slowest = Duration::ZERO;
    while !flood.iter().all(|task| task.is_finished()) {
        let started = Instant::now();
        let status = http().get(app.url("/healthz")).send().await.unwrap().status();
        assert_eq!(status, 200);
        slowest = slowest.max(started.elapsed());
    }
    let mut statuses = Vec::new();
    for task in flood {
        statuses.push(task.await.unwrap());
    }
    (slowest, statuses)
}

/// What the server may take to answer a health check while hashing: far
/// below one Argon2id hash held on a worker (the flood queues 24 of them).
const HEALTHY: Duration = Duration::from_millis(250);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_password_changes_does_not_stall_other_requests() {
    // Every one of the 24 is hashed: the limits would otherwise delay most.
    let app = TestApp::start_with(|c| c.limits.failures_before_delay = 24).await;
    let user = app
        .user_with_password("flood@example.com", "the right pass phrase")
        .await;
    let (token, _) = app.sign_in(&user).await;
    let cookie = app.cookie(&token);
    let csrf = csrf(&app, "/account", &cookie).await;
    let flood: Vec<_> = (0..24)
        .map(|_| {
            let (base, cookie, csrf) = (app.base.clone(), cookie.clone(), csrf.clone());
            tokio::spawn(async move {
                let app_url = format!("{base}/account/password");
                http()
                    .post(app_url)
                    .header("cookie", format!("{cookie}; hallpass_csrf={csrf}"))
                    .form(&[
                        ("csrf", csrf.as_str()),
                        ("current_password", "not the pass phrase"),
                        ("new_password", "a new pass phrase"),
                    ])
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let (slowest, statuses) = slowest_health_check_during(&app, flood).await;
    assert!(
        statuses.iter().all(|s| *s == 422),
        "each wrong password is refused: {statuses:?}"
    );
    assert!(
        slowest < HEALTHY,
        "/healthz took {slowest:?} while passwords were checked"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn made_up_reset_links_cost_no_hashing() {
    let app = TestApp::start().await;
    let csrf = csrf(&app, "/password/forgot", "").await;
    let flood: Vec<_> = (0..40)
        .map(|i| {
            let (base, csrf) = (app.base.clone(), csrf.clone());
            tokio::spawn(async move {
                http()
                    .post(format!("{base}/password/reset"))
                    .header("cookie", format!("hallpass_csrf={csrf}"))
                    .form(&[
                        ("csrf", csrf.as_str()),
                        ("token", &format!("made-up-{i}")),
                        ("password", "a perfectly fine pass phrase"),
                    ])
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let started = Instant::now();
    let (slowest, statuses) = slowest_health_check_during(&app, flood).await;
    assert!(statuses.iter().all(|s| *s == 410), "{statuses:?}");
    assert!(slowest < HEALTHY, "/healthz took {slowest:?}");
    assert!(
        started.elapsed() < HEALTHY * 4,
        "40 made-up links took {:?}: something hashed",
        started.elapsed()
    );
}

#[tokio::test]
async fn the_password_forms_are_rate_limited() {
    let app = TestApp::start_with(|c| {
        c.limits.failures_before_delay = 3;
        c.limits.failures_per_ip_per_hour = 3;
    })
    .await;
    let user = app
        .user_with_password("limited@example.com", "the right pass phrase")
        .await;
    let (token, _) = app.sign_in(&user).await;
    let cookie = app.cookie(&token);
    let account_csrf = csrf(&app, "/account", &cookie).await;
    let wrong = [
        ("current_password", "not it at all"),
        ("new_password", "a new pass phrase"),
    ];
    for _ in 0..3 {
        assert_eq!(
            post(&app, "/account/password", &cookie, &account_csrf, &wrong).await,
            422
        );
    }
    assert_eq!(
        post(&app, "/account/password", &cookie, &account_csrf, &wrong).await,
        429
    );

    // A reset link counts failures per address (the same loopback address here).
    let reset_csrf = csrf(&app, "/password/forgot", "").await;
    let made_up = [("token", "made-up"), ("password", "a perfectly fine pass phrase")];
    assert_eq!(post(&app, "/password/reset", "", &reset_csrf, &made_up).await, 429);
}
