//! Every error a directory can get, each a SCIM error body with its status
//! (as a string) and `scimType`, and nothing changed.

use super::*;

async fn setup() -> (Env, Directory, String) {
    let env = Env::start().await;
    let dir = env.directory("Errors Inc", json!({})).await;
    let bob = env
        .ok(
            &dir,
            "POST",
            "/Users",
            Some(
                json!({ "schemas": [USER], "userName": "bob@errors.test", "emails": [{ "value": "bob@errors.test" }] }),
            ),
        )
        .await;
    (env, dir, bob["id"].as_str().unwrap().to_owned())
}

/// Bob as stored, to show that a refused request changed nothing.
async fn bob(env: &Env, dir: &Directory, id: &str) -> Value {
    env.ok(dir, "GET", &format!("/Users/{id}"), None).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_tokens_are_401() {
    let (env, dir, _) = setup().await;
    for token in ["", "nope", "hpscim_forged", env.admin.as_str()] {
        assert_scim_error(&env.scim_as(&dir, token, "GET", "/Users", None, &[]).await, 401, None);
    }
    let no_header = env.http.get(format!("{}/Users", dir.base)).send().await.unwrap();
    assert_scim_error(&answer(no_header).await, 401, None);
    let unknown = Directory {
        base: dir.base.replace(&dir.id, "dir_01jzzzzzzzzzzzzzzzzzzzzzzz"),
        ..dir.clone()
    };
    assert_scim_error(&env.scim(&unknown, "GET", "/Users", None).await, 401, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_json_is_invalid_syntax() {
    let (env, dir, id) = setup().await;
    let before = bob(&env, &dir, &id).await;
    for (method, path) in [
        ("POST", "/Users".to_owned()),
        ("PUT", format!("/Users/{id}")),
        ("PATCH", format!("/Users/{id}")),
    ] {
        let response = env
            .http
            .request(method.parse().unwrap(), format!("{}{path}", dir.base))
            .bearer_auth(&dir.token)
            .header("content-type", "application/scim+json")
            .body("{\"schemas\": [")
            .send()
            .await
            .unwrap();
        assert_scim_error(&answer(response).await, 400, Some("invalidSyntax"));
    }
    assert_eq!(bob(&env, &dir, &id).await, before);
    let wrong_type = env
        .http
        .post(format!("{}/Users", dir.base))
        .bearer_auth(&dir.token)
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_scim_error(&answer(wrong_type).await, 415, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_attributes_are_refused() {
    let (env, dir, id) = setup().await;
    let before = bob(&env, &dir, &id).await;
    let made = env
        .scim(
            &dir,
            "POST",
            "/Users",
            Some(json!({ "schemas": [USER], "userName": "carol", "shoeSize": 9 })),
        )
        .await;
    assert_scim_error(&made, 400, Some("invalidSyntax"));
    let put = env
        .scim(
            &dir,
            "PUT",
            &format!("/Users/{id}"),
            Some(json!({ "schemas": [USER], "userName": "bob@errors.test", "nick": "b" })),
        )
        .await;
    assert_scim_error(&put, 400, Some("invalidSyntax"));
    let patch = json!({ "schemas": [PATCH_OP], "Operations": [{ "op": "add", "path": "shoeSize", "value": 9 }] });
    assert_scim_error(
        &env.scim(&dir, "PATCH", &format!("/Users/{id}"), Some(patch)).await,
        400,
        Some("invalidPath"),
    );
    let wrong_type =
        json!({ "schemas": [PATCH_OP], "Operations": [{ "op": "replace", "path": "active", "value": "maybe" }] });
    assert_scim_error(
        &env.scim(&dir, "PATCH", &format!("/Users/{id}"), Some(wrong_type)).await,
        400,
        Some("invalidValue"),
    );
    let read_only =
        json!({ "schemas": [PATCH_OP], "Operations": [{ "op": "replace", "path": "id", "value": "mine" }] });
    assert_scim_error(
        &env.scim(&dir, "PATCH", &format!("/Users/{id}"), Some(read_only)).await,
        400,
        Some("mutability"),
    );
    assert_eq!(bob(&env, &dir, &id).await, before);
    assert_eq!(env.ok(&dir, "GET", "/Users", None).await["totalResults"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filter_that_does_not_parse_is_invalid_filter() {
    let (env, dir, _) = setup().await;
    for filter in [
        "userName%20eq",
        "userName%20xx%20%22a%22",
        "(userName%20eq%20%22a%22",
        "shoeSize%20eq%20%229%22",
        "active%20gt%20true",
    ] {
        let a = env.scim(&dir, "GET", &format!("/Users?filter={filter}"), None).await;
        assert_scim_error(&a, 400, Some("invalidFilter"));
    }
    let search = json!({ "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": "userName eq" });
    assert_scim_error(
        &env.scim(&dir, "POST", "/Users/.search", Some(search)).await,
        400,
        Some("invalidFilter"),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_uniqueness_clash_is_409() {
    let (env, dir, id) = setup().await;
    let twin = env
        .scim(
            &dir,
            "POST",
            "/Users",
            Some(json!({ "schemas": [USER], "userName": "BOB@errors.test" })),
        )
        .await;
    assert_scim_error(&twin, 409, Some("uniqueness"));
    let carol = env
        .ok(
            &dir,
            "POST",
            "/Users",
            Some(json!({ "schemas": [USER], "userName": "carol@errors.test" })),
        )
        .await;
    let carol_path = format!("/Users/{}", carol["id"].as_str().unwrap());
    let rename = json!({ "schemas": [PATCH_OP], "Operations": [{ "op": "replace", "path": "userName", "value": "bob@errors.test" }] });
    assert_scim_error(
        &env.scim(&dir, "PATCH", &carol_path, Some(rename)).await,
        409,
        Some("uniqueness"),
    );
    // Another User of this directory with Bob's address (as its email).
    let same_email = json!({ "schemas": [USER], "userName": "robert", "emails": [{ "value": "Bob@errors.test" }] });
    assert_scim_error(
        &env.scim(&dir, "POST", "/Users", Some(same_email)).await,
        409,
        Some("uniqueness"),
    );
    assert_eq!(env.ok(&dir, "GET", "/Users", None).await["totalResults"], 2);
    assert_eq!(
        env.ok(&dir, "GET", &carol_path, None).await["userName"],
        "carol@errors.test"
    );
    assert_eq!(bob(&env, &dir, &id).await["meta"]["version"], "W/\"1\"");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_if_match_is_412_and_the_current_one_works() {
    let (env, dir, id) = setup().await;
    let path = format!("/Users/{id}");
    let patch =
        json!({ "schemas": [PATCH_OP], "Operations": [{ "op": "replace", "path": "displayName", "value": "Bobby" }] });
    let stale = env
        .scim_as(
            &dir,
            &dir.token,
            "PATCH",
            &path,
            Some(patch.clone()),
            &[("if-match", "W/\"7\"")],
        )
        .await;
    assert_scim_error(&stale, 412, None);
    let delete = env
        .scim_as(&dir, &dir.token, "DELETE", &path, None, &[("if-match", "W/\"7\"")])
        .await;
    assert_scim_error(&delete, 412, None);
    assert_eq!(bob(&env, &dir, &id).await["meta"]["version"], "W/\"1\"");
    let fresh = env
        .scim_as(
            &dir,
            &dir.token,
            "PATCH",
            &path,
            Some(patch),
            &[("if-match", "W/\"1\"")],
        )
        .await;
    assert_eq!(fresh.status, StatusCode::OK, "{}", fresh.body);
    assert_eq!(fresh.headers["etag"].to_str().unwrap(), "W/\"2\"");
    assert_eq!(fresh.body["displayName"], "Bobby");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_resources_paths_and_methods() {
    let (env, dir, _) = setup().await;
    assert_scim_error(
        &env.scim(&dir, "GET", "/Users/scm_01jzzzzzzzzzzzzzzzzzzzzzzz", None)
            .await,
        404,
        None,
    );
    assert_scim_error(&env.scim(&dir, "GET", "/Users/not-an-id", None).await, 404, None);
    assert_scim_error(&env.scim(&dir, "GET", "/Nothing", None).await, 404, None);
    assert_scim_error(&env.scim(&dir, "GET", "/ResourceTypes/Printer", None).await, 404, None);
    assert_scim_error(&env.scim(&dir, "GET", "/Schemas/urn:example:x", None).await, 404, None);
    assert_scim_error(
        &env.scim(&dir, "DELETE", "/ServiceProviderConfig", None).await,
        405,
        None,
    );
    let bad_count = env.scim(&dir, "GET", "/Users?count=many", None).await;
    assert_scim_error(&bad_count, 400, Some("invalidValue"));
}
