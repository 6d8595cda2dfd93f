//! Every refusal of issue 14 item 3, each a crafted response posted to the ACS through the real
//! router: the branded error page names the failed check, and nothing is created.

use super::idp::{self, okta, signed_response, Signing};
use super::*;

/// A browser's flow through `c`, answered by `xml` made from a passing envelope by `craft`.
async fn post_crafted(
    w: &World,
    c: &Connection,
    craft: impl FnOnce(&mut Envelope, &mut Shape) -> String,
) -> reqwest::Response {
    let browser = browser();
    let at_idp = w.to_saml_idp(&browser, &[("connection_id", c.id.as_str())]).await;
    let mut envelope = w.envelope(c, Some(&at_idp.request_id));
    let mut shape = okta("ada@acme.test");
    let xml = craft(&mut envelope, &mut shape);
    w.post_acs(c, &xml, Some(&at_idp.relay_state)).await
}

async fn refused_with(words: &str, craft: impl FnOnce(&mut Envelope, &mut Shape) -> String) {
    let w = World::start().await;
    let c = w.saml(|_| {}).await;
    let response = post_crafted(&w, &c, craft).await;
    refused(&w, response, 400, words).await;
}

fn sign(e: &Envelope, s: &Shape) -> String {
    signed_response(s, e, "idp")
}

/// The signed assertion of a response signed at the assertion level only.
fn assertion_only(e: &Envelope, s: &mut Shape) -> String {
    s.signing = Signing::Assertion;
    sign(e, s)
}

fn assertion_of(xml: &str) -> &str {
    let start = xml.find("<saml:Assertion ").unwrap();
    let end = xml.find("</saml:Assertion>").unwrap() + "</saml:Assertion>".len();
    &xml[start..end]
}

#[tokio::test]
async fn an_unsigned_response_and_assertion_are_refused() {
    refused_with("neither the Response nor the Assertion is signed", |e, s| {
        s.signing = Signing::Neither;
        sign(e, s)
    })
    .await;
}

#[tokio::test]
async fn a_response_signed_by_another_key_is_refused() {
    refused_with("does not verify with the identity provider", |e, s| {
        signed_response(s, e, "other")
    })
    .await;
}

#[tokio::test]
async fn wrapping_a_signed_assertion_beside_an_unsigned_one_is_refused() {
    refused_with("more than one Assertion", |e, s| {
        let xml = assertion_only(e, s);
        let signed = assertion_of(&xml).to_owned();
        // The attacker's own assertion, unsigned, placed first: a naive reader takes it.
        let evil = signed
            .replacen(&e.assertion_id, "_evil", 1)
            .replace("ada@acme.test", "mallory@acme.test");
        let evil = cut_signature(&evil);
        xml.replacen(&signed, &format!("{evil}{signed}"), 1)
    })
    .await;
}

#[tokio::test]
async fn a_signed_id_that_appears_twice_is_refused() {
    refused_with("two elements share the ID", |e, s| {
        let xml = assertion_only(e, s);
        let signed = assertion_of(&xml).to_owned();
        // The same ID on the attacker's element, so `#id` could resolve to either.
        let evil = cut_signature(&signed.replace("ada@acme.test", "mallory@acme.test"));
        let extensions = format!("<samlp:Extensions>{evil}</samlp:Extensions>");
        let status_at = xml.find("<samlp:Status>").unwrap();
        let mut out = xml.clone();
        out.insert_str(status_at, &extensions);
        out
    })
    .await;
}

fn cut_signature(xml: &str) -> String {
    let start = xml.find("<ds:Signature").unwrap();
    let end = xml.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    format!("{}{}", &xml[..start], &xml[end..])
}

#[tokio::test]
async fn a_comment_inside_the_name_id_is_refused() {
    // Canonicalization drops comments: the signature still verifies after the insertion.
    refused_with("carries a comment", |e, s| {
        let xml = sign(e, s);
        xml.replacen(">ada@acme.test<", ">ada@acme.test<!---->.evil.test<", 1)
    })
    .await;
}

#[tokio::test]
async fn an_entity_inside_the_name_id_is_refused_with_its_dtd() {
    refused_with("has a DTD", |e, s| {
        let xml = sign(e, s).replacen(">ada@acme.test<", ">ada@&domain;<", 1);
        format!("<!DOCTYPE samlp:Response [<!ENTITY domain \"acme.test\">]>{xml}")
    })
    .await;
}

#[tokio::test]
async fn an_external_entity_is_refused_and_never_fetched() {
    refused_with("has a DTD", |e, s| {
        let xml = sign(e, s).replacen(">ada@acme.test<", ">&xxe;<", 1);
        format!("<!DOCTYPE samlp:Response [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>{xml}")
    })
    .await;
}

#[tokio::test]
async fn a_response_for_another_audience_is_refused() {
    refused_with("do not include this SP", |e, s| {
        e.audience = "https://other-sp.example/saml".into();
        sign(e, s)
    })
    .await;
}

#[tokio::test]
async fn a_response_for_another_destination_is_refused() {
    refused_with("is not this SP's ACS URL", |e, s| {
        e.destination = "https://other-sp.example/acs".into();
        sign(e, s)
    })
    .await;
}

#[tokio::test]
async fn a_response_for_another_recipient_is_refused() {
    refused_with("Recipient", |e, s| {
        e.recipient = "https://other-sp.example/acs".into();
        sign(e, s)
    })
    .await;
}

#[tokio::test]
async fn a_response_from_another_issuer_is_refused() {
    refused_with("is not the identity provider", |e, s| {
        e.issuer = "https://evil.example/idp".into();
        sign(e, s)
    })
    .await;
}

#[tokio::test]
async fn a_response_to_another_request_is_refused() {
    refused_with("is not the request this browser made", |e, s| {
        e.in_response_to = Some("_0123456789abcdef0123456789abcdef".into());
        sign(e, s)
    })
    .await;
}

#[tokio::test]
async fn an_expired_assertion_is_refused_beyond_the_skew() {
    refused_with("expired", |e, s| {
        // Ended five minutes ago: beyond the two minutes of skew.
        e.issued -= time::Duration::minutes(10);
        sign(e, s)
    })
    .await;
}

#[tokio::test]
async fn a_not_yet_valid_assertion_is_refused_beyond_the_skew() {
    refused_with("not valid before", |e, s| {
        e.issued += time::Duration::minutes(10);
        sign(e, s)
    })
    .await;
}

#[tokio::test]
async fn an_assertion_within_the_skew_is_accepted() {
    let w = World::start().await;
    let c = w.saml(|_| {}).await;
    let browser = browser();
    let at_idp = w.to_saml_idp(&browser, &[("connection_id", c.id.as_str())]).await;
    let mut e = w.envelope(&c, Some(&at_idp.request_id));
    // The IdP's clock runs a minute fast: NotBefore is 30 s after Hallpass's now.
    e.issued += time::Duration::minutes(1);
    let xml = sign(&e, &okta("ada@acme.test"));
    let (_, out) = w
        .after_acs(&browser, w.post_acs(&c, &xml, Some(&at_idp.relay_state)).await)
        .await;
    assert!(out.starts_with(REDIRECT), "{out}");
}

#[tokio::test]
async fn an_encrypted_assertion_is_refused_when_no_sp_key_is_configured() {
    // pysaml2's encrypted response (RSA-OAEP + AES-128-CBC); refused before anything else.
    refused_with("no SP decryption key is configured", |_, _| {
        idp::fixture("encrypted.xml")
    })
    .await;
}

#[tokio::test]
async fn a_status_other_than_success_ends_on_a_page_saying_so() {
    let w = World::start().await;
    let c = w.saml(|_| {}).await;
    let response = post_crafted(&w, &c, |e, s| {
        e.status = "urn:oasis:names:tc:SAML:2.0:status:Responder";
        sign(e, s)
    })
    .await;
    let page = refused(&w, response, 403, "did not sign you in").await;
    assert!(page.contains("Responder"), "{page}");
    assert!(
        page.contains("href=\"/oauth/authorize?"),
        "back into the app's sign-in: {page}"
    );
}

#[tokio::test]
async fn a_refusal_is_audited_with_the_failed_check() {
    let w = World::start().await;
    let c = w.saml(|_| {}).await;
    let response = post_crafted(&w, &c, |e, s| {
        e.audience = "https://other-sp.example/saml".into();
        sign(e, s)
    })
    .await;
    refused(&w, response, 400, "do not include this SP").await;
    let events = w
        .app
        .state
        .ctx()
        .store
        .list_audit_events(&hallpass_core::store::AuditFilter {
            kind: Some("user.sign_in_failed".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    let failed = &events.first().expect("an audit event").event;
    assert_eq!(failed.details["method"], "saml");
    assert_eq!(failed.details["connection_id"], c.id.as_str());
    assert!(
        failed.details["reason"].as_str().unwrap().contains("audiences"),
        "{}",
        failed.details
    );
}
