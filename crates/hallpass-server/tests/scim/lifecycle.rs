//! What provisioning does in Hallpass: a provisioned user is a member who
//! can sign in; deactivation suspends the membership, ends the live session
//! (the app hears it on the back channel) and stops its refresh; groups give
//! roles at the next refresh; deletion removes the membership, and the
//! account when it has no other way in.

use super::*;
use hallpass_core::store::{Session, User};
use hallpass_core::values::Email;
use std::collections::HashMap;
use support::app::RegisteredClient;
use support::http;
use support::receiver::Receiver;
use url::Url;

const REDIRECT: &str = "http://localhost:3000/callback";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

/// A directory mapping the `Admins` group to `admin`, an app listening on
/// the back channel, and Ada provisioned through SCIM.
struct World {
    env: Env,
    dir: Directory,
    receiver: Receiver,
    client: RegisteredClient,
    scim_id: String,
}

async fn world() -> World {
    let receiver = Receiver::start().await;
    let env = Env::on(TestApp::start_posting_logouts().await).await;
    let client = env
        .app
        .client(|c| c.backchannel_logout_uri = Some(receiver.uri.clone()))
        .await;
    let dir = env.directory("Acme", json!({ "Admins": "admin" })).await;
    let ada = env
        .ok(
            &dir,
            "POST",
            "/Users",
            Some(json!({
                "schemas": [USER],
                "userName": "ada@acme.test",
                "name": {"givenName": "Ada", "familyName": "Lovelace"},
                "emails": [{"value": "ada@acme.test", "type": "work", "primary": true}],
                "active": true
            })),
        )
        .await;
    let scim_id = ada["id"].as_str().unwrap().to_owned();
    World {
        env,
        dir,
        receiver,
        client,
        scim_id,
    }
}

impl World {
    async fn user(&self, email: &str) -> Option<User> {
        self.env
            .app
            .state
            .ctx()
            .store
            .find_user_by_email(&Email::parse(email).unwrap())
            .await
            .unwrap()
    }

    async fn ada(&self) -> User {
        self.user("ada@acme.test").await.expect("Ada is a Hallpass user")
    }

    /// Ada signs in and the app gets tokens in the organization.
    async fn signed_in(&self) -> (Session, Value) {
        self.sign_in()
            .await
            .unwrap_or_else(|location| panic!("no code: {location}"))
    }

    /// Ada signs in and the app asks for tokens in the organization: the
    /// session and tokens, or where the refusal sent the browser.
    async fn sign_in(&self) -> Result<(Session, Value), String> {
        let (token, session) = self.env.app.sign_in(&self.ada().await).await;
        let cookie = self.env.app.cookie(&token);
        let params = [
            ("response_type", "code"),
            ("client_id", self.client.id.as_str()),
            ("redirect_uri", REDIRECT),
            ("scope", "openid email offline_access"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
            ("organization_id", self.dir.organization_id.as_str()),
        ];
        let url = Url::parse_with_params(&self.env.app.url("/oauth/authorize"), &params).unwrap();
        let response = http().get(url).header("cookie", cookie).send().await.unwrap();
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        let query: HashMap<String, String> = Url::parse(&location).unwrap().query_pairs().into_owned().collect();
        let Some(code) = query.get("code") else {
            return Err(location);
        };
        let (status, tokens) = self
            .token(&[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", REDIRECT),
                ("code_verifier", VERIFIER),
            ])
            .await;
        assert_eq!(status, 200, "{tokens}");
        Ok((session, tokens))
    }

    async fn token(&self, form: &[(&str, &str)]) -> (u16, Value) {
        let response = http()
            .post(self.env.app.url("/oauth/token"))
            .basic_auth(&self.client.id, self.client.secret.as_deref())
            .form(form)
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.json().await.unwrap())
    }

    async fn refresh(&self, tokens: &Value) -> (u16, Value) {
        let refresh = tokens["refresh_token"].as_str().unwrap();
        self.token(&[("grant_type", "refresh_token"), ("refresh_token", refresh)])
            .await
    }

    async fn membership_status(&self) -> Option<String> {
        let ada = self.user("ada@acme.test").await?;
        self.env
            .members(&self.dir.organization_id)
            .await
            .iter()
            .find(|m| m["user_id"] == ada.id.as_str())
            .map(|m| m["status"].as_str().unwrap().to_owned())
    }

    async fn patch_user(&self, ops: Value) -> Value {
        let path = format!("/Users/{}", self.scim_id);
        self.env
            .ok(
                &self.dir,
                "PATCH",
                &path,
                Some(json!({ "schemas": [PATCH_OP], "Operations": ops })),
            )
            .await
    }
}

/// The claims of a JWT, unverified (the tests only read what was issued).
fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).unwrap();
    let bytes = base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, payload).unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provisioned_user_is_a_verified_member_who_can_sign_in() {
    let w = world().await;
    let ada = w.ada().await;
    assert!(ada.email_verified, "the directory vouches for the address");
    assert_eq!(ada.name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(ada.password_hash, None);
    assert_eq!(w.membership_status().await.as_deref(), Some("active"));
    let (_, tokens) = w.signed_in().await;
    let access = claims(tokens["access_token"].as_str().unwrap());
    assert_eq!(access["oid"], w.dir.organization_id.as_str());
    assert_eq!(access["roles"], json!(["member"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deactivation_ends_the_live_session_and_its_refresh_then_reactivation_restores() {
    let w = world().await;
    let (session, tokens) = w.signed_in().await;

    // Entra ID's shape: a capitalised op and the boolean as a string.
    let after = w
        .patch_user(json!([{ "op": "Replace", "path": "active", "value": "False" }]))
        .await;
    assert_eq!(after["active"], false);
    let claims = w.receiver.next_claims().await;
    assert_eq!(claims["sid"], session.id.as_str(), "the app is told the session ended");
    assert!(w.env.app.session(&session.id).await.ended_at.is_some());
    let (status, body) = w.refresh(&tokens).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(w.membership_status().await.as_deref(), Some("suspended"));

    // While suspended, a new sign-in into the organization is refused.
    let refused = w.sign_in().await.expect_err("no code while suspended");
    assert!(refused.contains("error=access_denied"), "{refused}");

    // Okta's shape: a path-less replace.
    let after = w
        .patch_user(json!([{ "op": "replace", "value": { "active": true } }]))
        .await;
    assert_eq!(after["active"], true);
    assert_eq!(w.membership_status().await.as_deref(), Some("active"));
    let (_, tokens) = w.signed_in().await;
    assert_eq!(claims_of(&tokens)["oid"], w.dir.organization_id.as_str());
    let (status, body) = w.refresh(&tokens).await;
    assert_eq!(status, 200, "{body}");
}

fn claims_of(tokens: &Value) -> Value {
    claims(tokens["access_token"].as_str().unwrap_or_else(|| panic!("{tokens}")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_in_an_organization_is_refused_once_the_membership_is_suspended() {
    let w = world().await;
    let (_, tokens) = w.signed_in().await;
    // Suspended without ending the session (as if the session had been
    // started elsewhere): the refresh grant itself must refuse.
    let ada = w.ada().await;
    let org = hallpass_core::ids::OrgId::parse(&w.dir.organization_id).unwrap();
    let store = &w.env.app.state.ctx().store;
    assert!(store
        .suspend_membership(&org, &ada.id, Some(hallpass_core::clock::Timestamp(1)))
        .await
        .unwrap());
    let (status, body) = w.refresh(&tokens).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], "invalid_grant");
    assert!(
        body["error_description"].as_str().unwrap().contains("suspended"),
        "{body}"
    );
    assert!(store.suspend_membership(&org, &ada.id, None).await.unwrap());
    let (status, body) = w.refresh(&tokens).await;
    assert_eq!(status, 200, "the same token works again once restored: {body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_membership_gives_roles_at_the_next_refresh() {
    let w = world().await;
    let (_, tokens) = w.signed_in().await;
    assert_eq!(claims_of(&tokens)["roles"], json!(["member"]));
    let group = w
        .env
        .ok(
            &w.dir,
            "POST",
            "/Groups",
            Some(json!({ "schemas": [GROUP], "displayName": "Admins", "members": [{ "value": w.scim_id }] })),
        )
        .await;
    let (status, tokens) = w.refresh(&tokens).await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(claims_of(&tokens)["roles"], json!(["admin"]));

    let path = format!("/Groups/{}", group["id"].as_str().unwrap());
    let remove = json!([{ "op": "remove", "path": format!("members[value eq \"{}\"]", w.scim_id) }]);
    w.env
        .ok(
            &w.dir,
            "PATCH",
            &path,
            Some(json!({ "schemas": [PATCH_OP], "Operations": remove })),
        )
        .await;
    let (_, tokens) = w.refresh(&tokens).await;
    assert_eq!(claims_of(&tokens)["roles"], json!(["member"]));

    // Back in, then the group is deleted: the role goes with it.
    let add = json!([{ "op": "add", "path": "members", "value": [{ "value": w.scim_id }] }]);
    w.env
        .ok(
            &w.dir,
            "PATCH",
            &path,
            Some(json!({ "schemas": [PATCH_OP], "Operations": add })),
        )
        .await;
    let (_, tokens) = w.refresh(&tokens).await;
    assert_eq!(claims_of(&tokens)["roles"], json!(["admin"]));
    assert_eq!(
        w.env.scim(&w.dir, "DELETE", &path, None).await.status,
        StatusCode::NO_CONTENT
    );
    let (_, tokens) = w.refresh(&tokens).await;
    assert_eq!(claims_of(&tokens)["roles"], json!(["member"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_a_user_removes_the_membership_the_sessions_and_an_account_with_no_other_way_in() {
    let w = world().await;
    let (session, tokens) = w.signed_in().await;
    let path = format!("/Users/{}", w.scim_id);
    assert_eq!(
        w.env.scim(&w.dir, "DELETE", &path, None).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(w.receiver.next_claims().await["sid"], session.id.as_str());
    assert_eq!(w.refresh(&tokens).await.0, 400);
    assert!(
        w.user("ada@acme.test").await.is_none(),
        "no password, no other organization: gone"
    );
    assert_scim_error(&w.env.scim(&w.dir, "GET", &path, None).await, 404, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_a_user_who_has_a_password_keeps_their_account() {
    let w = world().await;
    let grace = w
        .env
        .app
        .user_with_password("grace@acme.test", "a long pass phrase")
        .await;
    let made = w
        .env
        .ok(
            &w.dir,
            "POST",
            "/Users",
            Some(json!({ "schemas": [USER], "userName": "grace@acme.test" })),
        )
        .await;
    assert_eq!(
        w.user("grace@acme.test").await.unwrap().id,
        grace.id,
        "linked by email, not made anew"
    );
    let path = format!("/Users/{}", made["id"].as_str().unwrap());
    assert_eq!(
        w.env.scim(&w.dir, "DELETE", &path, None).await.status,
        StatusCode::NO_CONTENT
    );
    let kept = w
        .user("grace@acme.test")
        .await
        .expect("an account with a password stays");
    assert_eq!(kept.id, grace.id);
    let members = w.env.members(&w.dir.organization_id).await;
    assert!(
        !members.iter().any(|m| m["user_id"] == grace.id.as_str()),
        "but not in the organization"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_without_an_email_is_kept_and_joins_once_an_email_is_set() {
    let w = world().await;
    let made = w
        .env
        .ok(
            &w.dir,
            "POST",
            "/Users",
            Some(json!({ "schemas": [USER], "userName": "jdoe", "externalId": "e-1" })),
        )
        .await;
    assert_eq!(made["userName"], "jdoe");
    let before = w.env.members(&w.dir.organization_id).await.len();
    let path = format!("/Users/{}", made["id"].as_str().unwrap());
    let ops = json!([{ "op": "add", "path": "emails", "value": [{ "value": "jdoe@acme.test", "primary": true }] }]);
    w.env
        .ok(
            &w.dir,
            "PATCH",
            &path,
            Some(json!({ "schemas": [PATCH_OP], "Operations": ops })),
        )
        .await;
    let jdoe = w
        .user("jdoe@acme.test")
        .await
        .expect("a Hallpass user once the email is known");
    let members = w.env.members(&w.dir.organization_id).await;
    assert_eq!(members.len(), before + 1);
    assert!(members.iter().any(|m| m["user_id"] == jdoe.id.as_str()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_are_audited_with_the_directory_as_actor() {
    let w = world().await;
    w.patch_user(json!([{ "op": "replace", "path": "displayName", "value": "Countess" }]))
        .await;
    let (status, page) = w.env.api("GET", "/audit-events?limit=200", None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let events = page["data"].as_array().unwrap();
    let by_directory: Vec<&str> = events
        .iter()
        .filter(|e| e["actor"] == w.dir.id.as_str())
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    for kind in [
        "scim.created",
        "user.created",
        "membership.created",
        "scim.updated",
        "user.updated",
    ] {
        assert!(by_directory.contains(&kind), "{kind} in {by_directory:?}");
    }
    let updated = events.iter().find(|e| e["type"] == "scim.updated").unwrap();
    assert_eq!(updated["details"]["after"]["displayName"], "Countess", "{updated}");
    assert!(updated["details"]["before"].get("displayName").is_none(), "{updated}");
}
