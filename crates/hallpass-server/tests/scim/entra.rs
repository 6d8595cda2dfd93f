//! The requests Microsoft Entra ID's provisioning service sends
//! (learn.microsoft.com, "Tutorial: Develop and plan provisioning for a SCIM
//! endpoint", its request/response examples), replayed in order.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entra_user_lifecycle() {
    let env = Env::start().await;
    let dir = env.directory("Contoso", json!({})).await;

    // Entra first asks for a user that is not there.
    let none = env
        .ok(&dir, "GET", "/Users?filter=userName+eq+%22non-existent+user%22", None)
        .await;
    assert_eq!(none["totalResults"], 0);

    // Create User.
    let created = env
        .scim(
            &dir,
            "POST",
            "/Users",
            Some(json!({
                "schemas": [USER, ENTERPRISE],
                "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
                "userName": "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1",
                "active": true,
                "emails": [{
                    "primary": true,
                    "type": "work",
                    "value": "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com"
                }],
                "meta": { "resourceType": "User" },
                "name": { "formatted": "givenName familyName", "familyName": "familyName", "givenName": "givenName" },
                "roles": []
            })),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    let path = format!("/Users/{id}");

    // Get User by query (userName, case-insensitively) and by externalId.
    let by_name = env
        .ok(
            &dir,
            "GET",
            "/Users?filter=userName+eq+%22test_user_ab6490ee-1e48-479e-a20b-2d77186b5dd1%22",
            None,
        )
        .await;
    assert_eq!(by_name["totalResults"], 1);
    assert_eq!(by_name["Resources"][0]["id"], id.as_str());
    let by_external = env
        .ok(
            &dir,
            "GET",
            "/Users?filter=externalId+eq+%220a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef%22",
            None,
        )
        .await;
    assert_eq!(by_external["totalResults"], 1);

    // Update User [Multi-valued properties].
    let updated = env
        .ok(
            &dir,
            "PATCH",
            &path,
            Some(json!({
                "schemas": [PATCH_OP],
                "Operations": [
                    { "op": "Replace", "path": "emails[type eq \"work\"].value", "value": "updatedEmail@microsoft.com" },
                    { "op": "Replace", "path": "name.familyName", "value": "updatedFamilyName" }
                ]
            })),
        )
        .await;
    assert_eq!(updated["emails"][0]["value"], "updatedEmail@microsoft.com");
    assert_eq!(updated["name"]["familyName"], "updatedFamilyName");
    let store = &env.app.state.ctx().store;
    let email = hallpass_core::values::Email::parse("updatedemail@microsoft.com").unwrap();
    assert!(
        store.find_user_by_email(&email).await.unwrap().is_some(),
        "the Hallpass user's email follows"
    );

    // Update User [Single-valued properties].
    let renamed = env
        .ok(
            &dir,
            "PATCH",
            &path,
            Some(json!({
                "schemas": [PATCH_OP],
                "Operations": [{ "op": "Replace", "path": "userName", "value": "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com" }]
            })),
        )
        .await;
    assert_eq!(renamed["userName"], "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com");

    // Entra's attribute mapping: an Add on a value path, and the enterprise extension.
    let extended = env
        .ok(
            &dir,
            "PATCH",
            &path,
            Some(json!({
                "schemas": [PATCH_OP],
                "Operations": [
                    { "op": "Add", "path": "emails[type eq \"work\"].value", "value": "updatedEmail@microsoft.com" },
                    { "op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "Finance" },
                    { "op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "value": "b3c4-manager" },
                    { "op": "Replace", "path": "title", "value": "scim tester" }
                ]
            })),
        )
        .await;
    assert_eq!(extended[ENTERPRISE]["department"], "Finance");
    assert_eq!(
        extended[ENTERPRISE]["manager"],
        json!({ "value": "b3c4-manager" }),
        "Entra sends the manager's id alone"
    );
    assert_eq!(extended["title"], "scim tester");
    assert_eq!(extended["schemas"], json!([USER, ENTERPRISE]));

    // Disable User: `false`, and in older tenants `"False"`.
    for value in [json!(false), json!("False")] {
        let off = env
            .ok(
                &dir,
                "PATCH",
                &path,
                Some(json!({ "Operations": [{ "op": "Replace", "path": "active", "value": value }], "schemas": [PATCH_OP] })),
            )
            .await;
        assert_eq!(off["active"], false);
    }
    assert_eq!(env.members(&dir.organization_id).await[0]["status"], "suspended");

    // Delete User.
    assert_eq!(
        env.scim(&dir, "DELETE", &path, None).await.status,
        StatusCode::NO_CONTENT
    );
    assert_scim_error(&env.scim(&dir, "GET", &path, None).await, 404, None);
    assert!(env.members(&dir.organization_id).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entra_group_lifecycle() {
    let env = Env::start().await;
    let dir = env.directory("Contoso", json!({ "Finance Admins": "admin" })).await;
    let mut users = Vec::new();
    for n in 0..2 {
        let u = env
            .ok(
                &dir,
                "POST",
                "/Users",
                Some(json!({ "schemas": [USER], "userName": format!("user{n}@contoso.test"), "active": true })),
            )
            .await;
        users.push(u["id"].as_str().unwrap().to_owned());
    }

    // Create Group (with Entra's own extra schema URN in `schemas`).
    let made = env
        .scim(
            &dir,
            "POST",
            "/Groups",
            Some(json!({
                "schemas": [GROUP, "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
                "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
                "displayName": "displayName",
                "meta": { "resourceType": "Group" }
            })),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let id = made.body["id"].as_str().unwrap().to_owned();
    let path = format!("/Groups/{id}");

    // Get Group, and Get Group by displayName, without members.
    let read = env
        .ok(&dir, "GET", &format!("{path}?excludedAttributes=members"), None)
        .await;
    assert_eq!(read["displayName"], "displayName");
    assert!(read.get("members").is_none());
    let found = env
        .ok(
            &dir,
            "GET",
            "/Groups?excludedAttributes=members&filter=displayName+eq+%22displayName%22",
            None,
        )
        .await;
    assert_eq!(found["totalResults"], 1);

    // Update Group [Non-member attributes].
    env.ok(
        &dir,
        "PATCH",
        &path,
        Some(json!({
            "schemas": [PATCH_OP],
            "Operations": [{ "op": "Replace", "path": "displayName", "value": "Finance Admins" }]
        })),
    )
    .await;

    // Update Group [Add Members].
    let added = env
        .ok(
            &dir,
            "PATCH",
            &path,
            Some(json!({
                "schemas": [PATCH_OP],
                "Operations": [{
                    "op": "Add",
                    "path": "members",
                    "value": [{ "$ref": null, "value": users[0] }, { "$ref": null, "value": users[1] }]
                }]
            })),
        )
        .await;
    assert_eq!(added["members"].as_array().unwrap().len(), 2);
    let admins = |members: &Vec<Value>| members.iter().filter(|m| m["roles"] == json!(["admin"])).count();
    assert_eq!(admins(&env.members(&dir.organization_id).await), 2);

    // Update Group [Remove Members].
    env.ok(
        &dir,
        "PATCH",
        &path,
        Some(json!({
            "schemas": [PATCH_OP],
            "Operations": [{ "op": "Remove", "path": "members", "value": [{ "$ref": null, "value": users[0] }] }]
        })),
    )
    .await;
    let read = env.ok(&dir, "GET", &path, None).await;
    assert_eq!(read["members"], json!([{ "value": users[1] }]));
    assert_eq!(admins(&env.members(&dir.organization_id).await), 1);

    // Delete Group.
    assert_eq!(
        env.scim(&dir, "DELETE", &path, None).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(admins(&env.members(&dir.organization_id).await), 0);
}
