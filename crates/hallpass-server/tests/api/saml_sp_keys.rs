//! A SAML connection's own key pair through the management API: the private key sealed and never
//! echoed, the certificate echoed and published in SP metadata (for encryption, and for signing
//! when AuthnRequests are signed), and bad keys refused by field with nothing changed.

use super::{assert_error, Api};
use hallpass_core::ids::ConnectionId;
use serde_json::{json, Value};

fn fixture(name: &str) -> String {
    let path = format!("{}/../hallpass-saml/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The base64 DER of a PEM certificate, as `sp_certificate` is echoed.
fn der_base64(pem: &str) -> String {
    pem.lines().filter(|l| !l.starts_with("-----")).collect()
}

fn saml_with_key() -> Value {
    json!({
        "type": "saml",
        "name": "Acme Okta",
        "domains": ["acme.test"],
        "idp_metadata_xml": fixture("idp_metadata.xml"),
        "sp_private_key": fixture("sp.key"),
        "sp_certificate": fixture("sp.crt"),
        "sign_authn_requests": true,
    })
}

async fn metadata(connection: &Value) -> String {
    let response = reqwest::get(connection["sp_metadata_url"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

#[tokio::test]
async fn an_sp_key_pair_is_sealed_its_certificate_echoed_and_published_in_metadata() {
    let api = Api::start().await;
    let org = api.create_org("Acme").await;
    let created = api
        .ok(
            "POST",
            &format!("/organizations/{org}/connections"),
            Some(saml_with_key()),
        )
        .await;
    let certificate = der_base64(&fixture("sp.crt"));
    let key_body: String = fixture("sp.key").lines().nth(1).unwrap().to_owned();
    assert_eq!(created["sp_certificate"], certificate.as_str());
    assert_eq!(created["sign_authn_requests"], true);
    assert!(created.get("sp_private_key").is_none(), "{created}");
    assert!(!created.to_string().contains(&key_body), "the key is never echoed");

    let id = created["id"].as_str().unwrap();
    let stored = api
        .app
        .state
        .ctx()
        .store
        .get_connection(&ConnectionId::parse(id).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(
        !stored.config.to_string().contains(&key_body),
        "not in the plain config"
    );
    let sealed = stored.sealed_secrets.clone().expect("sealed secrets");
    assert!(
        !String::from_utf8_lossy(&sealed).contains(&key_body),
        "sealed, not stored plain"
    );
    let opened = hallpass_core::services::connections::secrets(api.app.state.provider().master(), &stored).unwrap();
    assert_eq!(opened["sp_private_key"], fixture("sp.key").trim());
    let events = api.ok("GET", "/audit-events?type=connection.created", None).await;
    assert!(!events.to_string().contains(&key_body), "no key in the audit trail");

    let signed = metadata(&created).await;
    assert!(signed.contains("AuthnRequestsSigned=\"true\""), "{signed}");
    assert!(
        signed.contains("use=\"signing\"") && signed.contains("use=\"encryption\""),
        "{signed}"
    );
    assert_eq!(signed.matches(&certificate).count(), 2, "{signed}");
    assert!(signed.contains("xmlenc11#aes256-gcm"), "{signed}");

    // Unsigned requests: the certificate stays, for encryption only.
    let path = format!("/connections/{id}");
    let changed = api
        .ok("PATCH", &path, Some(json!({ "sign_authn_requests": false })))
        .await;
    assert_eq!(changed["sign_authn_requests"], false);
    let unsigned = metadata(&changed).await;
    assert!(unsigned.contains("AuthnRequestsSigned=\"false\""), "{unsigned}");
    assert!(!unsigned.contains("use=\"signing\"") && unsigned.contains("use=\"encryption\""));

    // Both empty: the pair goes, from the record and from the sealed secrets.
    let removed = api
        .ok(
            "PATCH",
            &path,
            Some(json!({ "sp_private_key": "", "sp_certificate": "" })),
        )
        .await;
    assert!(removed.get("sp_certificate").is_none(), "{removed}");
    assert!(!metadata(&removed).await.contains("KeyDescriptor"));
    let stored = api
        .app
        .state
        .ctx()
        .store
        .get_connection(&ConnectionId::parse(id).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.sealed_secrets, None);
    let updated = api.ok("GET", "/audit-events?type=connection.updated", None).await;
    assert_eq!(updated["data"][0]["details"]["secret_changed"], true);
}

/// A self-signed certificate for a fresh RSA key of `bits`, both PEM.
fn key_pair(bits: u32) -> (String, String) {
    use openssl::{asn1::Asn1Time, hash::MessageDigest, pkey::PKey, rsa::Rsa, x509};
    let key = PKey::from_rsa(Rsa::generate(bits).unwrap()).unwrap();
    let mut name = x509::X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", "weak").unwrap();
    let name = name.build();
    let mut cert = x509::X509Builder::new().unwrap();
    cert.set_subject_name(&name).unwrap();
    cert.set_issuer_name(&name).unwrap();
    cert.set_pubkey(&key).unwrap();
    cert.set_not_before(&Asn1Time::days_from_now(0).unwrap()).unwrap();
    cert.set_not_after(&Asn1Time::days_from_now(1).unwrap()).unwrap();
    cert.sign(&key, MessageDigest::sha256()).unwrap();
    let pem = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (
        pem(key.private_key_to_pem_pkcs8().unwrap()),
        pem(cert.build().to_pem().unwrap()),
    )
}

#[tokio::test]
async fn bad_sp_keys_are_refused_naming_the_field_and_nothing_changes() {
    let api = Api::start().await;
    let org = api.create_org("Acme").await;
    let path = format!("/organizations/{org}/connections");
    let with = |changes: Value| {
        let mut body = saml_with_key();
        for (k, v) in changes.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let without = |field: &str| {
        let mut body = saml_with_key();
        body.as_object_mut().unwrap().remove(field);
        body
    };
    let (weak_key, weak_cert) = key_pair(1024);
    let not_pem = "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----";
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            with(json!({ "sp_private_key": not_pem })),
            "sp_private_key",
            "not a PEM RSA private key",
        ),
        (
            with(json!({ "sp_certificate": "garbage" })),
            "sp_certificate",
            "not a PEM",
        ),
        (
            with(json!({ "sp_private_key": fixture("other.key") })),
            "sp_private_key",
            "does not belong to sp_certificate",
        ),
        (
            with(json!({ "sp_private_key": weak_key, "sp_certificate": weak_cert })),
            "sp_private_key",
            "2048 bits",
        ),
        (without("sp_certificate"), "sp_certificate", "given together"),
        (without("sp_private_key"), "sp_private_key", "given together"),
        (
            {
                let mut body = without("sp_private_key");
                body.as_object_mut().unwrap().remove("sp_certificate");
                body
            },
            "sign_authn_requests",
            "needs an SP key pair",
        ),
    ];
    for (body, field, words) in cases {
        let result = api.call("POST", &path, Some(body)).await;
        assert_error(&result, 422, "invalid_field");
        let description = result.1["error_description"].as_str().unwrap();
        assert!(description.contains(&format!("`{field}`")), "{field}: {}", result.1);
        assert!(description.contains(words), "{words}: {}", result.1);
    }
    assert_eq!(api.ok("GET", &path, None).await["data"], json!([]), "nothing was made");

    // On a change: refused, and the connection keeps its pair and its metadata.
    let created = api.ok("POST", &path, Some(saml_with_key())).await;
    let before = metadata(&created).await;
    let one = format!("/connections/{}", created["id"].as_str().unwrap());
    for change in [
        json!({ "sp_private_key": fixture("other.key"), "sp_certificate": fixture("sp.crt") }),
        json!({ "sp_private_key": "", "sp_certificate": "" }),
        json!({ "sp_certificate": fixture("other.crt") }),
    ] {
        assert_error(&api.call("PATCH", &one, Some(change)).await, 422, "invalid_field");
    }
    let after = api.ok("GET", &one, None).await;
    assert_eq!(after["sp_certificate"], created["sp_certificate"]);
    assert_eq!(after["sign_authn_requests"], true);
    assert_eq!(metadata(&after).await, before);

    // An OIDC connection has no SP key.
    let oidc = json!({
        "type": "oidc", "name": "x", "issuer": "https://idp.example", "client_id": "a",
        "client_secret": "b", "sp_private_key": fixture("sp.key"),
    });
    let result = api.call("POST", &path, Some(oidc)).await;
    assert!(
        result.1["error_description"]
            .as_str()
            .unwrap()
            .contains("`sp_private_key`"),
        "{}",
        result.1
    );
}
