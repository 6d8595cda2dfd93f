//! Invitations: created, mailed, accepted once through the link (creating
//! the user), revoked, resent, expired; and the tokens the invitee then gets.

use super::*;
use hallpass_core::signin::mailer::{Mailer, Message};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

struct Invited {
    api: Api,
    org: String,
    client: support::app::RegisteredClient,
}

async fn setup() -> Invited {
    let api = Api::start().await;
    let org = api.create_org("Acme").await;
    api.ok(
        "POST",
        &format!("/organizations/{org}/roles"),
        Some(json!({"name": "editor", "permissions": ["documents:write"]})),
    )
    .await;
    let client = api
        .app
        .client(|c| c.initiate_login_uri = Some("http://localhost:3000/login".into()))
        .await;
    Invited { api, org, client }
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Invites `email` with no roles nor app; the link mailed for it.
async fn invite(s: &Invited, email: &str) -> String {
    s.api
        .ok(
            "POST",
            &format!("/organizations/{}/invitations", s.org),
            Some(json!({ "email": email })),
        )
        .await;
    link_for(&s.api, email).await
}

/// The link in the newest mail to `to`.
async fn link_for(api: &Api, to: &str) -> String {
    let mail = api.app.mails().await.into_iter().find(|m| m.to == to).unwrap();
    let start = mail.text.find("http").unwrap();
    mail.text[start..].split_whitespace().next().unwrap().to_owned()
}

/// Opens the link as a browser would: the Accept form's fields, or the page
/// when it has no form.
async fn open(browser: &reqwest::Client, link: &str) -> Result<Vec<(String, String)>, reqwest::Response> {
    let page = browser.get(link).send().await.unwrap();
    if page.status() != 200 {
        return Err(page);
    }
    let html = page.text().await.unwrap();
    Ok(["csrf", "token"]
        .map(|name| (name.to_owned(), support::hidden(&html, name)))
        .to_vec())
}

async fn click_accept(browser: &reqwest::Client, link: &str, form: &[(String, String)]) -> reqwest::Response {
    let origin = link.split("/invitations").next().unwrap();
    browser
        .post(format!("{origin}/invitations/accept"))
        .form(form)
        .send()
        .await
        .unwrap()
}

/// Opens the link and clicks Accept, as a browser would.
async fn accept(browser: &reqwest::Client, link: &str) -> reqwest::Response {
    match open(browser, link).await {
        Ok(form) => click_accept(browser, link, &form).await,
        Err(page) => page,
    }
}

#[tokio::test]
async fn an_invitee_joins_with_the_roles_given_and_is_sent_to_the_app() {
    let s = setup().await;
    let created = s
        .api
        .call(
            "POST",
            &format!("/organizations/{}/invitations", s.org),
            Some(json!({"email": "Newcomer@Example.com", "roles": ["editor"], "client_id": s.client.id})),
        )
        .await;
    assert_eq!(created.0, 201, "{}", created.1);
    assert_eq!(created.1["status"], "pending");
    assert_eq!(created.1["email"], "newcomer@example.com");
    let link = link_for(&s.api, "Newcomer@Example.com").await;
    assert!(link.starts_with(&s.api.app.url("/invitations/accept?token=")), "{link}");

    let browser = browser();
    let page = browser.get(&link).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Join Acme"), "opening the link uses nothing");
    let accepted = accept(&browser, &link).await;
    assert_eq!(accepted.status(), 303);
    let location = accepted.headers()["location"].to_str().unwrap().to_owned();
    let target = url::Url::parse(&location).unwrap();
    assert_eq!(target.path(), "/login", "the app's initiate-login URI");
    let query: HashMap<String, String> = target.query_pairs().into_owned().collect();
    assert_eq!(query["iss"], s.api.app.base);
    assert_eq!(query["login_hint"], "newcomer@example.com");

    let again = accept(&browser, &link).await;
    assert_eq!(again.status(), 410, "a link works once");

    // The app now starts its sign-in: it goes straight through, in the organization.
    let authorize = url::Url::parse_with_params(
        &s.api.app.url("/oauth/authorize"),
        &[
            ("response_type", "code"),
            ("client_id", s.client.id.as_str()),
            ("redirect_uri", "http://localhost:3000/callback"),
            ("scope", "openid"),
            ("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"),
            ("code_challenge_method", "S256"),
        ],
    )
    .unwrap();
    let back = browser.get(authorize).send().await.unwrap();
    assert_eq!(back.status(), 302);
    let code: String = url::Url::parse(back.headers()["location"].to_str().unwrap())
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into();
    let tokens: Value = reqwest::Client::new()
        .post(s.api.app.url("/oauth/token"))
        .basic_auth(&s.client.id, s.client.secret.as_deref())
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "http://localhost:3000/callback"),
            ("code_verifier", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let claims = hallpass_core::crypto::jws::parse(tokens["access_token"].as_str().unwrap())
        .unwrap()
        .verify::<hallpass_proto::claims::AccessTokenClaims>(s.api.app.state.keys().verifiers(), Some("at+jwt"))
        .unwrap();
    assert_eq!(claims.oid.as_deref(), Some(s.org.as_str()));
    assert_eq!(claims.roles, vec!["editor"]);
    assert_eq!(claims.permissions, vec!["documents:write"]);

    let listed = s
        .api
        .ok("GET", &format!("/organizations/{}/invitations", s.org), None)
        .await;
    assert_eq!(listed["data"][0]["status"], "accepted");
    assert!(listed["data"][0]["accepted_by"].as_str().unwrap().starts_with("usr_"));
    let user = s.api.ok("GET", "/users?email=newcomer@example.com", None).await;
    assert_eq!(user["data"][0]["email_verified"], true, "the click proved the address");
}

#[tokio::test]
async fn invitations_refuse_bad_input_and_change_nothing() {
    let s = setup().await;
    let path = format!("/organizations/{}/invitations", s.org);
    assert_error(
        &s.api.call("POST", &path, Some(json!({"email": "nope"}))).await,
        422,
        "invalid_field",
    );
    assert_error(
        &s.api
            .call(
                "POST",
                &path,
                Some(json!({"email": "a@example.com", "roles": ["ghost"]})),
            )
            .await,
        422,
        "invalid_field",
    );
    let plain = s.api.app.client(|_| {}).await;
    let no_uri = s
        .api
        .call(
            "POST",
            &path,
            Some(json!({"email": "a@example.com", "client_id": plain.id})),
        )
        .await;
    assert_error(&no_uri, 422, "invalid_field");
    assert!(no_uri.1["error_description"]
        .as_str()
        .unwrap()
        .contains("initiate_login_uri"));
    assert!(s.api.app.mails().await.is_empty(), "nothing was sent");
    assert!(s.api.ok("GET", &path, None).await["data"]
        .as_array()
        .unwrap()
        .is_empty());

    s.api.ok("POST", &path, Some(json!({"email": "a@example.com"}))).await;
    assert_error(
        &s.api.call("POST", &path, Some(json!({"email": "A@example.com"}))).await,
        409,
        "conflict",
    );
    let member = s.api.create_user("member@example.com").await;
    s.api
        .ok(
            "PUT",
            &format!("/organizations/{}/members/{member}", s.org),
            Some(json!({})),
        )
        .await;
    assert_error(
        &s.api
            .call("POST", &path, Some(json!({"email": "member@example.com"})))
            .await,
        409,
        "conflict",
    );
    assert_error(
        &s.api
            .call(
                "POST",
                "/organizations/org_01jbadbadbadbadbadbadbadba/invitations",
                Some(json!({"email": "b@example.com"})),
            )
            .await,
        404,
        "not_found",
    );
    let (_, users_only) = token_for(&s.api.app, &["hallpass:users"]).await;
    assert_error(
        &s.api.call_as(&users_only, "GET", &path, None).await,
        403,
        "insufficient_scope",
    );
}

#[tokio::test]
async fn pending_invitations_are_revoked_resent_and_expire() {
    let s = setup().await;
    let path = format!("/organizations/{}/invitations", s.org);
    let first = s.api.ok("POST", &path, Some(json!({"email": "r@example.com"}))).await;
    let id = first["id"].as_str().unwrap();
    let old_link = link_for(&s.api, "r@example.com").await;
    let resent = s.api.ok("POST", &format!("{path}/{id}/resend"), None).await;
    assert_eq!(resent["status"], "pending");
    let new_link = link_for(&s.api, "r@example.com").await;
    assert_ne!(new_link, old_link);
    assert_eq!(
        accept(&browser(), &old_link).await.status(),
        410,
        "resending voids the old link"
    );

    let revoked = s.api.ok("POST", &format!("{path}/{id}/revoke"), None).await;
    assert_eq!(revoked["status"], "revoked");
    assert_eq!(accept(&browser(), &new_link).await.status(), 410);
    assert_error(
        &s.api.call("POST", &format!("{path}/{id}/revoke"), None).await,
        422,
        "invalid_field",
    );
    assert_error(
        &s.api.call("POST", &format!("{path}/{id}/resend"), None).await,
        422,
        "invalid_field",
    );
    assert_error(
        &s.api
            .call("GET", &format!("{path}/inv_01jbadbadbadbadbadbadbadba"), None)
            .await,
        404,
        "not_found",
    );

    let later = s.api.ok("POST", &path, Some(json!({"email": "r@example.com"}))).await;
    let link = link_for(&s.api, "r@example.com").await;
    s.api.app.advance(std::time::Duration::from_secs(15 * 24 * 3600 + 1));
    assert_eq!(
        accept(&browser(), &link).await.status(),
        410,
        "fifteen days and no more"
    );
    let (_, fresh_token) = token_for(&s.api.app, &["hallpass:invitations"]).await;
    let shown = s
        .api
        .call_as(
            &fresh_token,
            "GET",
            &format!("{path}/{}", later["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(shown.1["status"], "expired");
    let again = s
        .api
        .call_as(&fresh_token, "POST", &path, Some(json!({"email": "r@example.com"})))
        .await;
    assert_eq!(
        again.0, 201,
        "a lapsed invitation does not block a new one: {}",
        again.1
    );
}

#[tokio::test]
async fn an_existing_account_joins_but_signs_in_as_usual() {
    let s = setup().await;
    s.api
        .app
        .user_with_password("known@example.com", "a known pass phrase")
        .await;
    s.api
        .ok(
            "POST",
            &format!("/organizations/{}/invitations", s.org),
            Some(json!({"email": "known@example.com", "client_id": s.client.id})),
        )
        .await;
    let accepted = accept(&browser(), &link_for(&s.api, "known@example.com").await).await;
    assert_eq!(accepted.status(), 303);
    assert!(accepted.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("http://localhost:3000/login?"));
    let session = accepted
        .headers()
        .get_all("set-cookie")
        .iter()
        .any(|c| c.to_str().unwrap().starts_with("hallpass_session="));
    assert!(!session, "no session from the link for an account that already existed");
    let members = s
        .api
        .ok("GET", &format!("/organizations/{}/members", s.org), None)
        .await;
    assert_eq!(
        members["data"].as_array().unwrap().len(),
        1,
        "but the membership is made"
    );
}

#[tokio::test]
async fn an_acceptance_without_its_form_token_uses_nothing() {
    let s = setup().await;
    let link = invite(&s, "x@example.com").await;
    let token = link.split("token=").nth(1).unwrap();
    let forged = browser()
        .post(s.api.app.url("/invitations/accept"))
        .form(&[("csrf", "forged"), ("token", token)])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    assert!(s.api.ok("GET", "/users?email=x@example.com", None).await["data"]
        .as_array()
        .unwrap()
        .is_empty());
    assert_eq!(accept(&browser(), &link).await.status(), 303, "the link still works");
}

/// A mail server that refuses every message until it is `up`.
#[derive(Debug, Default)]
struct FlakyMail {
    up: AtomicBool,
}

#[async_trait::async_trait]
impl Mailer for FlakyMail {
    async fn send(&self, _: &Message) -> Result<(), String> {
        match self.up.load(Ordering::SeqCst) {
            true => Ok(()),
            false => Err("connection refused".into()),
        }
    }
}

#[tokio::test]
async fn an_invitation_whose_mail_fails_is_not_made_and_may_be_sent_again() {
    let mail = Arc::new(FlakyMail::default());
    let api = Api::start_mailing(mail.clone()).await;
    let org = api.create_org("Acme").await;
    let path = format!("/organizations/{org}/invitations");
    let failed = api.call("POST", &path, Some(json!({"email": "m@example.com"}))).await;
    assert_eq!(failed.0, 500, "the admin learns the mail did not leave: {}", failed.1);
    let listed = api.ok("GET", &path, None).await;
    let statuses: Vec<&Value> = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["status"])
        .collect();
    assert_eq!(
        statuses,
        [&json!("revoked")],
        "no invitation waits on a link never sent"
    );

    mail.up.store(true, Ordering::SeqCst);
    let again = api.call("POST", &path, Some(json!({"email": "m@example.com"}))).await;
    assert_eq!(again.0, 201, "the address may be invited again at once: {}", again.1);
}

#[tokio::test]
async fn an_unverified_account_joins_and_its_address_is_proved() {
    let s = setup().await;
    let user = s.api.create_user("unproved@example.com").await;
    let before = s.api.ok("GET", &format!("/users/{user}"), None).await;
    assert_eq!(before["email_verified"], false);
    let link = invite(&s, "unproved@example.com").await;
    let accepted = accept(&browser(), &link).await;
    assert_eq!(accepted.status(), 303);
    let cookies: Vec<_> = accepted.headers().get_all("set-cookie").iter().collect();
    assert!(
        !cookies
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("hallpass_session=")),
        "an account that existed signs in as usual"
    );
    let after = s.api.ok("GET", &format!("/users/{user}"), None).await;
    assert_eq!(after["email_verified"], true, "the click proved the address");
    let members = s
        .api
        .ok("GET", &format!("/organizations/{}/members", s.org), None)
        .await;
    assert_eq!(members["data"][0]["user_id"], json!(user));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_several_clicks_at_once_one_joins_and_the_others_are_told_the_link_is_used() {
    let s = setup().await;
    let link = invite(&s, "twice@example.com").await;
    const CLICKS: usize = 16;
    let mut opened = Vec::new();
    for _ in 0..CLICKS {
        let browser = browser();
        let form = open(&browser, &link).await.unwrap();
        opened.push((browser, form));
    }
    let mut clicks = tokio::task::JoinSet::new();
    for (browser, form) in opened {
        let link = link.clone();
        clicks.spawn(async move { click_accept(&browser, &link, &form).await.status().as_u16() });
    }
    let mut statuses = clicks.join_all().await;
    statuses.sort_unstable();
    let mut expected = vec![410; CLICKS];
    expected[0] = 303;
    assert_eq!(statuses, expected);
    let users = s.api.ok("GET", "/users?email=twice@example.com", None).await;
    assert_eq!(users["data"].as_array().unwrap().len(), 1);
    let members = s
        .api
        .ok("GET", &format!("/organizations/{}/members", s.org), None)
        .await;
    assert_eq!(members["data"].as_array().unwrap().len(), 1);
}
