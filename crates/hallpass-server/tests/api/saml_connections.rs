//! SAML connections through the management API: from IdP metadata or from its parts, what the
//! admin registers at the IdP echoed back, and bad metadata or certificates refused by field.

use super::{assert_error, Api};
use serde_json::{json, Value};

fn fixture(name: &str) -> String {
    let path = format!("{}/../hallpass-saml/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn from_parts() -> Value {
    json!({
        "type": "saml",
        "name": "Acme Entra ID",
        "domains": ["acme.test"],
        "idp_entity_id": "https://sts.windows.net/acme/",
        "idp_sso_url": "https://login.microsoftonline.com/acme/saml2",
        "idp_certificate": fixture("idp.crt"),
    })
}

#[tokio::test]
async fn a_saml_connection_from_metadata_echoes_what_the_idp_needs() {
    let api = Api::start().await;
    let org = api.create_org("Acme").await;
    let body = json!({
        "type": "saml",
        "name": "Acme Okta",
        "domains": ["acme.test"],
        "idp_metadata_xml": fixture("idp_metadata.xml"),
    });
    let created = api
        .ok("POST", &format!("/organizations/{org}/connections"), Some(body))
        .await;
    let id = created["id"].as_str().unwrap();
    let base = api.app.base.as_str();
    assert_eq!(created["type"], "saml");
    assert_eq!(created["sp_entity_id"], format!("{base}/saml/{id}"));
    assert_eq!(created["acs_url"], format!("{base}/saml/{id}/acs"));
    assert_eq!(created["sp_metadata_url"], format!("{base}/saml/{id}/metadata"));
    assert_eq!(created["idp_entity_id"], "https://idp.example.test/idp");
    assert_eq!(created["idp_sso_url"], "https://idp.example.test/sso/redirect");
    assert_eq!(
        created["idp_certificates"].as_array().unwrap().len(),
        2,
        "both certificates of the metadata (a rollover): {created}"
    );
    assert!(created.get("client_id").is_none_or(Value::is_null));

    let metadata = reqwest::get(created["sp_metadata_url"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(metadata.status(), 200);
    assert!(metadata
        .text()
        .await
        .unwrap()
        .contains(created["acs_url"].as_str().unwrap()));
}

#[tokio::test]
async fn a_saml_connection_from_its_parts_takes_a_second_certificate_and_can_drop_it() {
    let api = Api::start().await;
    let org = api.create_org("Acme").await;
    let mut body = from_parts();
    body["idp_secondary_certificate"] = json!(fixture("idp2.crt"));
    let created = api
        .ok("POST", &format!("/organizations/{org}/connections"), Some(body))
        .await;
    assert_eq!(created["idp_certificates"].as_array().unwrap().len(), 2);
    let id = created["id"].as_str().unwrap();
    let changed = api
        .ok(
            "PATCH",
            &format!("/connections/{id}"),
            Some(json!({ "idp_secondary_certificate": "" })),
        )
        .await;
    assert_eq!(changed["idp_certificates"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn bad_saml_settings_are_refused_naming_the_field_and_nothing_is_stored() {
    let api = Api::start().await;
    let org = api.create_org("Acme").await;
    let path = format!("/organizations/{org}/connections");
    let with = |field: &str, value: Value| {
        let mut body = from_parts();
        body[field] = value;
        body
    };
    let without = |field: &str| {
        let mut body = from_parts();
        body.as_object_mut().unwrap().remove(field);
        body
    };
    let metadata = |xml: &str| json!({ "type": "saml", "name": "x", "idp_metadata_xml": xml });
    let cases: Vec<(Value, &str)> = vec![
        (metadata("<md:EntityDescriptor"), "idp_metadata_xml"),
        (
            metadata("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>"),
            "idp_metadata_xml",
        ),
        (
            metadata("<EntityDescriptor xmlns=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"x\"/>"),
            "idp_metadata_xml",
        ),
        (
            with(
                "idp_certificate",
                json!("-----BEGIN CERTIFICATE-----\nnot a cert\n-----END CERTIFICATE-----"),
            ),
            "idp_certificate",
        ),
        (
            with("idp_secondary_certificate", json!("garbage")),
            "idp_secondary_certificate",
        ),
        (without("idp_certificate"), "idp_certificate"),
        (without("idp_entity_id"), "idp_entity_id"),
        (with("idp_sso_url", json!("ftp://idp.example")), "idp_sso_url"),
        (with("client_id", json!("x")), "client_id"),
        (
            with("idp_initiated_client_id", json!("cli_01ARZ3NDEKTSV4RRFFQ69G5FAV")),
            "idp_initiated_client_id",
        ),
    ];
    for (body, field) in cases {
        let result = api.call("POST", &path, Some(body)).await;
        assert_error(&result, 422, "invalid_field");
        let description = result.1["error_description"].as_str().unwrap();
        assert!(description.contains(&format!("`{field}`")), "{field}: {}", result.1);
    }
    // A SAML connection belongs to an organization; the SAML settings to SAML connections.
    assert_error(
        &api.call("POST", "/connections", Some(from_parts())).await,
        422,
        "invalid_field",
    );
    let oidc_with_saml = json!({
        "type": "oidc", "name": "x", "issuer": "https://idp.example", "client_id": "a",
        "client_secret": "b", "idp_entity_id": "x",
    });
    let result = api.call("POST", &path, Some(oidc_with_saml)).await;
    assert!(
        result.1["error_description"]
            .as_str()
            .unwrap()
            .contains("`idp_entity_id`"),
        "{}",
        result.1
    );
    assert_eq!(api.ok("GET", &path, None).await["data"], json!([]), "nothing was made");
}
