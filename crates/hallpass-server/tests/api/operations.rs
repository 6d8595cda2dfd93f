//! Sessions, signing keys and the audit trail.

use super::*;
use hallpass_core::ids::UserId;

#[tokio::test]
async fn sessions_are_listed_and_revoked_one_or_all() {
    let api = Api::start().await;
    let user = api.app.user("ada@example.com").await;
    let (one, first) = api.app.sign_in(&user).await;
    let (two, _) = api.app.sign_in(&user).await;
    let listed = api.ok("GET", &format!("/users/{}/sessions", user.id), None).await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 2);

    assert_eq!(
        api.call("DELETE", &format!("/sessions/{}", first.id), None).await.0,
        204
    );
    let live = hallpass_core::oauth::sessions::live_session(api.app.state.ctx(), &one)
        .await
        .unwrap();
    assert!(live.is_none(), "the revoked session is over");
    assert_eq!(
        api.ok("GET", &format!("/users/{}/sessions", user.id), None).await["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    assert_eq!(
        api.call("DELETE", &format!("/users/{}/sessions", user.id), None)
            .await
            .0,
        204
    );
    assert!(hallpass_core::oauth::sessions::live_session(api.app.state.ctx(), &two)
        .await
        .unwrap()
        .is_none());
    let audit = api
        .ok(
            "GET",
            &format!("/audit-events?user_id={}&type=session.revoked_all", user.id),
            None,
        )
        .await;
    assert_eq!(audit["data"].as_array().unwrap().len(), 1);
    assert_error(
        &api.call("GET", "/users/usr_01jbadbadbadbadbadbadbadba/sessions", None)
            .await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn keys_are_listed_and_rotated() {
    let api = Api::start().await;
    let before = api.ok("GET", "/keys", None).await;
    let active_es256 = |keys: &Value| {
        keys["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["alg"] == "ES256" && k["status"] == "active")
            .unwrap()["kid"]
            .clone()
    };
    let old = active_es256(&before);
    let after = api
        .ok("POST", "/keys/rotate", Some(json!({"algorithm": "ES256"})))
        .await;
    assert_ne!(active_es256(&after), old);
    let jwks = api.public_json(&api.app.url("/.well-known/jwks.json")).await;
    let kids: Vec<&Value> = jwks["keys"].as_array().unwrap().iter().map(|k| &k["kid"]).collect();
    assert!(kids.contains(&&old), "the retired key is still published");
    assert!(kids.contains(&&active_es256(&after)), "the new key is served at once");
    assert_error(
        &api.call("POST", "/keys/rotate", Some(json!({"algorithm": "HS256"})))
            .await,
        422,
        "invalid_field",
    );
}

#[tokio::test]
async fn audit_events_filter_by_user_type_and_time() {
    let api = Api::start().await;
    let id = api.create_user("audited@example.com").await;
    api.ok("PATCH", &format!("/users/{id}"), Some(json!({"name": "A"})))
        .await;
    let all = api.ok("GET", &format!("/audit-events?user_id={id}"), None).await;
    let types: Vec<&str> = all["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, vec!["user.updated", "user.created"], "newest first");
    let future = api.ok("GET", "/audit-events?since=2999-01-01T00:00:00Z", None).await;
    assert!(future["data"].as_array().unwrap().is_empty());
    let page = api
        .ok("GET", &format!("/audit-events?user_id={id}&limit=1"), None)
        .await;
    let next = api
        .ok(
            "GET",
            &format!(
                "/audit-events?user_id={id}&limit=1&before={}",
                page["next_cursor"].as_str().unwrap()
            ),
            None,
        )
        .await;
    assert_eq!(next["data"][0]["type"], "user.created");
    assert_error(
        &api.call("GET", "/audit-events?since=yesterday", None).await,
        422,
        "invalid_field",
    );
    assert_error(
        &api.call("GET", "/audit-events?before=x", None).await,
        422,
        "invalid_field",
    );
    let _ = UserId::parse(&id).unwrap();
}
