//! IdP configuration: from pysaml2's metadata, from parts, and what is refused.

mod support;

use hallpass_saml::{IdpConfig, KeyError, MetadataError};
use support::*;

#[test]
fn pysaml2_metadata_gives_entity_id_redirect_sso_url_and_both_rollover_certificates() {
    let idp = idp();
    assert_eq!(idp.entity_id(), IDP_ENTITY_ID);
    assert_eq!(idp.sso_url().as_str(), IDP_SSO_URL);
    let pems: Vec<String> = idp.certificates().iter().map(|c| c.pem()).collect();
    let first = hallpass_saml::Certificate::parse(&fixture("idp.crt")).unwrap();
    let second = hallpass_saml::Certificate::parse(&fixture("idp2.crt")).unwrap();
    assert_eq!(pems, vec![first.pem(), second.pem()]);
}

#[test]
fn parts_give_the_same_configuration_as_metadata() {
    let from_parts = IdpConfig::new(IDP_ENTITY_ID, IDP_SSO_URL, &[&fixture("idp.crt"), &fixture("idp2.crt")]).unwrap();
    assert_eq!(from_parts, idp());
}

#[test]
fn metadata_with_a_dtd_is_refused() {
    let xml = fixture("idp_metadata.xml");
    let attacked = format!("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>{xml}");
    assert_eq!(IdpConfig::from_metadata_xml(&attacked), Err(MetadataError::Dtd));
}

#[test]
fn metadata_without_a_redirect_sso_endpoint_is_refused() {
    let xml = fixture("idp_metadata.xml").replace("bindings:HTTP-Redirect", "bindings:HTTP-Artifact");
    assert_eq!(IdpConfig::from_metadata_xml(&xml), Err(MetadataError::NoRedirectSso));
}

#[test]
fn metadata_without_a_signing_certificate_is_refused() {
    let xml = fixture("idp_metadata.xml").replace("use=\"signing\"", "use=\"encryption\"");
    assert_eq!(
        IdpConfig::from_metadata_xml(&xml),
        Err(MetadataError::NoSigningCertificate)
    );
}

#[test]
fn sp_metadata_is_not_idp_metadata() {
    assert_eq!(
        IdpConfig::from_metadata_xml(&fixture("sp_metadata.xml")),
        Err(MetadataError::NoIdpDescriptor)
    );
}

#[test]
fn parts_are_validated() {
    let cert = fixture("idp.crt");
    assert_eq!(
        IdpConfig::new("", IDP_SSO_URL, &[&cert]),
        Err(MetadataError::NoEntityId)
    );
    assert_eq!(
        IdpConfig::new(IDP_ENTITY_ID, "/relative", &[&cert]),
        Err(MetadataError::SsoUrl)
    );
    assert_eq!(
        IdpConfig::new(IDP_ENTITY_ID, IDP_SSO_URL, &[]),
        Err(MetadataError::NoSigningCertificate)
    );
    assert_eq!(
        IdpConfig::new(IDP_ENTITY_ID, IDP_SSO_URL, &["not a certificate"]),
        Err(MetadataError::Key(KeyError::Certificate))
    );
}
