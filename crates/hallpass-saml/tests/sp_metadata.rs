mod support;

use support::*;

/// fixtures/sp_metadata.xml is what `generate.py` loads into the pysaml2 IdP: keep it the
/// crate's own output. `HALLPASS_SAML_WRITE_FIXTURES=1` rewrites it.
#[test]
fn sp_metadata_fixture_is_the_crates_output() {
    let xml = sp().metadata_xml();
    if std::env::var_os("HALLPASS_SAML_WRITE_FIXTURES").is_some() {
        let path = format!("{}/tests/fixtures/sp_metadata.xml", env!("CARGO_MANIFEST_DIR"));
        std::fs::write(path, &xml).unwrap();
    }
    assert_eq!(xml, fixture("sp_metadata.xml"));
}

/// fixtures/authn_request_url.txt is a signed AuthnRequest redirect that `generate.py` hands to
/// pysaml2, which must parse it and verify its signature with the certificate from
/// sp_metadata.xml. Keep it the crate's own output (deterministic: fixed ID and instant,
/// PKCS#1 v1.5 signatures); `HALLPASS_SAML_WRITE_FIXTURES=1` rewrites it.
#[test]
fn authn_request_fixture_is_the_crates_output() {
    let instant = time::OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
    let request = sp()
        .authn_request(&idp(), Some("relay-1"), [0x5a; 16], instant)
        .unwrap();
    let url = format!("{}\n", request.url);
    if std::env::var_os("HALLPASS_SAML_WRITE_FIXTURES").is_some() {
        let path = format!("{}/tests/fixtures/authn_request_url.txt", env!("CARGO_MANIFEST_DIR"));
        std::fs::write(path, &url).unwrap();
    }
    assert_eq!(url, fixture("authn_request_url.txt"));
}
