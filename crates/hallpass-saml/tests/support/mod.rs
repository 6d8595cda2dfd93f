//! Fixtures shared by the integration tests: the throwaway keys in `fixtures/`, the SP and IdP as
//! `fixtures/generate.py` (pysaml2 as the IdP) was run against them, and response mangling.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use base64::Engine as _;
use hallpass_saml::{Expected, IdpConfig, SpConfig, SpKeyPair};
use time::OffsetDateTime;

pub const SP_ENTITY_ID: &str = "http://localhost:8080/saml/con_test";
pub const ACS_URL: &str = "http://localhost:8080/saml/con_test/acs";
pub const IDP_ENTITY_ID: &str = "https://idp.example.test/idp";
pub const IDP_SSO_URL: &str = "https://idp.example.test/sso/redirect";
/// The AuthnRequest ID the SP-initiated fixtures answer.
pub const REQUEST_ID: &str = "_0123456789abcdef0123456789abcdef";

pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn sp_key() -> SpKeyPair {
    SpKeyPair::from_pem(&fixture("sp.key"), &fixture("sp.crt")).unwrap()
}

/// The SP the fixtures were made for, signing requests and holding a decryption key.
pub fn sp() -> SpConfig {
    SpConfig::new(SP_ENTITY_ID, ACS_URL)
        .unwrap()
        .with_signing_key(sp_key())
        .with_decryption_key(sp_key())
}

/// The IdP from the pysaml2 metadata (both of its signing certificates: a rollover).
pub fn idp() -> IdpConfig {
    IdpConfig::from_metadata_xml(&fixture("idp_metadata.xml")).unwrap()
}

/// When the fixtures were generated (pysaml2 stamps the real time into them).
pub fn now() -> OffsetDateTime {
    let secs: i64 = fixture("generated_at").trim().parse().unwrap();
    OffsetDateTime::from_unix_timestamp(secs).unwrap()
}

pub fn sp_initiated() -> Expected<'static> {
    Expected {
        in_response_to: Some(REQUEST_ID),
        allow_idp_initiated: false,
    }
}

/// The XML of a committed response fixture.
pub fn response_xml(name: &str) -> String {
    fixture(&format!("{name}.xml"))
}

/// The form value the ACS would receive for this XML.
pub fn encode(xml: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(xml)
}

/// Replaces exactly one occurrence of `from` (so a mangling that misses fails loudly).
pub fn replace_once(xml: &str, from: &str, to: &str) -> String {
    assert_eq!(xml.matches(from).count(), 1, "{from:?} must occur once");
    xml.replacen(from, to, 1)
}

/// The text between `start` (inclusive) and the end of `end` (inclusive), first occurrence.
pub fn slice<'a>(xml: &'a str, start: &str, end: &str) -> &'a str {
    let from = xml.find(start).unwrap_or_else(|| panic!("{start:?} not found"));
    let after = from + start.len();
    let to = after + xml[after..].find(end).unwrap_or_else(|| panic!("{end:?} not found")) + end.len();
    &xml[from..to]
}
