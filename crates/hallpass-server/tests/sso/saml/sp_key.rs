//! A SAML connection with Hallpass's own key pair, through the real router: assertions encrypted
//! by xmlsec1 to its certificate are decrypted and then verified like any other; ones encrypted
//! to another key, unsigned inside, tampered or cut short are refused; AuthnRequests are signed
//! over the redirect's query when the connection says so.

use super::idp::{self, adfs, encrypted_response, entra, okta, Signing};
use super::*;
use hallpass_core::services::connections::update_connection;

const AES128_CBC: &str = "http://www.w3.org/2001/04/xmlenc#aes128-cbc";
const AES256_CBC: &str = "http://www.w3.org/2001/04/xmlenc#aes256-cbc";
const AES128_GCM: &str = "http://www.w3.org/2009/xmlenc11#aes128-gcm";
const AES256_GCM: &str = "http://www.w3.org/2009/xmlenc11#aes256-gcm";
const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";

fn with_sp_key(sign_requests: bool) -> impl FnOnce(&mut ConnectionFields) {
    move |f| {
        f.saml.sp_private_key = Some(idp::fixture("sp.key"));
        f.saml.sp_certificate = Some(idp::fixture("sp.crt"));
        f.saml.sign_authn_requests = Some(sign_requests);
    }
}

/// A browser's SP-initiated flow through `c`, answered by `make(envelope)`, posted to the ACS.
async fn answer(
    w: &World,
    browser: &reqwest::Client,
    c: &Connection,
    make: impl FnOnce(&Envelope) -> String,
) -> reqwest::Response {
    let at_idp = w.to_saml_idp(browser, &[("connection_id", c.id.as_str())]).await;
    let xml = make(&w.envelope(c, Some(&at_idp.request_id)));
    w.post_acs(c, &xml, Some(&at_idp.relay_state)).await
}

#[tokio::test]
async fn assertions_encrypted_to_the_sp_key_are_decrypted_verified_and_sign_in() {
    let w = World::start().await;
    let c = w.saml(with_sp_key(false)).await;
    // Each signing shape (assertion only, response only, both) with each cipher family.
    for (shape, content) in [
        (entra("grace@acme.test"), AES256_GCM),
        (adfs("katherine@acme.test"), AES256_CBC),
        (okta("ada@acme.test"), AES128_CBC),
        (
            // Entra's fixed persistent NameID would find Grace again: Hedy is someone else.
            Shape {
                name_id: "BBBBBBBBBBBBBBBBBBBBBHedy".into(),
                ..entra("hedy@acme.test")
            },
            AES128_GCM,
        ),
    ] {
        let browser = browser();
        let acs = answer(&w, &browser, &c, |e| {
            encrypted_response(&shape, e, "idp", "sp", content)
        })
        .await;
        let (response, out) = w.after_acs(&browser, acs).await;
        let code = app_code(response, &out).await;
        let (id, _) = w.tokens(&code).await;
        let email = shape
            .attributes
            .iter()
            .find(|(name, _)| name.contains("email"))
            .unwrap()
            .1
            .clone();
        assert_eq!(id["email"], email.as_str(), "{content}");
    }
}

async fn refused_encrypted(words: &str, make: impl FnOnce(&Envelope) -> String) {
    let w = World::start().await;
    let c = w.saml(with_sp_key(false)).await;
    let response = answer(&w, &browser(), &c, make).await;
    refused(&w, response, 400, words).await;
}

#[tokio::test]
async fn an_assertion_encrypted_to_another_key_is_refused() {
    refused_encrypted("not encrypted to this SP's key", |e| {
        encrypted_response(&entra("grace@acme.test"), e, "idp", "other", AES256_GCM)
    })
    .await;
}

#[tokio::test]
async fn an_encrypted_assertion_signed_by_nobody_is_refused() {
    refused_encrypted("neither the Response nor the Assertion is signed", |e| {
        let mut shape = entra("grace@acme.test");
        shape.signing = Signing::Neither;
        encrypted_response(&shape, e, "idp", "sp", AES256_GCM)
    })
    .await;
}

#[tokio::test]
async fn an_encrypted_assertion_signed_by_another_key_is_refused() {
    refused_encrypted("does not verify with the identity provider", |e| {
        encrypted_response(&entra("grace@acme.test"), e, "other", "sp", AES128_CBC)
    })
    .await;
}

/// The content's CipherValue (the second in the document; the first is the wrapped key).
fn replace_content(xml: &str, with: impl FnOnce(&str) -> String) -> String {
    let open = "<xenc:CipherValue>";
    let first = xml.find(open).unwrap() + open.len();
    let start = first + xml[first..].find(open).unwrap() + open.len();
    let end = start + xml[start..].find("</xenc:CipherValue>").unwrap();
    format!("{}{}{}", &xml[..start], with(&xml[start..end]), &xml[end..])
}

#[tokio::test]
async fn a_tampered_gcm_ciphertext_is_refused() {
    refused_encrypted("the assertion could not be decrypted", |e| {
        let xml = encrypted_response(&entra("grace@acme.test"), e, "idp", "sp", AES256_GCM);
        replace_content(&xml, |value| {
            let mut bytes = base64::engine::general_purpose::STANDARD
                .decode(value.split_whitespace().collect::<String>())
                .unwrap();
            bytes[20] ^= 1;
            base64::engine::general_purpose::STANDARD.encode(bytes)
        })
    })
    .await;
}

#[tokio::test]
async fn a_ciphertext_cut_short_is_refused_not_a_crash() {
    // The key is wrapped correctly (anyone can: the certificate is public); the content is
    // three bytes, shorter than an IV.
    refused_encrypted("shorter than an IV and a tag", |e| {
        let xml = encrypted_response(&entra("grace@acme.test"), e, "idp", "sp", AES256_GCM);
        replace_content(&xml, |_| "AAAA".into())
    })
    .await;
    refused_encrypted("not an IV and whole AES blocks", |e| {
        let xml = encrypted_response(&entra("grace@acme.test"), e, "idp", "sp", AES256_CBC);
        replace_content(&xml, |_| "AAAA".into())
    })
    .await;
}

fn query_value(url: &Url, name: &str) -> Option<String> {
    url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

#[tokio::test]
async fn a_connection_that_signs_requests_sends_sig_alg_and_a_signature_its_certificate_verifies() {
    let w = World::start().await;
    let c = w.saml(with_sp_key(true)).await;
    let at_idp = w.to_saml_idp(&browser(), &[("connection_id", c.id.as_str())]).await;
    assert_eq!(query_value(&at_idp.url, "SigAlg").as_deref(), Some(RSA_SHA256));
    let signature = query_value(&at_idp.url, "Signature").expect("a Signature parameter");
    // SAML bindings §3.4.4.1: over SAMLRequest=…&RelayState=…&SigAlg=… exactly as sent.
    let query = at_idp.url.query().unwrap();
    let (signed, _) = query.split_once("&Signature=").unwrap();
    assert!(signed.starts_with("SAMLRequest=") && signed.contains("&RelayState=") && signed.contains("&SigAlg="));
    let signature = base64::engine::general_purpose::STANDARD.decode(signature).unwrap();
    let certificate = openssl::x509::X509::from_pem(idp::fixture("sp.crt").as_bytes()).unwrap();
    let public = certificate.public_key().unwrap();
    let verifies = |text: &str| {
        let mut verifier = openssl::sign::Verifier::new(openssl::hash::MessageDigest::sha256(), &public).unwrap();
        verifier.update(text.as_bytes()).unwrap();
        verifier.verify(&signature).unwrap()
    };
    assert!(verifies(signed));
    assert!(
        !verifies(&signed.replace("&RelayState=", "&RelayState=x")),
        "it covers RelayState"
    );

    // Turned off, the same connection's requests go unsigned.
    let fields = ConnectionFields {
        saml: hallpass_core::services::saml_settings::SamlFields {
            sign_authn_requests: Some(false),
            ..Default::default()
        },
        ..Default::default()
    };
    let master = w.app.state.provider().master();
    update_connection(w.app.state.ctx(), master, &c.id, fields, &Actor::Cli)
        .await
        .unwrap();
    let at_idp = w.to_saml_idp(&browser(), &[("connection_id", c.id.as_str())]).await;
    assert_eq!(query_value(&at_idp.url, "SigAlg"), None);
    assert_eq!(query_value(&at_idp.url, "Signature"), None);
}
