//! Under an https issuer (production), the apps registered through the API
//! return only to https addresses; native apps keep their loopback
//! redirects (RFC 8252 §7.3).

use super::*;

async fn production() -> Api {
    Api::start_with(|c| c.issuer = Some("https://auth.example.com".into())).await
}

#[tokio::test]
async fn web_apps_are_registered_with_https_addresses_only() {
    let api = production().await;
    for (field, uri) in [
        ("redirect_uris", json!(["http://localhost:3000/callback"])),
        ("redirect_uris", json!(["http://app.example.com/callback"])),
        ("post_logout_redirect_uris", json!(["http://localhost:3000/"])),
        ("backchannel_logout_uri", json!("http://localhost:3000/backchannel")),
        ("initiate_login_uri", json!("http://localhost:3000/login")),
    ] {
        let mut body = json!({"name": "Web", "redirect_uris": ["https://app.example.com/callback"]});
        body[field] = uri;
        assert_error(
            &api.call("POST", "/clients", Some(body.clone())).await,
            422,
            "invalid_field",
        );
    }
    let clients = api.ok("GET", "/clients", None).await;
    assert_eq!(
        clients["data"].as_array().unwrap().len(),
        1,
        "none registered beside the admin's own client: {clients}"
    );

    let created = api
        .ok(
            "POST",
            "/clients",
            Some(json!({"name": "Web", "redirect_uris": ["https://app.example.com/callback"]})),
        )
        .await;
    let id = created["client_id"].as_str().unwrap();
    assert_error(
        &api.call(
            "PATCH",
            &format!("/clients/{id}"),
            Some(json!({"redirect_uris": ["http://localhost:3000/callback"]})),
        )
        .await,
        422,
        "invalid_field",
    );
    let shown = api.ok("GET", &format!("/clients/{id}"), None).await;
    assert_eq!(shown["redirect_uris"], json!(["https://app.example.com/callback"]));
}

#[tokio::test]
async fn native_apps_keep_loopback_redirects() {
    let api = production().await;
    let created = api
        .call(
            "POST",
            "/clients",
            Some(json!({"name": "CLI", "client_type": "public", "native": true, "redirect_uris": ["http://127.0.0.1/callback"]})),
        )
        .await;
    assert_eq!(created.0, 201, "{}", created.1);
}
