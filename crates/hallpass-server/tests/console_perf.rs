//! The admin console with 1,000,000 users, 100,000 organizations (ten
//! members each) and 200,000 audit events on SQLite: every page's p99 must
//! stay under 50 ms. A benchmark, so ignored by default; run it in release,
//! pinned to one core (docs/PERFORMANCE.md):
//!
//! taskset -c 0 cargo test --release -p hallpass-server --test console_perf -- --ignored --nocapture

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use hallpass_core::services::audit::Actor;
use hallpass_core::services::console;
use std::time::{Duration, Instant};
use support::app::TestApp;

const USERS: u32 = 1_000_000;
const ORGANIZATIONS: u32 = 100_000;
const AUDIT_EVENTS: u32 = 200_000;
const RUNS: usize = 200;
const BUDGET: Duration = Duration::from_millis(50);

/// Straight into the database in one transaction: ids that parse as ours
/// (`usr_` and 26 digits), addresses `u0000001@bench.example` and up.
fn seed(db: &std::path::Path, now: i64) {
    let mut conn = rusqlite::Connection::open(db).unwrap();
    conn.busy_timeout(Duration::from_secs(30)).unwrap();
    let tx = conn.transaction().unwrap();
    let member_role: String = tx
        .query_row(
            "SELECT id FROM roles WHERE name = 'member' AND organization_id IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    tx.execute_batch(&format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {USERS})
         INSERT INTO users (id, email, email_normalized, email_verified, name, metadata, created_at, updated_at)
         SELECT printf('usr_%026d', i), printf('u%07d@bench.example', i), printf('u%07d@bench.example', i), 1,
                'User ' || i, '{{}}', {now} - i, {now} - i FROM n;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {ORGANIZATIONS})
         INSERT INTO organizations (id, name, slug, metadata, created_at, updated_at)
         SELECT printf('org_%026d', i), 'Organization ' || i, 'org-' || i, '{{}}', {now}, {now} FROM n;
         INSERT INTO memberships (organization_id, user_id, status, created_at, updated_at)
         SELECT printf('org_%026d', (rowid % {ORGANIZATIONS}) + 1), id, 'active', {now}, {now} FROM users
         WHERE id LIKE 'usr_0%';
         INSERT INTO membership_roles (organization_id, user_id, role_id)
         SELECT organization_id, user_id, '{member_role}' FROM memberships;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {AUDIT_EVENTS})
         INSERT INTO audit_events (at, kind, actor, user_id, details)
         SELECT {now} - i, CASE i % 4 WHEN 0 THEN 'user.created' ELSE 'user.signed_in' END,
                printf('usr_%026d', i), printf('usr_%026d', i), '{{\"session_id\":\"ses_x\"}}' FROM n;"
    ))
    .unwrap();
    tx.commit().unwrap();
    conn.execute_batch("ANALYZE").unwrap();
}

fn p99(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[(samples.len() * 99).div_ceil(100) - 1]
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "a benchmark: run in release with --ignored, pinned to one core (docs/PERFORMANCE.md)"]
async fn every_console_page_answers_within_50_ms_at_p99_over_a_million_users() {
    let app = TestApp::start().await;
    let started = Instant::now();
    seed(&app.data_dir().join("hallpass.db"), app.state.ctx().clock.now().0);
    println!(
        "seeded {USERS} users, {ORGANIZATIONS} organizations, {AUDIT_EVENTS} audit events in {:.1?}",
        started.elapsed()
    );

    let admin = app
        .user_with_password("admin@example.com", "a long admin pass phrase")
        .await;
    console::add_admin(app.state.ctx(), "admin@example.com", &Actor::Cli)
        .await
        .unwrap();
    app.client(|_| {}).await;
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::limited(10))
        .build()
        .unwrap();
    let csrf = support::csrf_of(&browser, &app.url("/login")).await;
    browser
        .post(app.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "admin@example.com"),
            ("password", "a long admin pass phrase"),
        ])
        .send()
        .await
        .unwrap();
    let landed = browser.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(landed.url().path(), "/admin");

    let someone = "usr_00000000000000000000777777";
    let crowded_org = "org_00000000000000000000012345";
    let pages = [
        "/admin".to_owned(),
        "/admin/applications".into(),
        "/admin/users".into(),
        "/admin/users?q=u05".into(),
        "/admin/users?q=u0777777".into(),
        "/admin/users?q=nobody".into(),
        format!("/admin/users/{someone}"),
        format!("/admin/users/{}", admin.id),
        "/admin/organizations".into(),
        "/admin/organizations?after=org_00000000000000000000050000".into(),
        format!("/admin/organizations/{crowded_org}"),
        "/admin/roles".into(),
        "/admin/resources".into(),
        "/admin/settings".into(),
        "/admin/keys".into(),
        "/admin/audit".into(),
        "/admin/audit?type=user.created".into(),
        "/admin/audit?type=console_admin.added".into(),
        format!("/admin/audit?user_id={someone}"),
        "/admin/audit?since=2020-01-01T00:00".into(),
    ];
    let mut worst = Duration::ZERO;
    println!("{:<55} {:>9} {:>9}", "page", "p50 ms", "p99 ms");
    for page in &pages {
        let mut samples = Vec::with_capacity(RUNS);
        for run in 0..RUNS + 20 {
            let start = Instant::now();
            let response = browser.get(app.url(page)).send().await.unwrap();
            let status = response.status();
            let body = response.bytes().await.unwrap();
            let took = start.elapsed();
            assert_eq!(status, 200, "{page}: {}", String::from_utf8_lossy(&body));
            assert!(is_console_page(&body), "{page} is a console page");
            if run >= 20 {
                samples.push(took);
            }
        }
        let mut sorted = samples.clone();
        sorted.sort();
        let p50 = sorted[sorted.len() / 2];
        let p99 = p99(samples);
        worst = worst.max(p99);
        println!(
            "{page:<55} {:>9.2} {:>9.2}",
            p50.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3
        );
    }
    println!("worst p99: {:.2} ms", worst.as_secs_f64() * 1e3);
    assert!(worst < BUDGET, "a console page took {worst:?} at p99");
}

fn is_console_page(body: &[u8]) -> bool {
    String::from_utf8_lossy(body).contains("Skip to content")
}
