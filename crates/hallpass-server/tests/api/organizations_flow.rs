//! Organizations in tokens: `organization_id` on the authorize request, the
//! picker when a user has several, switching without a new sign-in, and what
//! a removed membership does to the next refresh.

use super::*;
use hallpass_sdk::{AuthorizationOptions, Prompt};
use std::collections::HashMap;

const REDIRECT: &str = "http://localhost:3000/callback";

struct Member {
    api: Api,
    sdk: hallpass_sdk::Client,
    cookie: String,
    user: String,
    acme: String,
    globex: String,
}

/// Ada, an editor at Acme (a custom role) and a member at Globex.
async fn member_of_two() -> Member {
    let api = Api::start().await;
    let registered = api.app.client(|_| {}).await;
    let clock = api.app.clock.clone();
    let sdk = hallpass_sdk::Client::builder(&api.app.base, &registered.id)
        .client_secret(registered.secret.as_deref().unwrap())
        .clock(std::sync::Arc::new(move || {
            hallpass_core::clock::Clock::now(clock.as_ref()).0
        }))
        .discover()
        .await
        .unwrap();
    let globex = api.create_org("Globex").await;
    let acme = api.create_org("Acme").await;
    api.ok(
        "POST",
        &format!("/organizations/{acme}/roles"),
        Some(json!({"name": "editor", "permissions": ["documents:read", "documents:write"]})),
    )
    .await;
    let ada = api.app.user("ada@example.com").await;
    let user = ada.id.to_string();
    api.ok(
        "PUT",
        &format!("/organizations/{acme}/members/{user}"),
        Some(json!({"roles": ["editor"]})),
    )
    .await;
    api.ok(
        "PUT",
        &format!("/organizations/{globex}/members/{user}"),
        Some(json!({"roles": ["member"]})),
    )
    .await;
    let (token, _) = api.app.sign_in(&ada).await;
    let cookie = api.app.cookie(&token);
    Member {
        api,
        sdk,
        cookie,
        user,
        acme,
        globex,
    }
}

/// Runs authorize with the browser's cookie; gives the response.
async fn authorize(m: &Member, url: &str) -> reqwest::Response {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(url)
        .header("cookie", &m.cookie)
        .send()
        .await
        .unwrap()
}

async fn sign_in(m: &Member, options: AuthorizationOptions) -> hallpass_sdk::Authenticated {
    let started = m.sdk.authorization_url(&options).unwrap();
    let response = authorize(m, &started.url).await;
    assert_eq!(response.status(), 302, "{}", response.text().await.unwrap());
    let location = response.headers()["location"].to_str().unwrap();
    let query: HashMap<String, String> = url::Url::parse(location).unwrap().query_pairs().into_owned().collect();
    assert!(query.contains_key("code"), "{location}");
    m.sdk
        .authenticate_with_code(&query["code"], REDIRECT, &started.pkce.verifier, &started.nonce)
        .await
        .unwrap()
}

fn in_org(org: &str) -> AuthorizationOptions {
    let mut options = AuthorizationOptions::new(REDIRECT);
    options.organization_id = Some(org.to_owned());
    options
}

#[tokio::test]
async fn tokens_carry_the_chosen_organization_its_roles_and_permissions() {
    let m = member_of_two().await;
    let acme = sign_in(&m, in_org(&m.acme)).await;
    assert_eq!(acme.access_token.oid.as_deref(), Some(m.acme.as_str()));
    assert_eq!(acme.access_token.roles, vec!["editor"]);
    assert_eq!(acme.access_token.permissions, vec!["documents:read", "documents:write"]);
    assert_eq!(acme.id_token.oid.as_deref(), Some(m.acme.as_str()));
    assert_eq!(acme.user.organization_id.as_deref(), Some(m.acme.as_str()));

    // Switching: the same browser session, another organization, no sign-in.
    let globex = sign_in(&m, in_org(&m.globex)).await;
    assert_eq!(globex.access_token.oid.as_deref(), Some(m.globex.as_str()));
    assert_eq!(globex.access_token.roles, vec!["member"]);
    assert!(globex.access_token.permissions.is_empty());
    assert_eq!(globex.id_token.sid, acme.id_token.sid, "one session throughout");

    // Not a member: the client hears access_denied, with its state.
    let outsider = m.api.create_org("Initech").await;
    let started = m.sdk.authorization_url(&in_org(&outsider)).unwrap();
    let location = authorize(&m, &started.url).await.headers()["location"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(location.contains("error=access_denied"), "{location}");
    assert!(location.contains(&format!("state={}", started.state)));
}

#[tokio::test]
async fn several_organizations_and_none_chosen_show_the_picker() {
    let m = member_of_two().await;
    let started = m.sdk.authorization_url(&AuthorizationOptions::new(REDIRECT)).unwrap();
    let picker = authorize(&m, &started.url).await;
    assert_eq!(picker.status(), 200);
    let html = picker.text().await.unwrap();
    assert!(html.contains("Choose an organization"));
    let acme_at = html.find(">Acme<").unwrap();
    let globex_at = html.find(">Globex<").unwrap();
    assert!(acme_at < globex_at, "sorted by name");
    assert!(html.contains(&format!("name=\"organization_id\" value=\"{}\"", m.acme)));
    assert!(
        html.contains(&format!("name=\"state\" value=\"{}\"", started.state)),
        "the request rides along"
    );

    // The picker's button is the same request with organization_id.
    let chosen = format!("{}&organization_id={}", started.url, m.globex);
    let response = authorize(&m, &chosen).await;
    assert_eq!(response.status(), 302);

    let mut silent = AuthorizationOptions::new(REDIRECT);
    silent.prompt = Some(Prompt::None);
    let started = m.sdk.authorization_url(&silent).unwrap();
    let location = authorize(&m, &started.url).await.headers()["location"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(location.contains("error=account_selection_required"), "{location}");
}

#[tokio::test]
async fn select_account_always_shows_the_picker_and_one_organization_needs_none() {
    let m = member_of_two().await;
    m.api
        .ok(
            "DELETE",
            &format!("/organizations/{}/members/{}", m.globex, m.user),
            None,
        )
        .await;
    let only = sign_in(&m, AuthorizationOptions::new(REDIRECT)).await;
    assert_eq!(
        only.access_token.oid.as_deref(),
        Some(m.acme.as_str()),
        "a single organization is chosen without asking"
    );
    let mut asking = AuthorizationOptions::new(REDIRECT);
    asking.prompt = Some(Prompt::SelectAccount);
    let started = m.sdk.authorization_url(&asking).unwrap();
    let picker = authorize(&m, &started.url).await;
    assert_eq!(picker.status(), 200);
    let html = picker.text().await.unwrap();
    assert!(html.contains(">Acme<"));
    assert!(!html.contains("name=\"prompt\""), "choosing does not ask again");
}

#[tokio::test]
async fn a_removed_member_loses_the_organization_at_the_next_refresh() {
    let m = member_of_two().await;
    let acme = sign_in(&m, in_org(&m.acme)).await;
    m.api
        .ok("DELETE", &format!("/organizations/{}/members/{}", m.acme, m.user), None)
        .await;
    let refreshed = m
        .sdk
        .refresh(acme.tokens.refresh_token.as_deref().unwrap())
        .await
        .unwrap();
    assert_eq!(refreshed.access_token.oid, None, "no organization any more");
    assert!(refreshed.access_token.roles.is_empty());
    assert!(refreshed.access_token.permissions.is_empty());
    assert_eq!(refreshed.id_token.unwrap().oid, None);

    // A changed role shows at the next refresh too.
    let globex = sign_in(&m, in_org(&m.globex)).await;
    m.api
        .ok(
            "PUT",
            &format!("/organizations/{}/members/{}", m.globex, m.user),
            Some(json!({"roles": ["admin"]})),
        )
        .await;
    let promoted = m
        .sdk
        .refresh(globex.tokens.refresh_token.as_deref().unwrap())
        .await
        .unwrap();
    assert_eq!(promoted.access_token.roles, vec!["admin"]);
    assert!(promoted.access_token.permissions.contains(&"members:manage".to_owned()));
}

#[tokio::test]
async fn a_member_removed_before_the_code_exchange_gets_no_organization() {
    let m = member_of_two().await;
    let started = m.sdk.authorization_url(&in_org(&m.acme)).unwrap();
    let response = authorize(&m, &started.url).await;
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let query: HashMap<String, String> = url::Url::parse(&location).unwrap().query_pairs().into_owned().collect();
    m.api
        .ok("DELETE", &format!("/organizations/{}/members/{}", m.acme, m.user), None)
        .await;
    let signed_in = m
        .sdk
        .authenticate_with_code(&query["code"], REDIRECT, &started.pkce.verifier, &started.nonce)
        .await
        .unwrap();
    assert_eq!(signed_in.access_token.oid, None, "the membership is gone");
    assert_eq!(signed_in.id_token.oid, None);
    assert!(signed_in.access_token.roles.is_empty());
    let refreshed = m
        .sdk
        .refresh(signed_in.tokens.refresh_token.as_deref().unwrap())
        .await
        .unwrap();
    assert_eq!(refreshed.access_token.oid, None, "nor does the refresh family name it");
}

#[tokio::test]
async fn an_organizations_session_policy_only_tightens_and_is_enforced() {
    let m = member_of_two().await;
    let global = m.api.ok("GET", "/session-policy", None).await;
    assert_eq!(
        global,
        json!({"idle_timeout_secs": 604800, "absolute_timeout_secs": 2592000})
    );
    let path = format!("/organizations/{}/session-policy", m.acme);
    assert_error(&m.api.call("GET", &path, None).await, 404, "not_found");
    let looser = m
        .api
        .call(
            "PUT",
            &path,
            Some(json!({"idle_timeout_secs": 704800, "absolute_timeout_secs": 3600})),
        )
        .await;
    assert_error(&looser, 422, "invalid_field");
    assert!(looser.1["error_description"]
        .as_str()
        .unwrap()
        .contains("idle_timeout_secs"));
    assert_error(
        &m.api
            .call(
                "PUT",
                &path,
                Some(json!({"idle_timeout_secs": 600, "absolute_timeout_secs": 10})),
            )
            .await,
        422,
        "invalid_field",
    );
    let set = m
        .api
        .ok(
            "PUT",
            &path,
            Some(json!({"idle_timeout_secs": 600, "absolute_timeout_secs": 3600})),
        )
        .await;
    assert_eq!(set["idle_timeout_secs"], 600);
    let audit = m
        .api
        .ok("GET", "/audit-events?type=organization.session_policy_updated", None)
        .await;
    assert_eq!(audit["data"][0]["details"]["before"], Value::Null);
    assert_eq!(audit["data"][0]["details"]["after"]["absolute_timeout_secs"], 3600);

    let acme = sign_in(&m, in_org(&m.acme)).await;
    // Idle past Acme's ten minutes (the global week is far off): Acme asks for a sign-in,
    // Globex, without a policy of its own, does not.
    m.api.app.advance(std::time::Duration::from_secs(601));
    let started = m.sdk.authorization_url(&in_org(&m.acme)).unwrap();
    let again = authorize(&m, &started.url).await;
    assert_eq!(again.status(), 302);
    assert!(
        again.headers()["location"].to_str().unwrap().starts_with("/login?"),
        "back to the sign-in page"
    );
    sign_in(&m, in_org(&m.globex)).await;

    // Past Acme's hour, its refresh tokens stop; after removing the policy they work again.
    m.api.app.advance(std::time::Duration::from_secs(3000));
    let refused = m
        .sdk
        .refresh(acme.tokens.refresh_token.as_deref().unwrap())
        .await
        .unwrap_err();
    assert!(refused.is_invalid_grant(), "{refused}");
    let (_, fresh_token) = token_for(&m.api.app, &["hallpass:admin"]).await;
    assert_eq!(m.api.call_as(&fresh_token, "DELETE", &path, None).await.0, 204);
    let acme_again = sign_in(&m, in_org(&m.acme)).await;
    assert_eq!(acme_again.access_token.oid.as_deref(), Some(m.acme.as_str()));
}
