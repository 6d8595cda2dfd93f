//! The requests Okta sends (developer.okta.com, "Okta and SCIM Version
//! 2.0"), replayed in order: a user assigned, updated, deactivated,
//! reactivated and unassigned; a group pushed, renamed, its members changed,
//! and deleted.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn okta_user_lifecycle() {
    let env = Env::start().await;
    let dir = env.directory("Okta Org", json!({})).await;

    // Assign: Okta looks the userName up first, then creates.
    let found = env
        .ok(
            &dir,
            "GET",
            "/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100",
            None,
        )
        .await;
    assert_eq!(found["totalResults"], 0);
    assert_eq!(found["Resources"], json!([]));
    let created = env
        .scim(
            &dir,
            "POST",
            "/Users",
            Some(json!({
                "schemas": [USER],
                "userName": "test.user@okta.local",
                "name": { "givenName": "Test", "familyName": "User" },
                "emails": [{ "primary": true, "value": "test.user@okta.local", "type": "work" }],
                "displayName": "Test User",
                "locale": "en-US",
                "externalId": "00ujl29u0le5T6Aj10h7",
                "groups": [],
                "password": "1mz050nq",
                "active": true
            })),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let user = created.body;
    let id = user["id"].as_str().unwrap().to_owned();
    assert_eq!(
        created.headers["location"].to_str().unwrap(),
        format!("{}/Users/{id}", dir.base)
    );
    assert_eq!(created.headers["etag"].to_str().unwrap(), "W/\"1\"");
    assert_eq!(user["meta"]["version"], "W/\"1\"");
    assert_eq!(user["meta"]["resourceType"], "User");
    assert_eq!(user["externalId"], "00ujl29u0le5T6Aj10h7");
    assert!(user.get("password").is_none(), "a password is never returned");
    assert_eq!(env.members(&dir.organization_id).await.len(), 1);

    // Okta finds it by userName thereafter, and reads it by id.
    let found = env
        .ok(
            &dir,
            "GET",
            "/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100",
            None,
        )
        .await;
    assert_eq!(found["totalResults"], 1);
    assert_eq!(found["Resources"][0]["id"], id.as_str());
    let read = env.ok(&dir, "GET", &format!("/Users/{id}"), None).await;
    assert_eq!(read, user);

    // Profile update: a PUT of the whole user.
    let mut replaced = user.clone();
    replaced["name"]["familyName"] = json!("Userson");
    replaced["displayName"] = json!("Test Userson");
    let updated = env.ok(&dir, "PUT", &format!("/Users/{id}"), Some(replaced)).await;
    assert_eq!(updated["name"]["familyName"], "Userson");
    assert_eq!(updated["meta"]["version"], "W/\"2\"");

    // Deactivate (Okta's unassign too): a path-less replace.
    let deactivate = json!({
        "schemas": [PATCH_OP],
        "Operations": [{ "op": "replace", "value": { "active": false } }]
    });
    let off = env.ok(&dir, "PATCH", &format!("/Users/{id}"), Some(deactivate)).await;
    assert_eq!(off["active"], false);
    let members = env.members(&dir.organization_id).await;
    assert_eq!(members[0]["status"], "suspended");

    // Reactivate.
    let reactivate = json!({
        "schemas": [PATCH_OP],
        "Operations": [{ "op": "replace", "value": { "active": true } }]
    });
    let on = env.ok(&dir, "PATCH", &format!("/Users/{id}"), Some(reactivate)).await;
    assert_eq!(on["active"], true);
    assert_eq!(env.members(&dir.organization_id).await[0]["status"], "active");

    // Okta's import reads pages of users.
    let page = env.ok(&dir, "GET", "/Users?startIndex=1&count=2", None).await;
    assert_eq!(page["totalResults"], 1);
    assert_eq!(page["itemsPerPage"], 1);
    assert_eq!(page["startIndex"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn okta_group_push() {
    let env = Env::start().await;
    let dir = env.directory("Okta Org", json!({ "Test SCIMv2": "admin" })).await;
    let mut ids = Vec::new();
    for name in ["test.user", "other.user"] {
        let u = env
            .ok(
                &dir,
                "POST",
                "/Users",
                Some(json!({
                    "schemas": [USER],
                    "userName": format!("{name}@okta.local"),
                    "emails": [{ "primary": true, "value": format!("{name}@okta.local"), "type": "work" }],
                    "active": true
                })),
            )
            .await;
        ids.push(u["id"].as_str().unwrap().to_owned());
    }

    // Push: look the group up by name, then create it without members.
    let found = env
        .ok(
            &dir,
            "GET",
            "/Groups?filter=displayName%20eq%20%22Test%20SCIMv2%22&startIndex=1&count=100",
            None,
        )
        .await;
    assert_eq!(found["totalResults"], 0);
    let made = env
        .scim(
            &dir,
            "POST",
            "/Groups",
            Some(json!({ "schemas": [GROUP], "displayName": "Test SCIMv2", "members": [] })),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let group = made.body["id"].as_str().unwrap().to_owned();
    let path = format!("/Groups/{group}");

    // Rename: a path-less replace carrying the group's own id.
    let renamed = env
        .ok(
            &dir,
            "PATCH",
            &path,
            Some(json!({
                "schemas": [PATCH_OP],
                "Operations": [{ "op": "replace", "value": { "id": group, "displayName": "Test SCIMv2" } }]
            })),
        )
        .await;
    assert_eq!(renamed["displayName"], "Test SCIMv2");

    // Members added, with their display names.
    let added = env
        .ok(
            &dir,
            "PATCH",
            &path,
            Some(json!({
                "schemas": [PATCH_OP],
                "Operations": [{
                    "op": "add",
                    "path": "members",
                    "value": [
                        { "value": ids[0], "display": "test.user@okta.local" },
                        { "value": ids[1], "display": "other.user@okta.local" }
                    ]
                }]
            })),
        )
        .await;
    assert_eq!(added["members"].as_array().unwrap().len(), 2);
    let roles = admin_roles(&env, &dir).await;
    assert_eq!(roles, 2, "both members hold the mapped role");

    // A member removed with a value filter.
    env.ok(
        &dir,
        "PATCH",
        &path,
        Some(json!({
            "schemas": [PATCH_OP],
            "Operations": [{ "op": "remove", "path": format!("members[value eq \"{}\"]", ids[1]) }]
        })),
    )
    .await;
    let read = env.ok(&dir, "GET", &path, None).await;
    assert_eq!(read["members"], json!([{ "value": ids[0] }]));
    assert_eq!(admin_roles(&env, &dir).await, 1);

    // Unlink and delete the pushed group.
    assert_eq!(
        env.scim(&dir, "DELETE", &path, None).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(admin_roles(&env, &dir).await, 0);
    assert_scim_error(&env.scim(&dir, "GET", &path, None).await, 404, None);
}

/// How many of the organization's members hold the `admin` role.
async fn admin_roles(env: &Env, dir: &Directory) -> usize {
    env.members(&dir.organization_id)
        .await
        .iter()
        .filter(|m| m["roles"].as_array().unwrap().contains(&json!("admin")))
        .count()
}
