//! Two organizations, each with a directory: a token reaches only its own
//! directory, and a resource of the other directory is not there at all.

use super::*;

async fn two() -> (Env, Directory, Directory, String) {
    let env = Env::start().await;
    let a = env.directory("Alpha", json!({})).await;
    let b = env.directory("Beta", json!({})).await;
    let user = env
        .ok(
            &a,
            "POST",
            "/Users",
            Some(json!({ "schemas": [USER], "userName": "same@alpha.test" })),
        )
        .await;
    (env, a, b, user["id"].as_str().unwrap().to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_opens_only_its_own_directory() {
    let (env, a, b, _) = two().await;
    // b's token on a's URL: 401, as a SCIM error.
    for path in ["/Users", "/Groups", "/ServiceProviderConfig", "/Schemas"] {
        let answer = env.scim_as(&a, &b.token, "GET", path, None, &[]).await;
        assert_scim_error(&answer, 401, None);
        assert!(answer.headers.get("www-authenticate").is_some());
    }
    let written = env
        .scim_as(
            &a,
            &b.token,
            "POST",
            "/Users",
            Some(json!({ "schemas": [USER], "userName": "x@alpha.test" })),
            &[],
        )
        .await;
    assert_scim_error(&written, 401, None);
    assert_eq!(
        env.ok(&a, "GET", "/Users", None).await["totalResults"],
        1,
        "nothing was written"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_directorys_resource_is_not_found_and_untouched() {
    let (env, a, b, id) = two().await;
    let path = format!("/Users/{id}");
    assert_scim_error(&env.scim(&b, "GET", &path, None).await, 404, None);
    let patch = json!({ "schemas": [PATCH_OP], "Operations": [{ "op": "replace", "value": { "active": false } }] });
    assert_scim_error(&env.scim(&b, "PATCH", &path, Some(patch)).await, 404, None);
    let put = json!({ "schemas": [USER], "userName": "taken@beta.test" });
    assert_scim_error(&env.scim(&b, "PUT", &path, Some(put)).await, 404, None);
    assert_scim_error(&env.scim(&b, "DELETE", &path, None).await, 404, None);
    assert_scim_error(&env.scim(&b, "GET", &format!("/Groups/{id}"), None).await, 404, None);
    let listed = env
        .ok(&b, "GET", "/Users?filter=userName%20eq%20%22same%40alpha.test%22", None)
        .await;
    assert_eq!(listed["totalResults"], 0);
    let by_id = env
        .ok(&b, "GET", &format!("/Users?filter=id%20eq%20%22{id}%22"), None)
        .await;
    assert_eq!(by_id["totalResults"], 0);

    // Untouched in its own directory, and b's organization gained nobody.
    let user = env.ok(&a, "GET", &path, None).await;
    assert_eq!(user["active"], Value::Null);
    assert_eq!(user["meta"]["version"], "W/\"1\"");
    assert!(env.members(&b.organization_id).await.is_empty());

    // A group of b cannot name a's user as a member.
    let group = json!({ "schemas": [GROUP], "displayName": "Sneaky", "members": [{ "value": id }] });
    assert_scim_error(
        &env.scim(&b, "POST", "/Groups", Some(group)).await,
        400,
        Some("invalidValue"),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_user_name_may_live_in_two_directories() {
    let (env, a, b, _) = two().await;
    let again = env
        .scim(
            &b,
            "POST",
            "/Users",
            Some(json!({ "schemas": [USER], "userName": "same@alpha.test" })),
        )
        .await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.body);
    // One Hallpass user, a member of both organizations.
    let a_members = env.members(&a.organization_id).await;
    let b_members = env.members(&b.organization_id).await;
    assert_eq!(a_members[0]["user_id"], b_members[0]["user_id"]);
    // Deleting it in b leaves a's membership and the account.
    let path = format!("/Users/{}", again.body["id"].as_str().unwrap());
    assert_eq!(env.scim(&b, "DELETE", &path, None).await.status, StatusCode::NO_CONTENT);
    assert!(env.members(&b.organization_id).await.is_empty());
    assert_eq!(env.members(&a.organization_id).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replaced_token_stops_working_at_once() {
    let (env, a, _, _) = two().await;
    let (status, fresh) = env.api("POST", &format!("/directories/{}/token", a.id), None).await;
    assert_eq!(status, StatusCode::CREATED, "{fresh}");
    assert_scim_error(&env.scim(&a, "GET", "/Users", None).await, 401, None);
    let renewed = Directory {
        token: fresh["bearer_token"].as_str().unwrap().to_owned(),
        ..a
    };
    assert_eq!(env.ok(&renewed, "GET", "/Users", None).await["totalResults"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_directory_cannot_reach_the_account_of_someone_who_belongs_elsewhere() {
    let (env, a, b, _) = two().await;
    // Eve is a member of b's organization with a password, signed in.
    let eve = env.app.user_with_password("eve@beta.test", "a long pass phrase").await;
    let (status, _) = env
        .api(
            "PUT",
            &format!("/organizations/{}/members/{}", b.organization_id, eve.id),
            Some(json!({})),
        )
        .await;
    assert!(status.is_success());
    let (_, session) = env.app.sign_in(&eve).await;

    // a's directory provisions her address, then changes it and deactivates her.
    let claimed = env
        .ok(
            &a,
            "POST",
            "/Users",
            Some(json!({ "schemas": [USER], "userName": "eve@beta.test" })),
        )
        .await;
    let path = format!("/Users/{}", claimed["id"].as_str().unwrap());
    let ops = json!({ "schemas": [PATCH_OP], "Operations": [
        { "op": "replace", "path": "userName", "value": "eve@attacker.test" },
        { "op": "replace", "path": "active", "value": false }
    ] });
    env.ok(&a, "PATCH", &path, Some(ops)).await;

    let store = &env.app.state.ctx().store;
    let account = store.get_user(&eve.id).await.unwrap().unwrap();
    assert_eq!(
        account.email.as_str(),
        "eve@beta.test",
        "her address is not a's to move"
    );
    assert!(
        env.app.session(&session.id).await.ended_at.is_none(),
        "her session is not a's to end"
    );
    let a_members = env.members(&a.organization_id).await;
    let eve_in_a = a_members.iter().find(|m| m["user_id"] == eve.id.as_str()).unwrap();
    assert_eq!(
        eve_in_a["status"], "suspended",
        "but she has nothing in a's organization"
    );

    // Deleting her in a removes her from a only.
    assert_eq!(env.scim(&a, "DELETE", &path, None).await.status, StatusCode::NO_CONTENT);
    assert!(store.get_user(&eve.id).await.unwrap().is_some());
    assert!(env.app.session(&session.id).await.ended_at.is_none());
    assert_eq!(env.members(&b.organization_id).await.len(), 1);
}
