//! Nobody can lock someone else out: failures count per account and client
//! address with growing delays, under a far higher account-wide ceiling, and
//! never stop a reset or a code. Clients are told apart by their source
//! address on loopback (the owner at 127.0.0.1, others at 127.0.0.2 and up),
//! or by what a trusted proxy forwards. Time moves on the app's clock.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;
use support::app::TestApp;

const OWNER: &str = "owner@example.com";
const RIGHT: &str = "the owner's pass phrase";

/// A cookie-keeping browser whose connections come from `ip`, with its CSRF token.
struct Browser {
    client: reqwest::Client,
    csrf: String,
    base: String,
}

impl Browser {
    async fn at(app: &TestApp, ip: [u8; 4]) -> Browser {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .local_address(IpAddr::V4(Ipv4Addr::from(ip)))
            .build()
            .unwrap();
        let page = client.get(app.url("/login")).send().await.unwrap();
        let csrf = support::hidden(&page.text().await.unwrap(), "csrf");
        Browser {
            client,
            csrf,
            base: app.base.clone(),
        }
    }

    /// Posts a form, saying it was forwarded for `forwarded_for` when given.
    async fn post(&self, path: &str, form: &[(&str, &str)], forwarded_for: Option<&str>) -> reqwest::Response {
        let mut fields = vec![("csrf", self.csrf.as_str())];
        fields.extend_from_slice(form);
        let mut request = self.client.post(format!("{}{path}", self.base)).form(&fields);
        if let Some(ip) = forwarded_for {
            request = request.header("x-forwarded-for", ip);
        }
        request.send().await.unwrap()
    }

    async fn sign_in(&self, password: &str, forwarded_for: Option<&str>) -> reqwest::Response {
        self.post("/login", &[("email", OWNER), ("password", password)], forwarded_for)
            .await
    }
}

fn retry_after(response: &reqwest::Response) -> u64 {
    assert_eq!(response.status(), 429);
    response.headers()["retry-after"].to_str().unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attacker_elsewhere_cannot_lock_the_owner_out() {
    let app = TestApp::start().await;
    let free = app.config.limits.failures_before_delay;
    app.user_with_password(OWNER, RIGHT).await;
    let attacker = std::sync::Arc::new(Browser::at(&app, [127, 0, 0, 2]).await);
    let owner = Browser::at(&app, [127, 0, 0, 1]).await;

    // 100 wrong passwords at once: only the free ones are checked.
    let guesses: Vec<_> = (0..100)
        .map(|i| {
            let attacker = attacker.clone();
            tokio::spawn(async move { attacker.sign_in(&format!("guess {i}"), None).await.status().as_u16() })
        })
        .collect();
    let mut statuses = Vec::new();
    for guess in guesses {
        statuses.push(guess.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 401).count(),
        free as usize,
        "{statuses:?}"
    );
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 100 - free as usize);

    // The owner, at their own address, is not refused anything.
    let signed_in = owner.sign_in(RIGHT, None).await;
    assert_eq!(signed_in.status(), 303, "the right password still signs the owner in");
    let reset = owner.post("/password/forgot", &[("email", OWNER)], None).await;
    assert_eq!(reset.status(), 200, "a reset can still be asked for");
    let code = owner.post("/login/code", &[("email", OWNER)], None).await;
    assert_eq!(code.status(), 200, "a code can still be asked for");
    assert_eq!(app.mails().await.iter().filter(|m| m.to == OWNER).count(), 2);

    // The attacker waits longer after each further failure.
    let mut waits = Vec::new();
    for _ in 0..4 {
        let refused = attacker.sign_in("yet another guess", None).await;
        let wait = retry_after(&refused);
        waits.push(wait);
        app.advance(Duration::from_secs(wait));
        assert_eq!(attacker.sign_in("yet another guess", None).await.status(), 401);
    }
    assert!(waits.windows(2).all(|w| w[1] > w[0]), "growing delays: {waits:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_from_many_addresses_meet_the_account_wide_ceiling() {
    let app = TestApp::start_with(|c| {
        c.limits.failures_before_delay = 2;
        c.limits.failures_per_account_per_hour = 6;
    })
    .await;
    app.user_with_password(OWNER, RIGHT).await;
    // Four addresses, two free failures each: the ceiling of six stops the last two.
    let mut statuses = Vec::new();
    for last in 10..14 {
        let other = Browser::at(&app, [127, 0, 0, last]).await;
        for _ in 0..2 {
            statuses.push(other.sign_in("a guess", None).await.status().as_u16());
        }
    }
    assert_eq!(statuses, [401, 401, 401, 401, 401, 401, 429, 429]);
    let owner = Browser::at(&app, [127, 0, 0, 1]).await;
    let refused = owner.sign_in(RIGHT, None).await;
    assert!(retry_after(&refused) <= 600, "the ceiling refills evenly");
    // Even at the ceiling, failures never stop a reset or a code.
    let reset = owner.post("/password/forgot", &[("email", OWNER)], None).await;
    assert_eq!(reset.status(), 200);
    let code = owner.post("/login/code", &[("email", OWNER)], None).await;
    assert_eq!(code.status(), 200);
    app.advance(Duration::from_secs(600));
    assert_eq!(owner.sign_in(RIGHT, None).await.status(), 303);

    // By default the ceiling is far above what one address may try.
    let defaults = hallpass_server::config::LimitsConfig::default();
    assert!(defaults.failures_per_account_per_hour >= 100 * defaults.failures_before_delay);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
    let app = TestApp::start_with(|c| {
        c.limits.failures_before_delay = 1;
        c.limits.trusted_proxies = vec!["127.0.0.2/32".parse().unwrap()];
    })
    .await;
    app.user_with_password(OWNER, RIGHT).await;
    let proxy = Browser::at(&app, [127, 0, 0, 2]).await;
    let direct = Browser::at(&app, [127, 0, 0, 3]).await;

    // Through the proxy, each forwarded client has its own allowance.
    assert_eq!(proxy.sign_in("a guess", Some("203.0.113.5")).await.status(), 401);
    assert_eq!(proxy.sign_in("a guess", Some("203.0.113.5")).await.status(), 429);
    assert_eq!(proxy.sign_in("a guess", Some("203.0.113.6")).await.status(), 401);
    let forged_then_real = "198.51.100.1, 203.0.113.7";
    assert_eq!(proxy.sign_in("a guess", Some(forged_then_real)).await.status(), 401);
    assert_eq!(
        proxy.sign_in("a guess", Some("203.0.113.7")).await.status(),
        429,
        "the right-most hop counted"
    );

    // From an untrusted peer the header is ignored: its own address counts.
    assert_eq!(direct.sign_in("a guess", Some("203.0.113.8")).await.status(), 401);
    assert_eq!(direct.sign_in("a guess", Some("203.0.113.9")).await.status(), 429);
}
