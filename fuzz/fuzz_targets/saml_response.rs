//! The SAML response parser and verifier as the ACS runs it, and the IdP metadata parser as the
//! API runs it: any bytes as the XML of a `SAMLResponse` (base64-encoded here, as the form
//! carries it) and as metadata. Both must refuse, never panic; seeds are pysaml2's responses.
#![no_main]

use base64::Engine as _;
use hallpass_saml::{verify_response, Expected, IdpConfig, SpConfig};
use libfuzzer_sys::fuzz_target;

const IDP_CERT: &str = include_str!("../../crates/hallpass-saml/tests/fixtures/idp.crt");
const SP_KEY: &str = include_str!("../../crates/hallpass-saml/tests/fixtures/sp.key");
const SP_CERT: &str = include_str!("../../crates/hallpass-saml/tests/fixtures/sp.crt");
const GENERATED_AT: &str = include_str!("../../crates/hallpass-saml/tests/fixtures/generated_at");

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = IdpConfig::from_metadata_xml(&text);
    let Ok(idp) = IdpConfig::new("https://idp.example.test/idp", "https://idp.example.test/sso/redirect", &[IDP_CERT])
    else {
        return;
    };
    let Ok(sp) = SpConfig::new("http://localhost:8080/saml/con_test", "http://localhost:8080/saml/con_test/acs") else {
        return;
    };
    let with_key = match hallpass_saml::SpKeyPair::from_pem(SP_KEY, SP_CERT) {
        Ok(key) => sp.clone().with_decryption_key(key),
        Err(_) => return,
    };
    // The fixtures' own time, so the seeds reach every check after the signature.
    let secs: i64 = GENERATED_AT.trim().parse().unwrap_or(0);
    let now = time::OffsetDateTime::from_unix_timestamp(secs).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let encoded = base64::engine::general_purpose::STANDARD.encode(data);
    for expected in [
        Expected { in_response_to: Some("_0123456789abcdef0123456789abcdef"), allow_idp_initiated: false },
        Expected { in_response_to: None, allow_idp_initiated: true },
    ] {
        let _ = verify_response(&sp, &idp, &encoded, expected, now);
        let _ = verify_response(&with_key, &idp, &encoded, expected, now);
    }
});
