//! SP metadata and AuthnRequests over the HTTP-Redirect binding.

mod support;

use std::io::Read as _;

use base64::Engine as _;
use hallpass_saml::{IdpConfig, SpConfig, SpError, RSA_SHA256};
use support::*;

const RANDOM: [u8; 16] = [0xab; 16];

fn query_param(url: &url::Url, name: &str) -> Option<String> {
    url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

#[allow(clippy::unwrap_used)] // a test helper: a bad request fails the test
fn inflate(saml_request: &str) -> String {
    let deflated = base64::engine::general_purpose::STANDARD.decode(saml_request).unwrap();
    let mut xml = String::new();
    flate2::read::DeflateDecoder::new(deflated.as_slice())
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

#[test]
fn a_signed_request_carries_the_deflated_request_relay_state_and_a_signature_over_the_query() {
    let request = sp().authn_request(&idp(), Some("rs_42 &="), RANDOM, now()).unwrap();
    assert_eq!(request.id, format!("_{}", "ab".repeat(16)));
    assert!(request.url.as_str().starts_with(IDP_SSO_URL));

    let xml = inflate(&query_param(&request.url, "SAMLRequest").unwrap());
    assert_eq!(xml, request.xml);
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let root = doc.root_element();
    assert!(root.has_tag_name(("urn:oasis:names:tc:SAML:2.0:protocol", "AuthnRequest")));
    assert_eq!(root.attribute("ID"), Some(request.id.as_str()));
    assert_eq!(root.attribute("Destination"), Some(IDP_SSO_URL));
    assert_eq!(root.attribute("AssertionConsumerServiceURL"), Some(ACS_URL));
    assert_eq!(
        root.attribute("ProtocolBinding"),
        Some(hallpass_saml::HTTP_POST_BINDING)
    );
    let issuer = root.first_element_child().unwrap();
    assert_eq!(issuer.text(), Some(SP_ENTITY_ID));

    assert_eq!(query_param(&request.url, "RelayState").as_deref(), Some("rs_42 &="));
    assert_eq!(query_param(&request.url, "SigAlg").as_deref(), Some(RSA_SHA256));

    // Bindings §3.4.4.1: the signature covers SAMLRequest=…&RelayState=…&SigAlg=… as sent.
    let query = request.url.query().unwrap();
    let (signed, signature) = query.split_once("&Signature=").unwrap();
    assert!(signed.starts_with("SAMLRequest=") && signed.contains("&RelayState=rs_42+%26%3D&SigAlg="));
    let signature = url::form_urlencoded::parse(format!("s={signature}").as_bytes())
        .next()
        .unwrap()
        .1
        .into_owned();
    let signature = base64::engine::general_purpose::STANDARD.decode(signature).unwrap();
    let cert = openssl::x509::X509::from_pem(fixture("sp.crt").as_bytes()).unwrap();
    let key = cert.public_key().unwrap();
    let mut verifier = openssl::sign::Verifier::new(openssl::hash::MessageDigest::sha256(), &key).unwrap();
    verifier.update(signed.as_bytes()).unwrap();
    assert!(verifier.verify(&signature).unwrap());
}

#[test]
fn without_a_signing_key_the_request_is_not_signed() {
    let sp = SpConfig::new(SP_ENTITY_ID, ACS_URL).unwrap();
    let request = sp.authn_request(&idp(), None, RANDOM, now()).unwrap();
    assert!(query_param(&request.url, "SAMLRequest").is_some());
    assert_eq!(query_param(&request.url, "RelayState"), None);
    assert_eq!(query_param(&request.url, "SigAlg"), None);
    assert_eq!(query_param(&request.url, "Signature"), None);
}

#[test]
fn an_sso_url_with_its_own_query_keeps_it_outside_the_signed_part() {
    let idp = IdpConfig::new(
        IDP_ENTITY_ID,
        "https://idp.example.test/sso?idpid=C01",
        &[&fixture("idp.crt")],
    )
    .unwrap();
    let request = sp().authn_request(&idp, Some("x"), RANDOM, now()).unwrap();
    let query = request.url.query().unwrap();
    assert!(query.starts_with("idpid=C01&SAMLRequest="));
}

#[test]
fn relay_state_longer_than_80_bytes_is_refused() {
    let long = "r".repeat(81);
    assert_eq!(
        sp().authn_request(&idp(), Some(&long), RANDOM, now()),
        Err(SpError::RelayStateTooLong)
    );
}

#[test]
fn sp_metadata_lists_acs_name_id_formats_and_certificates() {
    let xml = sp().metadata_xml();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let md = "urn:oasis:names:tc:SAML:2.0:metadata";
    let root = doc.root_element();
    assert_eq!(root.attribute("entityID"), Some(SP_ENTITY_ID));
    let descriptor = doc
        .descendants()
        .find(|n| n.has_tag_name((md, "SPSSODescriptor")))
        .unwrap();
    assert_eq!(descriptor.attribute("AuthnRequestsSigned"), Some("true"));
    let acs = doc
        .descendants()
        .find(|n| n.has_tag_name((md, "AssertionConsumerService")))
        .unwrap();
    assert_eq!(acs.attribute("Location"), Some(ACS_URL));
    assert_eq!(acs.attribute("Binding"), Some(hallpass_saml::HTTP_POST_BINDING));
    let formats: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name((md, "NameIDFormat")))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(
        formats,
        [
            hallpass_saml::NAMEID_EMAIL,
            hallpass_saml::NAMEID_PERSISTENT,
            hallpass_saml::NAMEID_UNSPECIFIED
        ]
    );
    let uses: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name((md, "KeyDescriptor")))
        .filter_map(|n| n.attribute("use"))
        .collect();
    assert_eq!(uses, ["signing", "encryption"]);

    let plain = SpConfig::new(SP_ENTITY_ID, ACS_URL).unwrap().metadata_xml();
    assert!(plain.contains("AuthnRequestsSigned=\"false\""));
    assert!(!plain.contains("KeyDescriptor"));
}

#[test]
fn sp_configuration_is_validated() {
    assert_eq!(SpConfig::new("", ACS_URL).err(), Some(SpError::EntityId));
    assert_eq!(SpConfig::new(SP_ENTITY_ID, "acs").err(), Some(SpError::AcsUrl));
    let wrong_key = hallpass_saml::SpKeyPair::from_pem(&fixture("idp.key"), &fixture("sp.crt"));
    assert_eq!(wrong_key.err(), Some(hallpass_saml::KeyError::KeyMismatch));
}
