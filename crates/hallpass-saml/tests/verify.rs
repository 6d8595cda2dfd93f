//! `verify_response` against responses made by a real IdP (pysaml2 + xmlsec1, see
//! fixtures/generate.py), and against attacks derived from them here.

mod support;

use hallpass_saml::{verify_response, Expected, IdpConfig, ResponseError, SpConfig};
use support::*;
use time::Duration;

fn verify(xml: &str) -> Result<hallpass_saml::VerifiedAssertion, ResponseError> {
    verify_as(&sp(), &idp(), xml)
}

/// Verifies `xml` as `sp` with `idp`, answering the fixtures' request at the fixtures' time.
fn verify_as(sp: &SpConfig, idp: &IdpConfig, xml: &str) -> Result<hallpass_saml::VerifiedAssertion, ResponseError> {
    verify_response(sp, idp, &encode(xml), sp_initiated(), now())
}

fn verify_fixture(name: &str) -> Result<hallpass_saml::VerifiedAssertion, ResponseError> {
    verify(&response_xml(name))
}

fn assertion_of(xml: &str) -> &str {
    slice(xml, "<ns1:Assertion ", "</ns1:Assertion>")
}

// ---- what is accepted -------------------------------------------------------------------

#[test]
fn okta_shaped_response_with_a_signed_assertion_is_verified() {
    let v = verify_fixture("signed_assertion").unwrap();
    assert_eq!(v.name_id, "ada@acme.test");
    assert_eq!(v.name_id_format.as_deref(), Some(hallpass_saml::NAMEID_EMAIL));
    assert_eq!(v.email.as_deref(), Some("ada@acme.test"));
    assert_eq!(v.given_name.as_deref(), Some("Ada"));
    assert_eq!(v.family_name.as_deref(), Some("Lovelace"));
    assert_eq!(v.in_response_to.as_deref(), Some(REQUEST_ID));
    assert!(v.session_index.is_some());
    let xml = response_xml("signed_assertion");
    assert!(assertion_of(&xml).contains(&format!("ID=\"{}\"", v.assertion_id)));
    // Replay bookkeeping: the assertion's NotOnOrAfter (pysaml2: five minutes) plus the skew.
    assert_eq!(
        v.replay_until,
        now() + Duration::minutes(5) + hallpass_saml::DEFAULT_CLOCK_SKEW
    );
}

#[test]
fn a_response_signed_only_at_the_response_level_is_verified() {
    let v = verify_fixture("signed_response").unwrap();
    assert_eq!(v.email.as_deref(), Some("ada@acme.test"));
}

#[test]
fn a_response_signed_at_both_levels_is_verified() {
    let v = verify_fixture("signed_both").unwrap();
    assert_eq!(v.email.as_deref(), Some("ada@acme.test"));
}

#[test]
fn entra_shaped_response_takes_email_and_names_from_the_claim_uris() {
    let v = verify_fixture("entra_persistent").unwrap();
    assert_eq!(v.name_id, "AAAAAAAAAAAAAAAAAAAAAJ9pLTGdQ8XqZ1b");
    assert_eq!(v.name_id_format.as_deref(), Some(hallpass_saml::NAMEID_PERSISTENT));
    assert_eq!(v.email.as_deref(), Some("grace@acme.test"));
    assert_eq!(v.given_name.as_deref(), Some("Grace"));
    assert_eq!(v.family_name.as_deref(), Some("Hopper"));
    assert_eq!(v.display_name.as_deref(), Some("Grace Hopper"));
}

#[test]
fn during_a_rollover_the_second_certificate_verifies_too() {
    let v = verify_fixture("signed_by_rollover_key").unwrap();
    assert_eq!(v.email.as_deref(), Some("ada@acme.test"));
    // ... and only because it is configured: with the first certificate alone it is refused.
    let first_only = IdpConfig::new(IDP_ENTITY_ID, IDP_SSO_URL, &[&fixture("idp.crt")]).unwrap();
    let refused = verify_as(&sp(), &first_only, &response_xml("signed_by_rollover_key"));
    assert_eq!(refused, Err(ResponseError::SignatureInvalid));
}

#[test]
fn an_encrypted_assertion_is_decrypted_with_the_sp_key() {
    let v = verify_fixture("encrypted").unwrap();
    assert_eq!(v.email.as_deref(), Some("ada@acme.test"));
}

/// The encrypted fixture with its content CipherValue (the second; the first is the wrapped
/// key, which still unwraps) replaced by `content`.
#[allow(clippy::unwrap_used)] // a test helper: a changed fixture fails the test
fn encrypted_with_content(content: &str) -> String {
    let xml = response_xml("encrypted");
    let open = "<ns0:CipherValue>";
    let first = xml.find(open).unwrap() + open.len();
    let start = first + xml[first..].find(open).unwrap() + open.len();
    let end = start + xml[start..].find("</ns0:CipherValue>").unwrap();
    format!("{}{content}{}", &xml[..start], &xml[end..])
}

#[test]
fn an_encrypted_content_cut_short_or_not_whole_blocks_is_refused_not_a_panic() {
    // Anyone can wrap a key to the public SP certificate; what follows it is theirs too.
    for content in [
        "",
        "AAAA",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==",
    ] {
        let r = verify(&encrypted_with_content(content));
        assert!(matches!(r, Err(ResponseError::Decryption(_))), "{content:?}: {r:?}");
    }
}

#[test]
fn an_encrypted_assertion_is_refused_when_no_sp_key_is_configured() {
    let sp = SpConfig::new(SP_ENTITY_ID, ACS_URL).unwrap();
    let r = verify_as(&sp, &idp(), &response_xml("encrypted"));
    assert_eq!(r, Err(ResponseError::EncryptedAssertionWithoutKey));
}

#[test]
fn an_idp_initiated_response_is_accepted_only_when_the_connection_allows_it() {
    let xml = encode(&response_xml("idp_initiated"));
    let allowed = Expected {
        in_response_to: None,
        allow_idp_initiated: true,
    };
    let v = verify_response(&sp(), &idp(), &xml, allowed, now()).unwrap();
    assert_eq!(v.in_response_to, None);
    let not_allowed = Expected {
        in_response_to: None,
        allow_idp_initiated: false,
    };
    assert_eq!(
        verify_response(&sp(), &idp(), &xml, not_allowed, now()),
        Err(ResponseError::Unsolicited)
    );
}

#[test]
fn an_unsolicited_response_does_not_answer_a_pending_request() {
    assert!(matches!(
        verify_fixture("idp_initiated"),
        Err(ResponseError::InResponseTo { found: None, .. })
    ));
}

#[test]
fn a_status_other_than_success_carries_the_status_code() {
    assert_eq!(
        verify_fixture("status_authn_failed"),
        Err(ResponseError::Status {
            code: "urn:oasis:names:tc:SAML:2.0:status:Responder".into(),
            sub_code: Some("urn:oasis:names:tc:SAML:2.0:status:AuthnFailed".into()),
            message: Some("The user cancelled".into()),
        })
    );
}

// ---- signatures ---------------------------------------------------------------------------

#[test]
fn an_unsigned_response_is_refused() {
    assert_eq!(verify_fixture("unsigned"), Err(ResponseError::Unsigned));
}

#[test]
fn a_response_signed_by_another_key_is_refused() {
    // pysaml2 embeds the signer's certificate in KeyInfo: it must not be trusted.
    assert_eq!(
        verify_fixture("signed_by_other_key"),
        Err(ResponseError::SignatureInvalid)
    );
}

#[test]
fn a_signature_with_rsa_sha1_is_refused() {
    // Signed by the IdP's own key, but only RSA-SHA256 (with SHA-256 digests) is accepted.
    assert_eq!(verify_fixture("signed_sha1"), Err(ResponseError::SignatureInvalid));
}

#[test]
fn a_changed_name_id_breaks_the_signature() {
    let xml = replace_once(
        &response_xml("signed_assertion"),
        ">ada@acme.test</ns1:NameID>",
        ">eve@acme.test</ns1:NameID>",
    );
    assert_eq!(verify(&xml), Err(ResponseError::SignatureInvalid));
}

#[test]
fn a_changed_envelope_breaks_a_response_signature() {
    let xml = replace_once(
        &response_xml("signed_response"),
        "Destination=\"http://localhost:8080/saml/con_test/acs\"",
        "Destination=\"http://localhost:8080/saml/con_test/acs\" Consent=\"x\"",
    );
    assert_eq!(verify(&xml), Err(ResponseError::SignatureInvalid));
}

// ---- XML signature wrapping ---------------------------------------------------------------

/// An unsigned assertion for eve, with its own ID, made from the signed one.
fn evil_assertion(signed: &str) -> String {
    let unsigned = {
        let sig = slice(signed, "<ns2:Signature", "</ns2:Signature>");
        signed.replacen(sig, "", 1)
    };
    let id_attr = slice(&unsigned, "ID=\"", "\"").to_owned();
    unsigned
        .replacen(&id_attr, "ID=\"evil\"", 1)
        .replace("ada@acme.test", "eve@acme.test")
}

#[test]
fn a_signed_assertion_moved_beside_an_unsigned_one_is_refused() {
    let xml = response_xml("signed_assertion");
    let signed = assertion_of(&xml).to_owned();
    let evil = evil_assertion(&signed);
    for arranged in [format!("{evil}{signed}"), format!("{signed}{evil}")] {
        let attacked = replace_once(&xml, &signed, &arranged);
        assert_eq!(
            verify(&attacked),
            Err(ResponseError::Wrapping("more than one Assertion"))
        );
    }
}

#[test]
fn a_signed_assertion_hidden_in_extensions_is_refused() {
    let xml = response_xml("signed_assertion");
    let signed = assertion_of(&xml).to_owned();
    let evil = evil_assertion(&signed);
    let attacked = replace_once(
        &xml,
        &signed,
        &format!("<ns0:Extensions>{signed}</ns0:Extensions>{evil}"),
    );
    assert_eq!(
        verify(&attacked),
        Err(ResponseError::Wrapping("more than one Assertion"))
    );
}

#[test]
fn a_signed_element_whose_id_appears_twice_is_refused() {
    // The evil assertion takes the signed one's ID, so `#id` could resolve to either.
    let xml = response_xml("signed_assertion");
    let signed = assertion_of(&xml).to_owned();
    let id_attr = slice(&signed, "ID=\"", "\"").to_owned();
    let evil = evil_assertion(&signed).replacen("ID=\"evil\"", &id_attr, 1);
    let attacked = replace_once(
        &xml,
        &signed,
        &format!("{evil}<ns0:Extensions>{signed}</ns0:Extensions>"),
    );
    assert!(matches!(verify(&attacked), Err(ResponseError::DuplicateId(_))));
}

#[test]
fn a_signed_response_wrapped_inside_an_unsigned_one_is_refused() {
    let xml = response_xml("signed_response");
    let body = xml.trim_start_matches("<?xml version=\"1.0\"?>").trim();
    let attacked = format!(
        "<ns0:Response xmlns:ns0=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"outer\" \
         Version=\"2.0\" IssueInstant=\"2026-01-01T00:00:00Z\"><ns0:Status><ns0:StatusCode \
         Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/></ns0:Status>{body}</ns0:Response>"
    );
    assert_eq!(
        verify(&attacked),
        Err(ResponseError::Wrapping("a Response inside the Response"))
    );
}

#[test]
fn a_signature_that_does_not_sign_its_parent_is_refused() {
    // The assertion's signature moved up to the Response still verifies in xmlsec (it
    // references the assertion by ID); SAML requires a signature to sign its parent.
    let xml = response_xml("signed_assertion");
    let sig = slice(&xml, "<ns2:Signature", "</ns2:Signature>").to_owned();
    let without = xml.replacen(&sig, "", 1);
    let attacked = replace_once(&without, "<ns0:Status>", &format!("{sig}<ns0:Status>"));
    assert_eq!(
        verify(&attacked),
        Err(ResponseError::SignatureReference(
            "a signature references something other than the element it sits in"
        ))
    );
}

// ---- NameID comments, DTDs and entities ---------------------------------------------------

#[test]
fn a_comment_inside_the_name_id_is_refused_rather_than_truncating_it() {
    // The IdP signed "ada@acme.test.evil.test" (an account the attacker may hold). A comment
    // after "ada@acme.test" keeps the signature valid (canonicalization drops comments) while a
    // reader that stops at the first text node would see "ada@acme.test".
    let xml = response_xml("name_id_with_suffix");
    assert_eq!(verify(&xml).unwrap().name_id, "ada@acme.test.evil.test");
    let attacked = replace_once(
        &xml,
        ">ada@acme.test.evil.test</ns1:NameID>",
        ">ada@acme.test<!---->.evil.test</ns1:NameID>",
    );
    assert_eq!(verify(&attacked), Err(ResponseError::Comment));
}

/// Puts a DOCTYPE before the root (after the XML declaration) and `entity_use` in the NameID.
fn with_doctype(doctype: &str, entity_use: &str) -> String {
    let xml = response_xml("signed_assertion");
    let xml = replace_once(
        &xml,
        "<?xml version=\"1.0\"?>",
        &format!("<?xml version=\"1.0\"?>{doctype}"),
    );
    replace_once(
        &xml,
        ">ada@acme.test</ns1:NameID>",
        &format!(">{entity_use}</ns1:NameID>"),
    )
}

#[test]
fn an_internal_entity_is_refused() {
    let xml = with_doctype("<!DOCTYPE ns0:Response [<!ENTITY who \"ada@acme.test\">]>", "&who;");
    assert_eq!(verify(&xml), Err(ResponseError::Dtd));
}

#[test]
fn an_external_entity_is_refused() {
    let xml = with_doctype(
        "<!DOCTYPE ns0:Response [<!ENTITY xxe SYSTEM \"file:///etc/hostname\">]>",
        "&xxe;",
    );
    assert_eq!(verify(&xml), Err(ResponseError::Dtd));
}

#[test]
fn entity_expansion_is_refused() {
    let mut decl = String::from("<!ENTITY l0 \"lol\">");
    for i in 1..10 {
        let prev = format!("&l{};", i - 1).repeat(10);
        decl.push_str(&format!("<!ENTITY l{i} \"{prev}\">"));
    }
    let xml = with_doctype(&format!("<!DOCTYPE ns0:Response [{decl}]>"), "&l9;");
    assert_eq!(verify(&xml), Err(ResponseError::Dtd));
}

#[test]
fn a_bare_doctype_is_refused() {
    let xml = with_doctype("<!DOCTYPE ns0:Response>", "ada@acme.test");
    assert_eq!(verify(&xml), Err(ResponseError::Dtd));
}

// ---- audience, destination, recipient, issuer ---------------------------------------------

#[test]
fn an_assertion_for_another_audience_is_refused() {
    let other_sp = SpConfig::new("http://localhost:8080/saml/con_other", ACS_URL).unwrap();
    let r = verify_as(&other_sp, &idp(), &response_xml("signed_assertion"));
    assert_eq!(
        r,
        Err(ResponseError::Audience {
            found: vec![SP_ENTITY_ID.into()]
        })
    );
}

const OTHER_ACS: &str = "http://localhost:8080/saml/con_other/acs";

#[test]
fn a_response_for_another_destination_is_refused() {
    let xml = replace_once(
        &response_xml("signed_assertion"),
        &format!("Destination=\"{ACS_URL}\""),
        &format!("Destination=\"{OTHER_ACS}\""),
    );
    assert_eq!(
        verify(&xml),
        Err(ResponseError::Destination {
            found: Some(OTHER_ACS.into())
        })
    );
}

#[test]
fn a_signed_response_without_a_destination_is_refused() {
    let sp = SpConfig::new(SP_ENTITY_ID, OTHER_ACS).unwrap();
    let r = verify_as(&sp, &idp(), &response_xml("signed_response"));
    assert_eq!(
        r,
        Err(ResponseError::Destination {
            found: Some(ACS_URL.into())
        })
    );
}

#[test]
fn an_assertion_for_another_recipient_is_refused() {
    // The SP's ACS is another one; the (unsigned) envelope is made to agree with it, the signed
    // SubjectConfirmationData cannot be.
    let sp = SpConfig::new(SP_ENTITY_ID, OTHER_ACS).unwrap();
    let xml = replace_once(
        &response_xml("signed_assertion"),
        &format!("Destination=\"{ACS_URL}\""),
        &format!("Destination=\"{OTHER_ACS}\""),
    );
    let r = verify_as(&sp, &idp(), &xml);
    assert_eq!(
        r,
        Err(ResponseError::Recipient {
            found: Some(ACS_URL.into())
        })
    );
}

#[test]
fn a_response_from_another_issuer_is_refused() {
    let other = IdpConfig::new("https://other.example.test/idp", IDP_SSO_URL, &[&fixture("idp.crt")]).unwrap();
    let r = verify_as(&sp(), &other, &response_xml("signed_assertion"));
    assert_eq!(
        r,
        Err(ResponseError::Issuer {
            found: Some(IDP_ENTITY_ID.into())
        })
    );
}

#[test]
fn an_assertion_from_another_issuer_is_refused_even_when_the_envelope_agrees() {
    let other_id = "https://other.example.test/idp";
    let other = IdpConfig::new(other_id, IDP_SSO_URL, &[&fixture("idp.crt")]).unwrap();
    let xml = response_xml("signed_assertion");
    let envelope_issuer = format!(">{IDP_ENTITY_ID}</ns1:Issuer><ns0:Status>");
    let xml = replace_once(&xml, &envelope_issuer, &format!(">{other_id}</ns1:Issuer><ns0:Status>"));
    let r = verify_as(&sp(), &other, &xml);
    assert_eq!(
        r,
        Err(ResponseError::Issuer {
            found: Some(IDP_ENTITY_ID.into())
        })
    );
}

// ---- InResponseTo and time ----------------------------------------------------------------

#[test]
fn a_response_to_another_request_is_refused() {
    let other = Expected {
        in_response_to: Some("_another_request"),
        allow_idp_initiated: false,
    };
    let xml = response_xml("signed_assertion");
    let r = verify_response(&sp(), &idp(), &encode(&xml), other, now());
    assert!(matches!(r, Err(ResponseError::InResponseTo { .. })));
    // The signed SubjectConfirmationData is checked, not only the (unsigned) envelope.
    let envelope = xml.replacen(
        &format!("InResponseTo=\"{REQUEST_ID}\""),
        "InResponseTo=\"_another_request\"",
        1,
    );
    let r = verify_response(&sp(), &idp(), &encode(&envelope), other, now());
    assert_eq!(
        r,
        Err(ResponseError::InResponseTo {
            expected: Some("_another_request".into()),
            found: Some(REQUEST_ID.into()),
        })
    );
}

fn at(offset: Duration) -> Result<hallpass_saml::VerifiedAssertion, ResponseError> {
    verify_response(
        &sp(),
        &idp(),
        &encode(&response_xml("signed_assertion")),
        sp_initiated(),
        now() + offset,
    )
}

#[test]
fn an_expired_assertion_is_refused_beyond_the_skew() {
    // pysaml2 gives five minutes; the SP allows two minutes of skew.
    assert!(at(Duration::minutes(6)).is_ok());
    assert!(matches!(at(Duration::minutes(7)), Err(ResponseError::Expired(_))));
}

#[test]
fn a_not_yet_valid_assertion_is_refused_beyond_the_skew() {
    assert!(at(-Duration::minutes(1)).is_ok());
    assert!(matches!(at(-Duration::minutes(3)), Err(ResponseError::NotYetValid(_))));
}

#[test]
fn garbage_is_refused_as_encoding() {
    let r = verify_response(&sp(), &idp(), "not base64!", sp_initiated(), now());
    assert_eq!(r, Err(ResponseError::Encoding));
    let r = verify_as(&sp(), &idp(), "<a");
    assert!(matches!(r, Err(ResponseError::Malformed(_))));
}

#[test]
fn truncated_and_corrupted_responses_are_refused_without_panicking() {
    // A deterministic smoke pass over broken inputs (the fuzz target's job, in every test run):
    // every truncation of a signed response, and a byte changed every few positions.
    let (sp, idp) = (sp(), idp());
    for name in ["signed_assertion", "signed_both", "encrypted"] {
        let xml = response_xml(name);
        let bytes = xml.as_bytes();
        for cut in (0..bytes.len()).step_by(13) {
            let r = verify_response(&sp, &idp, &encode_bytes(&bytes[..cut]), sp_initiated(), now());
            assert!(r.is_err(), "{name} cut at {cut} was accepted");
        }
        for at in (0..bytes.len()).step_by(29) {
            let mut changed = bytes.to_vec();
            changed[at] = changed[at].wrapping_add(1);
            // Changing whitespace or an unsigned envelope byte may keep it valid; it must not panic.
            let _ = verify_response(&sp, &idp, &encode_bytes(&changed), sp_initiated(), now());
        }
    }
}

fn encode_bytes(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The figure: signed responses verified per second on one core. Run with
/// `cargo test --release -p hallpass-saml --test verify -- --ignored --nocapture`.
#[test]
#[ignore = "a benchmark: run it in release with --ignored --nocapture"]
fn throughput_of_verifying_a_signed_response() {
    let (sp, idp) = (sp(), idp());
    let form = encode(&response_xml("signed_assertion"));
    let runs = 2_000;
    let start = std::time::Instant::now();
    for _ in 0..runs {
        verify_response(&sp, &idp, &form, sp_initiated(), now()).unwrap();
    }
    let per_sec = f64::from(runs) / start.elapsed().as_secs_f64();
    println!("verified {runs} signed responses: {per_sec:.0}/s on one thread");
}
