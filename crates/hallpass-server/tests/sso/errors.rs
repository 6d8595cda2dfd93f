//! Every way the return from the IdP can fail ends on a page that says what
//! happened, with a way back, and creates nothing.

use super::*;
use std::time::Duration;

async fn enterprise(w: &World) -> Connection {
    let acme = w.org("Acme").await;
    w.connection(Some(&acme), "oidc", &["acme.test"]).await
}

/// Asserts the branded failure page: its status, words, and a link back.
async fn failed(response: reqwest::Response, status: u16, words: &str) -> String {
    assert_eq!(response.status(), status);
    let page = unescape(&response.text().await.unwrap());
    assert!(page.contains(words), "expected “{words}” in {page}");
    assert!(page.contains("<a href=\"/"), "a way back: {page}");
    page
}

#[tokio::test]
async fn an_idp_that_refuses_ends_on_a_page_leading_back_to_the_app() {
    let w = World::start().await;
    let c = enterprise(&w).await;
    let browser = browser();
    let at_idp = w.to_idp(&browser, &[("connection_id", c.id.as_str())]).await;
    let (response, out) = w.back_from_idp(&browser, &w.idp.deny(&at_idp)).await;
    assert_eq!(out, "", "stays at Hallpass");
    let page = failed(response, 403, "Sign-in was cancelled").await;
    assert!(page.contains("access_denied"));
    assert!(
        page.contains("href=\"/oauth/authorize?"),
        "back into the app's sign-in: {page}"
    );
    assert_eq!(w.user_count().await, 0);
}

#[tokio::test]
async fn a_callback_works_once_in_the_browser_that_started_it_and_not_after_it_expires() {
    let w = World::start().await;
    let c = enterprise(&w).await;
    let via = [("connection_id", c.id.as_str())];
    let claims = json!({ "sub": "u1", "email": "ada@acme.test" });

    // Another browser (an attacker's, a forwarded link) gets nothing, and
    // does not spend the flow of the browser that started it.
    let mine = browser();
    let at_idp = w.to_idp(&mine, &via).await;
    let callback = w.idp.grant(&at_idp, w.now(), claims.clone());
    let (response, _) = w.back_from_idp(&super::browser(), &callback).await;
    failed(response, 400, "started in another browser").await;
    assert_eq!(w.user_count().await, 0);
    let (response, out) = w.back_from_idp(&mine, &callback).await;
    assert!(out.starts_with(REDIRECT), "{} {out}", response.status());

    // Replayed (the browser's back button, a stolen URL): refused.
    let (response, _) = w.back_from_idp(&mine, &callback).await;
    failed(response, 400, "already used").await;

    // Too late: the flow's state lives ten minutes.
    let late = super::browser();
    let at_idp = w.to_idp(&late, &via).await;
    w.app.advance(Duration::from_secs(601));
    let callback = w
        .idp
        .grant(&at_idp, w.now(), json!({ "sub": "u2", "email": "bo@acme.test" }));
    let (response, _) = w.back_from_idp(&late, &callback).await;
    failed(response, 400, "This sign-in has expired").await;
    assert_eq!(w.user_count().await, 1, "only the first sign-in made a user");

    // A made-up state, and none at all.
    let forged = format!("{}?code=x&state=made-up", services_callback(&w, &c));
    failed(late.get(&forged).send().await.unwrap(), 400, "expired").await;
    failed(
        late.get(services_callback(&w, &c)).send().await.unwrap(),
        400,
        "expired",
    )
    .await;
}

fn services_callback(w: &World, c: &Connection) -> String {
    w.app.url(&format!("/login/sso/{}/callback", c.id))
}

#[tokio::test]
async fn an_id_token_failing_any_check_signs_nobody_in() {
    let w = World::start().await;
    let c = enterprise(&w).await;
    let now = w.now();
    let cases = [
        ("iss", json!({ "iss": "http://localhost:1/other" }), "issued by"),
        ("aud", json!({ "aud": "someone-else" }), "another client"),
        (
            "azp",
            json!({ "aud": ["hallpass-client", "other"] }),
            "another client (azp)",
        ),
        ("azp mismatch", json!({ "azp": "other" }), "another client (azp)"),
        ("nonce", json!({ "nonce": "replayed-nonce" }), "nonce"),
        ("no nonce", json!({ "nonce": null }), "nonce"),
        ("exp", json!({ "exp": now - 120 }), "expired"),
        ("iat", json!({ "iat": now + 600 }), "future"),
        ("sub", json!({ "sub": null }), "lacks required claims"),
    ];
    for (what, claims, words) in cases {
        let browser = browser();
        let at_idp = w.to_idp(&browser, &[("connection_id", c.id.as_str())]).await;
        let mut claims = claims;
        if claims.get("email").is_none() {
            claims["email"] = json!("ada@acme.test");
        }
        let (response, _) = w.back_from_idp(&browser, &w.idp.grant(&at_idp, now, claims)).await;
        assert_eq!(response.status(), 502, "{what}");
        let page = unescape(&response.text().await.unwrap());
        assert!(page.contains(words), "{what}: expected “{words}” in {page}");
    }
    // Signed by a key the IdP does not publish, under its published kid.
    w.idp.set(|b| b.forge = true);
    let browser = browser();
    let at_idp = w.to_idp(&browser, &[("connection_id", c.id.as_str())]).await;
    let callback = w.idp.grant(&at_idp, now, json!({ "email": "ada@acme.test" }));
    let (response, _) = w.back_from_idp(&browser, &callback).await;
    failed(response, 502, "signature is wrong").await;
    assert_eq!(w.user_count().await, 0, "nothing created");
    assert!(w
        .app
        .state
        .ctx()
        .store
        .find_identity(&c.id, "idp-user-1")
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn an_idp_that_is_down_ends_on_a_page_saying_so() {
    let w = World::start().await;
    let c = enterprise(&w).await;
    let browser = browser();
    let at_idp = w.to_idp(&browser, &[("connection_id", c.id.as_str())]).await;
    let callback = w.idp.grant(&at_idp, w.now(), json!({ "email": "ada@acme.test" }));
    w.idp.set(|b| b.down = true);
    let (response, _) = w.back_from_idp(&browser, &callback).await;
    failed(response, 502, "not answering").await;

    // Gone entirely (connection refused), before the browser is even sent there.
    w.idp.stop();
    let other = World::start().await;
    let gone = other.connection(None, "oidc", &[]).await;
    other.idp.stop();
    let (response, out) = other
        .follow(
            &super::browser(),
            &other.authorize_url(&[("connection_id", gone.id.as_str())]),
        )
        .await;
    assert_eq!(out, "");
    failed(response, 502, "not answering").await;
    assert_eq!(w.user_count().await + other.user_count().await, 0);
}

#[tokio::test]
async fn a_rotated_idp_key_is_fetched_on_its_unknown_kid_at_most_once_a_minute() {
    let w = World::start().await;
    let c = enterprise(&w).await;
    let via = [("connection_id", c.id.as_str())];
    w.sign_in(&browser(), &via, json!({ "email": "ada@acme.test" })).await;
    assert_eq!(w.idp.requests("/jwks"), 1);

    w.idp.set(|b| b.rotated = true);
    let browser = browser();
    let at_idp = w.to_idp(&browser, &via).await;
    let (response, _) = w
        .back_from_idp(
            &browser,
            &w.idp.grant(&at_idp, w.now(), json!({ "email": "ada@acme.test" })),
        )
        .await;
    assert_eq!(response.status(), 502, "keys fetched moments ago are not fetched again");
    assert_eq!(w.idp.requests("/jwks"), 1);

    w.app.advance(Duration::from_secs(61));
    w.sign_in(&super::browser(), &via, json!({ "email": "ada@acme.test" }))
        .await;
    assert_eq!(w.idp.requests("/jwks"), 2, "the unknown kid made it fetch the new keys");
}

#[tokio::test]
async fn a_code_the_idp_refuses_is_named_as_refused_not_as_an_outage() {
    let w = World::start().await;
    let c = enterprise(&w).await;
    let browser = browser();
    let at_idp = w.to_idp(&browser, &[("connection_id", c.id.as_str())]).await;
    let callback = w.idp.grant(&at_idp, w.now(), json!({ "email": "ada@acme.test" }));
    // A code the IdP never issued.
    let forged = callback.replace("code=code-", "code=other-");
    let (response, _) = w.back_from_idp(&browser, &forged).await;
    failed(response, 502, "refused: invalid_grant").await;
    assert_eq!(w.user_count().await, 0);
}

#[tokio::test]
async fn a_disabled_connection_is_neither_offered_nor_followed() {
    let w = World::start().await;
    let c = w.connection(None, "oidc", &[]).await;
    let browser = browser();
    let at_idp = w.to_idp(&browser, &[("connection_id", c.id.as_str())]).await;
    let callback = w.idp.grant(
        &at_idp,
        w.now(),
        json!({ "email": "ada@example.com", "email_verified": true }),
    );
    let off = ConnectionFields {
        enabled: Some(false),
        ..Default::default()
    };
    hallpass_core::services::connections::update_connection(
        w.app.state.ctx(),
        w.app.state.provider().master(),
        &c.id,
        off,
        &Actor::Cli,
    )
    .await
    .unwrap();
    // A flow started before it was turned off does not finish.
    let (response, _) = w.back_from_idp(&browser, &callback).await;
    failed(response, 404, "not available").await;
    // Nor can one start, by link or by hint; the page offers it no more.
    let start = w.app.url(&format!("/login/sso/{}?return_to=%2Faccount", c.id));
    failed(browser.get(start).send().await.unwrap(), 404, "not available").await;
    let (_, out) = w
        .follow(&browser, &w.authorize_url(&[("connection_id", c.id.as_str())]))
        .await;
    assert!(out.contains("error=invalid_request"), "{out}");
    let login = browser
        .get(w.app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!login.contains("Continue with"));
    assert_eq!(w.user_count().await, 0);
}
