//! Abuse: one client floods the sign-in and code endpoints; the rate limits
//! hold (429s, a bounded number of mails, no errors), another user from
//! another address keeps signing in, and the guessed account's owner is not
//! locked out. They are told apart by their source addresses on loopback
//! (127.0.0.1, 127.0.0.2 and 127.0.0.3).
//! Mail to one account is capped even when the requests come from several
//! addresses, each inside its own allowance.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::net::{IpAddr, Ipv4Addr};
use support::app::TestApp;

const FREE_FAILURES: u32 = 5;
const FAILURES_PER_IP: u32 = 20;
const MAILS_PER_ACCOUNT: u32 = 10;

/// A cookie-keeping client whose connections come from `ip`.
fn from(ip: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .local_address(IpAddr::V4(Ipv4Addr::from(ip)))
        .build()
        .unwrap()
}

/// The sign-in form's CSRF token (and its cookie, kept by `client`).
async fn csrf(app: &TestApp, client: &reqwest::Client) -> String {
    let page = client.get(app.url("/login")).send().await.unwrap();
    support::hidden(&page.text().await.unwrap(), "csrf")
}

async fn sign_in(app: &TestApp, client: &reqwest::Client, csrf: &str, email: &str, password: &str) -> u16 {
    client
        .post(app.url("/login"))
        .form(&[("csrf", csrf), ("email", email), ("password", password)])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_is_limited_while_another_user_signs_in() {
    let app = TestApp::start_with(|c| {
        c.limits.failures_before_delay = FREE_FAILURES;
        c.limits.failures_per_ip_per_hour = FAILURES_PER_IP;
        c.limits.mails_per_account_per_hour = MAILS_PER_ACCOUNT;
    })
    .await;
    app.user_with_password("victim@example.com", "the victim's pass phrase")
        .await;
    app.user_with_password("bystander@example.com", "the bystander's pass phrase")
        .await;
    let attacker = from([127, 0, 0, 1]);
    let bystander = from([127, 0, 0, 2]);
    let attacker_csrf = csrf(&app, &attacker).await;
    let bystander_csrf = csrf(&app, &bystander).await;

    // 300 password guesses against one account and 100 code requests, 16 at a time.
    let mut statuses = Vec::new();
    let mut guesses = Vec::new();
    for i in 0..300 {
        let (app_url, client, token) = (app.url("/login"), attacker.clone(), attacker_csrf.clone());
        guesses.push(tokio::spawn(async move {
            let form = [
                ("csrf", token),
                ("email", "victim@example.com".into()),
                ("password", format!("guess {i}")),
            ];
            client.post(app_url).form(&form).send().await.unwrap().status().as_u16()
        }));
        if guesses.len() == 16 {
            for g in guesses.drain(..) {
                statuses.push(g.await.unwrap());
            }
        }
        if i % 100 == 50 {
            // The bystander signs in during the flood, from their own address.
            assert_eq!(
                sign_in(
                    &app,
                    &bystander,
                    &bystander_csrf,
                    "bystander@example.com",
                    "the bystander's pass phrase"
                )
                .await,
                303,
                "the bystander is not locked out by the flood"
            );
        }
    }
    for g in guesses {
        statuses.push(g.await.unwrap());
    }
    let wrong = statuses.iter().filter(|s| **s == 401).count();
    let limited = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(
        wrong + limited,
        statuses.len(),
        "only 401 and 429, never an error: {statuses:?}"
    );
    assert!(
        wrong <= FREE_FAILURES as usize,
        "at most {FREE_FAILURES} guesses were checked, not {wrong}"
    );

    let mut codes = Vec::new();
    for _ in 0..100 {
        let status = attacker
            .post(app.url("/login/code"))
            .form(&[("csrf", attacker_csrf.as_str()), ("email", "someone@example.com")])
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
        codes.push(status);
    }
    assert!(codes.iter().all(|s| *s == 200 || *s == 429), "{codes:?}");
    let mails = app
        .mails()
        .await
        .iter()
        .filter(|m| m.to == "someone@example.com")
        .count();
    assert!(
        mails <= MAILS_PER_ACCOUNT as usize,
        "{mails} mails: the mailbox is not flooded"
    );
    assert!(codes.iter().filter(|s| **s == 429).count() >= 90);

    // Guessing across many accounts spends the attacker's address; the bystander's is not.
    let mut sprayed = Vec::new();
    for i in 0..2 * FAILURES_PER_IP {
        sprayed.push(
            sign_in(
                &app,
                &attacker,
                &attacker_csrf,
                &format!("user{i}@example.com"),
                "guess",
            )
            .await,
        );
    }
    let checked = sprayed.iter().filter(|s| **s == 401).count() + wrong;
    assert!(
        checked <= FAILURES_PER_IP as usize,
        "{checked} failures from one address"
    );
    let other = sign_in(
        &app,
        &attacker,
        &attacker_csrf,
        "bystander@example.com",
        "the bystander's pass phrase",
    )
    .await;
    assert_eq!(other, 429, "the flooding address is limited for every account");
    assert_eq!(
        sign_in(
            &app,
            &bystander,
            &bystander_csrf,
            "bystander@example.com",
            "the bystander's pass phrase"
        )
        .await,
        303
    );
    // The guessed account's owner, at their own address, is not locked out;
    // the attacker is told when to come back (nothing is locked for good).
    let victim = from([127, 0, 0, 3]);
    let victim_csrf = csrf(&app, &victim).await;
    let owner = sign_in(
        &app,
        &victim,
        &victim_csrf,
        "victim@example.com",
        "the victim's pass phrase",
    )
    .await;
    assert_eq!(owner, 303, "the flood does not lock the owner out");
    let refused = attacker
        .post(app.url("/login"))
        .form(&[
            ("csrf", attacker_csrf.as_str()),
            ("email", "victim@example.com"),
            ("password", "one more guess"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 429);
    let retry: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry > 0 && retry <= 3600, "{retry}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_to_one_account_is_capped_whatever_the_source_addresses() {
    let app = TestApp::start_with(|c| {
        c.limits.mails_per_account_per_hour = MAILS_PER_ACCOUNT;
    })
    .await;
    app.user("target@example.com").await;
    // Five addresses, each well inside its own allowance: only the account's cap holds.
    let mut statuses = Vec::new();
    for last in 2..7 {
        let client = from([127, 0, 0, last]);
        let token = csrf(&app, &client).await;
        for _ in 0..8 {
            let response = client
                .post(app.url("/login/code"))
                .form(&[("csrf", token.as_str()), ("email", "target@example.com")])
                .send()
                .await
                .unwrap();
            statuses.push(response.status().as_u16());
        }
    }
    assert!(statuses.iter().all(|s| *s == 200 || *s == 429), "{statuses:?}");
    let answered = statuses.iter().filter(|s| **s == 200).count();
    let mails = app
        .mails()
        .await
        .iter()
        .filter(|m| m.to == "target@example.com")
        .count();
    assert_eq!(mails, answered, "every answered request mailed a code");
    assert_eq!(
        mails, MAILS_PER_ACCOUNT as usize,
        "40 requests from five addresses, {MAILS_PER_ACCOUNT} mails: {statuses:?}"
    );
}
