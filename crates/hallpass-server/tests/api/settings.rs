//! `/api/v1/settings/sign-in`: the installation's branding and sign-in
//! methods, stored over the configuration's.

use super::*;

#[tokio::test]
async fn sign_in_settings_round_trip_over_the_configuration_with_audit() {
    let api = Api::start_with(|c| {
        c.branding.product_name = "Configured".into();
        c.branding.support_email = Some("config@acme.test".into());
    })
    .await;
    let initial = api.ok("GET", "/settings/sign-in", None).await;
    assert_eq!(initial["branding"]["product_name"], "Configured");
    assert_eq!(initial["branding"]["support_email"], "config@acme.test");
    assert_eq!(
        initial["methods"],
        json!({ "password": true, "email_code": true, "magic_link": true })
    );
    assert_eq!(initial["overridden"], json!([]));
    assert_eq!(initial["defaults"]["branding"]["product_name"], "Configured");

    let changed = api
        .ok(
            "PATCH",
            "/settings/sign-in",
            Some(json!({
                "branding": {
                    "product_name": "  Acme Login ",
                    "logo_url": "https://cdn.acme.test/logo.png",
                    "primary_color": "#A0B1C2",
                    "support_email": ""
                },
                "methods": { "magic_link": false }
            })),
        )
        .await;
    assert_eq!(
        changed["branding"],
        json!({
            "product_name": "Acme Login",
            "logo_url": "https://cdn.acme.test/logo.png",
            "primary_color": "#a0b1c2",
            "support_email": null
        }),
        "trimmed, lower-cased, and \"\" turns the configured address off"
    );
    assert_eq!(changed["methods"]["magic_link"], false);
    assert_eq!(changed["defaults"]["branding"]["support_email"], "config@acme.test");
    assert_eq!(
        changed["overridden"],
        json!([
            "branding.product_name",
            "branding.logo_url",
            "branding.primary_color",
            "branding.support_email",
            "methods.magic_link"
        ])
    );
    assert_eq!(api.ok("GET", "/settings/sign-in", None).await, changed, "stored");

    // `null` forgets a stored value: the configuration's applies again; absent fields stay.
    let reset = api
        .ok(
            "PATCH",
            "/settings/sign-in",
            Some(json!({ "branding": { "support_email": null, "product_name": null } })),
        )
        .await;
    assert_eq!(reset["branding"]["product_name"], "Configured");
    assert_eq!(reset["branding"]["support_email"], "config@acme.test");
    assert_eq!(reset["branding"]["primary_color"], "#a0b1c2");
    assert_eq!(reset["methods"]["magic_link"], false);

    let audit = api.ok("GET", "/audit-events?type=settings.sign_in_updated", None).await;
    let events = audit["data"].as_array().unwrap();
    assert_eq!(events.len(), 2, "{audit}");
    let first = &events[1];
    assert!(
        first["actor"].as_str().unwrap().starts_with("cli_"),
        "the API client: {first}"
    );
    let details = &first["details"];
    assert_eq!(details["before"]["effective"]["branding"]["product_name"], "Configured");
    assert_eq!(details["before"]["overrides"]["product_name"], Value::Null);
    assert_eq!(details["after"]["effective"]["branding"]["product_name"], "Acme Login");
    assert_eq!(details["after"]["overrides"]["methods"]["magic_link"], false);
    assert_eq!(
        events[0]["details"]["after"]["effective"]["branding"]["product_name"],
        "Configured"
    );
}

#[tokio::test]
async fn bad_settings_are_refused_by_field_and_change_nothing() {
    let api = Api::start().await;
    api.ok(
        "PATCH",
        "/settings/sign-in",
        Some(json!({ "branding": { "product_name": "Kept" } })),
    )
    .await;
    let before = api.ok("GET", "/settings/sign-in", None).await;
    let long_name = "n".repeat(65);
    let long_logo = format!("https://cdn.acme.test/{}", "l".repeat(2048));
    let cases = [
        (json!({ "branding": { "product_name": "   " } }), "product_name"),
        (json!({ "branding": { "product_name": long_name } }), "product_name"),
        (json!({ "branding": { "product_name": "Acme\u{7}" } }), "product_name"),
        (
            json!({ "branding": { "logo_url": "http://cdn.acme.test/logo.png" } }),
            "logo_url",
        ),
        (json!({ "branding": { "logo_url": "javascript:alert(1)" } }), "logo_url"),
        (json!({ "branding": { "logo_url": "/logo.png" } }), "logo_url"),
        (json!({ "branding": { "logo_url": long_logo } }), "logo_url"),
        (json!({ "branding": { "primary_color": "red" } }), "primary_color"),
        (json!({ "branding": { "primary_color": "#abc" } }), "primary_color"),
        (
            json!({ "branding": { "primary_color": "#000000;}body{display:none" } }),
            "primary_color",
        ),
        (
            json!({ "branding": { "support_email": "not an address" } }),
            "support_email",
        ),
        // A bad field spoils the good ones beside it.
        (
            json!({ "branding": { "product_name": "Changed", "primary_color": "blue" } }),
            "primary_color",
        ),
        (
            json!({ "methods": { "password": false, "email_code": false, "magic_link": false } }),
            "methods",
        ),
    ];
    for (body, field) in cases {
        let refused = api.call("PATCH", "/settings/sign-in", Some(body.clone())).await;
        assert_error(&refused, 422, "invalid_field");
        let description = refused.1["error_description"].as_str().unwrap();
        assert!(description.contains(field), "{body} names {field}: {description}");
    }
    // Unknown fields and wrong types are refused by name too.
    let unknown = api
        .call(
            "PATCH",
            "/settings/sign-in",
            Some(json!({ "branding": { "colour": "#000000" } })),
        )
        .await;
    assert_eq!(unknown.0.as_u16(), 422, "{}", unknown.1);
    let wrong_type = api
        .call(
            "PATCH",
            "/settings/sign-in",
            Some(json!({ "methods": { "password": "no" } })),
        )
        .await;
    assert_eq!(wrong_type.0.as_u16(), 422, "{}", wrong_type.1);
    assert!(wrong_type.1["error_description"].as_str().unwrap().contains("password"));

    assert_eq!(
        api.ok("GET", "/settings/sign-in", None).await,
        before,
        "nothing changed"
    );
    let audit = api.ok("GET", "/audit-events?type=settings.sign_in_updated", None).await;
    assert_eq!(
        audit["data"].as_array().unwrap().len(),
        1,
        "only the first change: {audit}"
    );
}

#[tokio::test]
async fn sign_in_settings_need_their_scope() {
    let api = Api::start().await;
    let (_, users_only) = token_for(&api.app, &["hallpass:users"]).await;
    let refused = api.call_as(&users_only, "GET", "/settings/sign-in", None).await;
    assert_error(&refused, 403, "insufficient_scope");
    let patch = json!({ "branding": { "product_name": "Nope" } });
    let refused = api
        .call_as(&users_only, "PATCH", "/settings/sign-in", Some(patch.clone()))
        .await;
    assert_error(&refused, 403, "insufficient_scope");
    let (_, settings) = token_for(&api.app, &["hallpass:settings"]).await;
    let (status, body) = api.call_as(&settings, "PATCH", "/settings/sign-in", Some(patch)).await;
    assert!(status.is_success(), "{body}");
    assert_eq!(body["branding"]["product_name"], "Nope");
    let anonymous = api.call_as("", "GET", "/settings/sign-in", None).await;
    assert_eq!(anonymous.0.as_u16(), 401);
}
