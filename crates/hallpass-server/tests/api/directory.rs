//! Users, organizations, memberships and roles.

use super::*;

#[tokio::test]
async fn users_are_created_found_paged_changed_and_deleted() {
    let api = Api::start().await;
    let created = api
        .call(
            "POST",
            "/users",
            Some(json!({"email": "Ada@Example.com", "name": "Ada", "email_verified": true})),
        )
        .await;
    assert_eq!(created.0, 201, "{}", created.1);
    let id = created.1["id"].as_str().unwrap().to_owned();
    assert_eq!(created.1["has_password"], false);

    assert_error(
        &api.call("POST", "/users", Some(json!({"email": "ada@example.com"})))
            .await,
        409,
        "conflict",
    );
    let bad_email = api
        .call("POST", "/users", Some(json!({"email": "not an address"})))
        .await;
    assert_error(&bad_email, 422, "invalid_field");
    assert!(bad_email.1["error_description"].as_str().unwrap().contains("email"));
    let missing = api.call("POST", "/users", Some(json!({"name": "No Email"}))).await;
    assert_error(&missing, 422, "invalid_field");
    assert!(missing.1["error_description"].as_str().unwrap().contains("email"));
    let unknown = api
        .call("POST", "/users", Some(json!({"email": "x@example.com", "admin": true})))
        .await;
    assert_error(&unknown, 422, "invalid_field");
    assert!(unknown.1["error_description"].as_str().unwrap().contains("admin"));
    let wrong_type = api
        .call(
            "POST",
            "/users",
            Some(json!({"email": "x@example.com", "email_verified": "yes"})),
        )
        .await;
    assert_error(&wrong_type, 422, "invalid_field");
    assert!(wrong_type.1["error_description"]
        .as_str()
        .unwrap()
        .contains("email_verified"));
    let weak = api
        .call(
            "POST",
            "/users",
            Some(json!({"email": "y@example.com", "password": "password"})),
        )
        .await;
    assert_error(&weak, 422, "invalid_field");
    let not_json = api
        .http
        .post(api.url("/users"))
        .bearer_auth(&api.token)
        .body("email=a@b.c")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 415);
    assert!(
        api.ok("GET", "/users?email=x@example.com", None).await["data"]
            .as_array()
            .unwrap()
            .is_empty(),
        "refused creates left nothing"
    );

    let found = api.ok("GET", "/users?email=ADA@example.com", None).await;
    assert_eq!(found["data"][0]["id"], id.as_str());
    for i in 0..4 {
        api.create_user(&format!("user{i}@example.com")).await;
    }
    let first = api.ok("GET", "/users?limit=2", None).await;
    assert_eq!(first["data"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = api.ok("GET", &format!("/users?limit=2&after={cursor}"), None).await;
    let third = api
        .ok(
            "GET",
            &format!("/users?limit=2&after={}", second["next_cursor"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(third["data"].as_array().unwrap().len(), 1);
    assert!(third["next_cursor"].is_null(), "the last page has no cursor");
    assert_error(
        &api.call("GET", "/users?after=garbage", None).await,
        422,
        "invalid_field",
    );
    assert_error(&api.call("GET", "/users?limit=many", None).await, 422, "invalid_field");

    let changed = api
        .ok(
            "PATCH",
            &format!("/users/{id}"),
            Some(json!({"name": "Ada Lovelace", "metadata": {"plan": "pro"}})),
        )
        .await;
    assert_eq!(changed["name"], "Ada Lovelace");
    assert_eq!(changed["metadata"]["plan"], "pro");
    assert_error(
        &api.call("PATCH", &format!("/users/{id}"), Some(json!({"metadata": [1]})))
            .await,
        422,
        "invalid_field",
    );
    let events = api
        .ok("GET", &format!("/audit-events?type=user.updated&user_id={id}"), None)
        .await;
    assert_eq!(events["data"][0]["details"]["before"]["name"], "Ada");
    assert_eq!(events["data"][0]["details"]["after"]["name"], "Ada Lovelace");
    assert!(
        events["data"][0]["actor"].as_str().unwrap().starts_with("cli_"),
        "the API client is the actor"
    );

    let (token, _) = api
        .app
        .sign_in(
            &api.app
                .state
                .ctx()
                .store
                .get_user(&hallpass_core::ids::UserId::parse(&id).unwrap())
                .await
                .unwrap()
                .unwrap(),
        )
        .await;
    let deleted = api.call("DELETE", &format!("/users/{id}"), None).await;
    assert_eq!(deleted.0, 204);
    assert_error(&api.call("GET", &format!("/users/{id}"), None).await, 404, "not_found");
    assert_error(
        &api.call("DELETE", &format!("/users/{id}"), None).await,
        404,
        "not_found",
    );
    let account = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(api.app.url("/account"))
        .header("cookie", api.app.cookie(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(account.status(), 303, "the deleted user's session is over");
}

#[tokio::test]
async fn organizations_have_slugs_members_and_roles() {
    let api = Api::start().await;
    let created = api
        .call(
            "POST",
            "/organizations",
            Some(json!({"name": "Acme, Inc.", "external_id": "acme-42"})),
        )
        .await;
    assert_eq!(created.0, 201, "{}", created.1);
    assert_eq!(created.1["slug"], "acme-inc", "derived from the name");
    let org = created.1["id"].as_str().unwrap().to_owned();
    assert_error(
        &api.call("POST", "/organizations", Some(json!({"name": "Acme Inc"})))
            .await,
        409,
        "conflict",
    );
    assert_error(
        &api.call(
            "POST",
            "/organizations",
            Some(json!({"name": "Bad", "slug": "Not A Slug"})),
        )
        .await,
        422,
        "invalid_field",
    );
    assert_error(
        &api.call("POST", "/organizations", Some(json!({"name": "  "}))).await,
        422,
        "invalid_field",
    );

    let renamed = api
        .ok(
            "PATCH",
            &format!("/organizations/{org}"),
            Some(json!({"name": "Acme Corporation"})),
        )
        .await;
    assert_eq!(renamed["name"], "Acme Corporation");
    assert_eq!(renamed["slug"], "acme-inc", "the slug stays unless changed");
    let audit = api.ok("GET", "/audit-events?type=organization.updated", None).await;
    assert_eq!(audit["data"][0]["details"]["before"]["name"], "Acme, Inc.");
    assert_eq!(audit["data"][0]["details"]["after"]["name"], "Acme Corporation");
    assert_eq!(
        api.ok("GET", "/organizations", None).await["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let first = api.create_user("first@example.com").await;
    let second = api.create_user("second@example.com").await;
    let m1 = api
        .ok("PUT", &format!("/organizations/{org}/members/{first}"), Some(json!({})))
        .await;
    assert_eq!(m1["roles"], json!(["admin"]), "the first member is the admin");
    let m2 = api
        .ok(
            "PUT",
            &format!("/organizations/{org}/members/{second}"),
            Some(json!({})),
        )
        .await;
    assert_eq!(m2["roles"], json!(["member"]), "later members get the default role");

    let role = api
        .call(
            "POST",
            &format!("/organizations/{org}/roles"),
            Some(json!({"name": "editor", "permissions": ["documents:write", "documents:read"]})),
        )
        .await;
    assert_eq!(role.0, 201, "{}", role.1);
    assert_eq!(role.1["permissions"], json!(["documents:read", "documents:write"]));
    let m2 = api
        .ok(
            "PUT",
            &format!("/organizations/{org}/members/{second}"),
            Some(json!({"roles": ["editor", "member"]})),
        )
        .await;
    assert_eq!(m2["roles"], json!(["editor", "member"]));
    assert_error(
        &api.call(
            "PUT",
            &format!("/organizations/{org}/members/{second}"),
            Some(json!({"roles": ["nope"]})),
        )
        .await,
        422,
        "invalid_field",
    );
    assert_error(
        &api.call(
            "PUT",
            &format!("/organizations/{org}/members/usr_01jbadbadbadbadbadbadbadba"),
            Some(json!({})),
        )
        .await,
        404,
        "not_found",
    );
    let members = api.ok("GET", &format!("/organizations/{org}/members"), None).await;
    assert_eq!(members["data"].as_array().unwrap().len(), 2);
    let of_user = api.ok("GET", &format!("/users/{second}/memberships"), None).await;
    assert_eq!(of_user["data"][0]["organization_id"], org.as_str());

    assert_eq!(
        api.call("DELETE", &format!("/organizations/{org}/members/{second}"), None)
            .await
            .0,
        204
    );
    assert_error(
        &api.call("DELETE", &format!("/organizations/{org}/members/{second}"), None)
            .await,
        404,
        "not_found",
    );
    let audit = api
        .ok(
            "GET",
            &format!("/audit-events?type=membership.deleted&user_id={second}"),
            None,
        )
        .await;
    assert_eq!(audit["data"][0]["details"]["before"]["status"], "active");
}

#[tokio::test]
async fn roles_carry_permissions_written_resource_action() {
    let api = Api::start().await;
    let defaults = api.ok("GET", "/roles", None).await;
    let names: Vec<&str> = defaults["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["admin", "member"], "the built-in roles");
    let created = api
        .call(
            "POST",
            "/roles",
            Some(json!({"name": "billing", "description": "Pays", "permissions": ["invoices:read"]})),
        )
        .await;
    assert_eq!(created.0, 201);
    assert_error(
        &api.call("POST", "/roles", Some(json!({"name": "billing"}))).await,
        409,
        "conflict",
    );
    for bad in [
        json!({"name": "x", "permissions": ["no-colon"]}),
        json!({"name": "x", "permissions": ["Upper:case"]}),
        json!({"name": "Has Space"}),
    ] {
        assert_error(&api.call("POST", "/roles", Some(bad)).await, 422, "invalid_field");
    }
    let permissions = api.ok("GET", "/permissions", None).await;
    assert!(permissions["data"]
        .as_array()
        .unwrap()
        .contains(&json!("invoices:read")));
    assert_error(
        &api.call("GET", "/organizations/org_01jbadbadbadbadbadbadbadba/roles", None)
            .await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn malformed_bodies_and_unknown_targets_change_nothing() {
    let api = Api::start().await;
    let not_json = api
        .http
        .post(api.url("/users"))
        .bearer_auth(&api.token)
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 400);
    let body: Value = not_json.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");
    assert!(api.ok("GET", "/users", None).await["data"]
        .as_array()
        .unwrap()
        .is_empty());

    assert_error(
        &api.call("GET", "/users/usr_01jbadbadbadbadbadbadbadba/memberships", None)
            .await,
        404,
        "not_found",
    );
    let taken = api.ok("POST", "/organizations", Some(json!({"name": "Taken"}))).await;
    let other = api.create_org("Other").await;
    let clash = api
        .call(
            "PATCH",
            &format!("/organizations/{other}"),
            Some(json!({"slug": taken["slug"]})),
        )
        .await;
    assert_error(&clash, 409, "conflict");
    assert_eq!(
        api.ok("GET", &format!("/organizations/{other}"), None).await["slug"],
        "other",
        "unchanged"
    );

    let policy = format!("/organizations/{other}/session-policy");
    assert_error(&api.call("DELETE", &policy, None).await, 404, "not_found");
    assert_error(
        &api.call(
            "PUT",
            "/organizations/org_01jbadbadbadbadbadbadbadba/session-policy",
            Some(json!({"idle_timeout_secs": 600, "absolute_timeout_secs": 3600})),
        )
        .await,
        404,
        "not_found",
    );
}
