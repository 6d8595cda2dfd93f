//! Verifying a `SAMLResponse` received over the HTTP-POST binding at the ACS.

use base64::Engine as _;
use roxmltree::{Document, Node};
use time::OffsetDateTime;

use crate::idp::IdpConfig;
use crate::signature::{self, id_of, ShapeError};
use crate::sp::{SpConfig, NAMEID_EMAIL};
use crate::xml::{self, child, children, parse_instant, NS_ASSERTION, NS_PROTOCOL};

const STATUS_SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";
const BEARER: &str = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
/// Largest `SAMLResponse` form value accepted (base64 text).
const MAX_ENCODED_LEN: usize = 1 << 20;

/// Why a response was refused: one variant per check, so the error page and the audit log can
/// say which check failed. Nothing from a refused response may be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ResponseError {
    #[error("the SAMLResponse is not base64-encoded UTF-8 XML of a sensible size")]
    Encoding,
    #[error("the response has a DTD (entity declarations are refused)")]
    Dtd,
    #[error("the response is not a well-formed SAML Response: {0}")]
    Malformed(String),
    #[error("the identity provider answered with status {code}")]
    Status {
        code: String,
        sub_code: Option<String>,
        message: Option<String>,
    },
    #[error("two elements share the ID {0}")]
    DuplicateId(String),
    #[error("the response is not shaped as one Response with one Assertion: {0}")]
    Wrapping(&'static str),
    #[error("the signature is not a SAML signature of its parent: {0}")]
    SignatureReference(&'static str),
    #[error("neither the Response nor the Assertion is signed")]
    Unsigned,
    #[error("the signature does not verify with the identity provider's certificates")]
    SignatureInvalid,
    #[error("the response carries a comment or processing instruction")]
    Comment,
    #[error("the assertion is encrypted but no SP decryption key is configured")]
    EncryptedAssertionWithoutKey,
    #[error("the encrypted assertion could not be decrypted: {0}")]
    Decryption(String),
    #[error("Destination {found:?} is not this SP's ACS URL")]
    Destination { found: Option<String> },
    #[error("Issuer {found:?} is not the identity provider's entity id")]
    Issuer { found: Option<String> },
    #[error("the assertion's audiences {found:?} do not include this SP's entity id")]
    Audience { found: Vec<String> },
    #[error("no bearer SubjectConfirmation for this ACS URL: {0}")]
    SubjectConfirmation(&'static str),
    #[error("Recipient {found:?} is not this SP's ACS URL")]
    Recipient { found: Option<String> },
    #[error("InResponseTo {found:?} is not the request this browser made ({expected:?})")]
    InResponseTo {
        expected: Option<String>,
        found: Option<String>,
    },
    #[error("an unsolicited (IdP-initiated) response is not allowed for this connection")]
    Unsolicited,
    #[error("the assertion is not valid before {0}")]
    NotYetValid(OffsetDateTime),
    #[error("the assertion expired at {0}")]
    Expired(OffsetDateTime),
    #[error("the assertion has no NameID")]
    NoNameId,
    #[error("the assertion has no AuthnStatement")]
    NoAuthnStatement,
}

impl From<xml::ParseError> for ResponseError {
    fn from(e: xml::ParseError) -> Self {
        match e {
            xml::ParseError::Dtd => Self::Dtd,
            xml::ParseError::Malformed(m) => Self::Malformed(m),
        }
    }
}

impl From<ShapeError> for ResponseError {
    fn from(e: ShapeError) -> Self {
        match e {
            ShapeError::DuplicateId(id) => Self::DuplicateId(id),
            ShapeError::Reference(why) => Self::SignatureReference(why),
        }
    }
}

/// What the caller expects the response to answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expected<'a> {
    /// The ID of the AuthnRequest this browser made (stored by the caller when it sent it), or
    /// `None` when there was none (IdP-initiated).
    pub in_response_to: Option<&'a str>,
    /// Whether this connection accepts IdP-initiated (unsolicited) responses.
    pub allow_idp_initiated: bool,
}

/// The identity a verified response asserts. Every field was read from the signed bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedAssertion {
    /// The NameID, whole.
    pub name_id: String,
    /// The NameID's Format attribute, if any.
    pub name_id_format: Option<String>,
    /// From an emailAddress NameID, else from the `email`, `mail`, `…/claims/emailaddress` (or the
    /// mail OID) attribute.
    pub email: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub display_name: Option<String>,
    /// The assertion's ID: the caller records it until `replay_until` and refuses it again.
    pub assertion_id: String,
    /// When the assertion stops being acceptable anyway (its earliest NotOnOrAfter, plus skew).
    pub replay_until: OffsetDateTime,
    /// The AuthnStatement's SessionIndex (for single logout).
    pub session_index: Option<String>,
    /// The request this answers; `None` for an IdP-initiated response.
    pub in_response_to: Option<String>,
    /// Every attribute, by Name, with its values in order.
    pub attributes: Vec<(String, Vec<String>)>,
}

impl VerifiedAssertion {
    /// The first value of the first attribute among `names` that has one.
    pub fn attribute(&self, names: &[&str]) -> Option<&str> {
        names.iter().find_map(|n| {
            self.attributes
                .iter()
                .find(|(name, _)| name == n)
                .and_then(|(_, v)| v.iter().find(|v| !v.trim().is_empty()))
                .map(|v| v.trim())
        })
    }
}

const EMAIL_ATTRIBUTES: &[&str] = &[
    "email",
    "mail",
    "emailAddress",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
    "urn:oid:0.9.2342.19200300.100.1.3",
];
const GIVEN_NAME_ATTRIBUTES: &[&str] = &[
    "givenName",
    "given_name",
    "firstName",
    "first_name",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
    "urn:oid:2.5.4.42",
];
const FAMILY_NAME_ATTRIBUTES: &[&str] = &[
    "sn",
    "surname",
    "familyName",
    "family_name",
    "lastName",
    "last_name",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
    "urn:oid:2.5.4.4",
];
const DISPLAY_NAME_ATTRIBUTES: &[&str] = &[
    "displayName",
    "display_name",
    "name",
    "http://schemas.microsoft.com/identity/claims/displayname",
    // ADFS's "Common Name" claim.
    "http://schemas.xmlsoap.org/claims/CommonName",
    "urn:oid:2.16.840.1.113730.3.1.241",
];

/// Verifies a `SAMLResponse` form value (base64 XML, HTTP-POST binding) against the SP and IdP
/// configuration at `now`, and returns the identity it asserts. Replay is the caller's: record
/// `assertion_id` until `replay_until` and refuse it when seen again.
pub fn verify_response(
    sp: &SpConfig,
    idp: &IdpConfig,
    saml_response: &str,
    expected: Expected<'_>,
    now: OffsetDateTime,
) -> Result<VerifiedAssertion, ResponseError> {
    let text = decode(saml_response)?;
    let doc = xml::parse(&text)?;
    let root = doc.root_element();
    if !root.has_tag_name((NS_PROTOCOL, "Response")) {
        return Err(ResponseError::Malformed("the root is not samlp:Response".into()));
    }
    signature::check_unique_ids(&doc)?;
    check_status(root)?;
    refuse_comments(root)?;
    let carried = single_assertion(&doc)?;
    let encrypted = carried.has_tag_name((NS_ASSERTION, "EncryptedAssertion"));
    // The key to decrypt with, when the assertion is encrypted; refused early without one.
    let decryption_key = match (encrypted, sp.decryption_key()) {
        (false, _) => None,
        (true, Some(key)) => Some(key),
        (true, None) => return Err(ResponseError::EncryptedAssertionWithoutKey),
    };
    let mut signable = vec![root.id()];
    if !encrypted {
        signable.push(carried.id());
    }
    let signed = signature::check_signature_shapes(&doc, &signable)?;

    // The signed Response, if it is signed: from then on everything is read from its bytes.
    let response_signed = id_of(root).is_some_and(|id| signed.iter().any(|s| s == id));
    let predigest = if signed.is_empty() {
        None
    } else {
        Some(signature::verify(&text, idp.certificates()).ok_or(ResponseError::SignatureInvalid)?)
    };
    let predigest_doc = predigest.as_deref().map(xml::parse).transpose()?;
    let signed_root = predigest_doc.as_ref().map(|d| d.root_element());
    let (envelope, carried, mut assertion_signed) = if response_signed {
        let signed_response = signed_root
            .filter(|r| r.has_tag_name((NS_PROTOCOL, "Response")) && id_of(*r) == id_of(root))
            .ok_or(ResponseError::Wrapping("the signed element is not this Response"))?;
        let inner = children(signed_response, NS_ASSERTION, "Assertion")
            .chain(children(signed_response, NS_ASSERTION, "EncryptedAssertion"))
            .next()
            .ok_or(ResponseError::Wrapping("the signed Response has no assertion"))?;
        (signed_response, inner, true)
    } else if let Some(signed_assertion) = signed_root {
        if !signed_assertion.has_tag_name((NS_ASSERTION, "Assertion")) || id_of(signed_assertion) != id_of(carried) {
            return Err(ResponseError::Wrapping(
                "the signed element is not this response's Assertion",
            ));
        }
        (root, signed_assertion, true)
    } else {
        (root, carried, false)
    };

    // An encrypted assertion: decrypt, then check its own signature as a document of its own.
    let decrypted_text;
    let decrypted_doc;
    let decrypted_predigest;
    let decrypted_predigest_doc;
    let assertion = if let Some(key) = decryption_key {
        decrypted_text = crate::encryption::decrypt(carried, key).map_err(ResponseError::Decryption)?;
        decrypted_doc = xml::parse(&decrypted_text)?;
        let inner = decrypted_doc.root_element();
        if !inner.has_tag_name((NS_ASSERTION, "Assertion")) {
            return Err(ResponseError::Decryption("the plaintext is not an Assertion".into()));
        }
        signature::check_unique_ids(&decrypted_doc)?;
        refuse_comments(inner)?;
        let inner_signed = signature::check_signature_shapes(&decrypted_doc, &[inner.id()])?;
        if inner_signed.is_empty() {
            inner
        } else {
            decrypted_predigest =
                signature::verify(&decrypted_text, idp.certificates()).ok_or(ResponseError::SignatureInvalid)?;
            decrypted_predigest_doc = xml::parse(&decrypted_predigest)?;
            let signed_inner = decrypted_predigest_doc.root_element();
            if !signed_inner.has_tag_name((NS_ASSERTION, "Assertion")) || id_of(signed_inner) != id_of(inner) {
                return Err(ResponseError::Wrapping(
                    "the signed element is not the decrypted Assertion",
                ));
            }
            assertion_signed = true;
            signed_inner
        }
    } else {
        carried
    };
    if !assertion_signed {
        return Err(ResponseError::Unsigned);
    }

    check_envelope(sp, idp, envelope, response_signed, expected)?;
    read_assertion(sp, idp, assertion, expected, now)
}

fn decode(saml_response: &str) -> Result<String, ResponseError> {
    if saml_response.len() > MAX_ENCODED_LEN {
        return Err(ResponseError::Encoding);
    }
    let compact: String = saml_response.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|_| ResponseError::Encoding)?;
    String::from_utf8(bytes).map_err(|_| ResponseError::Encoding)
}

fn check_status(root: Node<'_, '_>) -> Result<(), ResponseError> {
    let status = child(root, NS_PROTOCOL, "Status").ok_or_else(|| ResponseError::Malformed("no Status".into()))?;
    let code =
        child(status, NS_PROTOCOL, "StatusCode").ok_or_else(|| ResponseError::Malformed("no StatusCode".into()))?;
    let value = code.attribute("Value").unwrap_or_default();
    if value == STATUS_SUCCESS {
        return Ok(());
    }
    Err(ResponseError::Status {
        code: value.to_owned(),
        sub_code: child(code, NS_PROTOCOL, "StatusCode")
            .and_then(|c| c.attribute("Value"))
            .map(str::to_owned),
        message: child(status, NS_PROTOCOL, "StatusMessage")
            .and_then(|m| xml::simple_text(m).ok())
            .map(|m| m.trim().to_owned()),
    })
}

/// Canonicalization drops comments, so a comment is never signed: one inside a NameID
/// (`user@evil.test<!---->.acme.test`) keeps the signature valid while a naive reader stops at
/// it. Hallpass reads the whole signed text anyway, and refuses such a response outright.
fn refuse_comments(root: Node<'_, '_>) -> Result<(), ResponseError> {
    if root
        .descendants()
        .any(|n| matches!(n.node_type(), roxmltree::NodeType::Comment | roxmltree::NodeType::PI))
    {
        return Err(ResponseError::Comment);
    }
    Ok(())
}

/// The one assertion (plain or encrypted) the response carries, as a direct child of the root,
/// and no other Assertion or Response anywhere (signature wrapping hides a second one in
/// Extensions, in a ds:Object, inside the first, or beside it).
fn single_assertion<'a, 'i>(doc: &'a Document<'i>) -> Result<Node<'a, 'i>, ResponseError> {
    let root = doc.root_element();
    let responses = doc
        .descendants()
        .filter(|n| n.has_tag_name((NS_PROTOCOL, "Response")))
        .count();
    if responses != 1 {
        return Err(ResponseError::Wrapping("a Response inside the Response"));
    }
    let assertions: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name((NS_ASSERTION, "Assertion")) || n.has_tag_name((NS_ASSERTION, "EncryptedAssertion")))
        .collect();
    match assertions.as_slice() {
        [] => Err(ResponseError::Malformed("no Assertion".into())),
        [one] if one.parent_element() == Some(root) => Ok(*one),
        [_] => Err(ResponseError::Wrapping("the Assertion is not a child of the Response")),
        _ => Err(ResponseError::Wrapping("more than one Assertion")),
    }
}

fn check_envelope(
    sp: &SpConfig,
    idp: &IdpConfig,
    response: Node<'_, '_>,
    response_signed: bool,
    expected: Expected<'_>,
) -> Result<(), ResponseError> {
    match response.attribute("Destination") {
        Some(d) if d == sp.acs_url() => {}
        // SAML bindings §3.5.5.2: a signed message must say where it was sent.
        None if !response_signed => {}
        found => {
            return Err(ResponseError::Destination {
                found: found.map(str::to_owned),
            })
        }
    }
    if let Some(issuer) = child(response, NS_ASSERTION, "Issuer") {
        let found = xml::simple_text(issuer).map_err(|_| ResponseError::Comment)?;
        if found.trim() != idp.entity_id() {
            return Err(ResponseError::Issuer { found: Some(found) });
        }
    }
    if let Some(found) = response.attribute("InResponseTo") {
        if expected.in_response_to != Some(found) {
            return Err(ResponseError::InResponseTo {
                expected: expected.in_response_to.map(str::to_owned),
                found: Some(found.to_owned()),
            });
        }
    }
    Ok(())
}

fn text_of(node: Node<'_, '_>) -> Result<String, ResponseError> {
    xml::simple_text(node).map_err(|e| match e {
        xml::TextError::CommentInside => ResponseError::Comment,
        xml::TextError::ElementInside => ResponseError::Malformed(format!("markup inside {}", node.tag_name().name())),
    })
}

fn instant(node: Node<'_, '_>, name: &str) -> Result<Option<OffsetDateTime>, ResponseError> {
    node.attribute(name)
        .map(|t| parse_instant(t).ok_or_else(|| ResponseError::Malformed(format!("bad {name}"))))
        .transpose()
}

/// Checks a time window at `now` with the SP's skew; returns NotOnOrAfter.
fn check_window(
    sp: &SpConfig,
    node: Node<'_, '_>,
    now: OffsetDateTime,
) -> Result<Option<OffsetDateTime>, ResponseError> {
    let skew = sp.clock_skew();
    if let Some(not_before) = instant(node, "NotBefore")? {
        if now + skew < not_before {
            return Err(ResponseError::NotYetValid(not_before));
        }
    }
    let not_on_or_after = instant(node, "NotOnOrAfter")?;
    if let Some(end) = not_on_or_after {
        if now - skew >= end {
            return Err(ResponseError::Expired(end));
        }
    }
    Ok(not_on_or_after)
}

fn read_assertion(
    sp: &SpConfig,
    idp: &IdpConfig,
    assertion: Node<'_, '_>,
    expected: Expected<'_>,
    now: OffsetDateTime,
) -> Result<VerifiedAssertion, ResponseError> {
    let assertion_id = id_of(assertion)
        .ok_or_else(|| ResponseError::Malformed("the Assertion has no ID".into()))?
        .to_owned();
    let issuer = child(assertion, NS_ASSERTION, "Issuer").map(text_of).transpose()?;
    if issuer.as_deref().map(str::trim) != Some(idp.entity_id()) {
        return Err(ResponseError::Issuer { found: issuer });
    }

    // Conditions: time window and audience.
    let mut ends = Vec::new();
    let conditions =
        child(assertion, NS_ASSERTION, "Conditions").ok_or(ResponseError::Audience { found: Vec::new() })?;
    ends.extend(check_window(sp, conditions, now)?);
    let restrictions: Vec<_> = children(conditions, NS_ASSERTION, "AudienceRestriction").collect();
    let mut audiences = Vec::new();
    for restriction in &restrictions {
        let these = children(*restriction, NS_ASSERTION, "Audience")
            .map(text_of)
            .collect::<Result<Vec<_>, _>>()?;
        let ours = these.iter().any(|a| a.trim() == sp.entity_id());
        audiences.extend(these);
        if !ours {
            return Err(ResponseError::Audience { found: audiences });
        }
    }
    if restrictions.is_empty() {
        return Err(ResponseError::Audience { found: audiences });
    }

    // Subject: NameID and a bearer confirmation for this ACS answering the expected request.
    let subject = child(assertion, NS_ASSERTION, "Subject").ok_or(ResponseError::NoNameId)?;
    let name_id_node = child(subject, NS_ASSERTION, "NameID").ok_or(ResponseError::NoNameId)?;
    let name_id = text_of(name_id_node)?.trim().to_owned();
    if name_id.is_empty() {
        return Err(ResponseError::NoNameId);
    }
    let name_id_format = name_id_node.attribute("Format").map(str::to_owned);
    let confirmation = confirm_subject(sp, subject, expected, now)?;
    ends.extend(confirmation);

    let authn = child(assertion, NS_ASSERTION, "AuthnStatement").ok_or(ResponseError::NoAuthnStatement)?;
    if let Some(session_end) = instant(authn, "SessionNotOnOrAfter")? {
        if now - sp.clock_skew() >= session_end {
            return Err(ResponseError::Expired(session_end));
        }
    }
    let session_index = authn.attribute("SessionIndex").map(str::to_owned);

    let mut attributes = Vec::new();
    for statement in children(assertion, NS_ASSERTION, "AttributeStatement") {
        for attribute in children(statement, NS_ASSERTION, "Attribute") {
            let name = attribute.attribute("Name").unwrap_or_default().to_owned();
            let values = children(attribute, NS_ASSERTION, "AttributeValue")
                .map(text_of)
                .collect::<Result<Vec<_>, _>>()?;
            attributes.push((name, values));
        }
    }
    let replay_until = ends
        .iter()
        .min()
        .copied()
        .ok_or(ResponseError::SubjectConfirmation("no NotOnOrAfter"))?
        + sp.clock_skew();

    let mut verified = VerifiedAssertion {
        name_id,
        name_id_format,
        email: None,
        given_name: None,
        family_name: None,
        display_name: None,
        assertion_id,
        replay_until,
        session_index,
        in_response_to: expected.in_response_to.map(str::to_owned),
        attributes,
    };
    verified.email = if verified.name_id_format.as_deref() == Some(NAMEID_EMAIL) {
        Some(verified.name_id.clone())
    } else {
        verified.attribute(EMAIL_ATTRIBUTES).map(str::to_owned)
    };
    verified.given_name = verified.attribute(GIVEN_NAME_ATTRIBUTES).map(str::to_owned);
    verified.family_name = verified.attribute(FAMILY_NAME_ATTRIBUTES).map(str::to_owned);
    verified.display_name = verified.attribute(DISPLAY_NAME_ATTRIBUTES).map(str::to_owned);
    Ok(verified)
}

/// Web SSO profile §4.1.4.3: a bearer SubjectConfirmation whose data names this ACS as
/// Recipient, is within its NotOnOrAfter, and answers the expected request. Returns its
/// NotOnOrAfter. With several, the first that passes wins; otherwise the first one's error.
fn confirm_subject(
    sp: &SpConfig,
    subject: Node<'_, '_>,
    expected: Expected<'_>,
    now: OffsetDateTime,
) -> Result<Option<OffsetDateTime>, ResponseError> {
    let mut first_error = None;
    for confirmation in
        children(subject, NS_ASSERTION, "SubjectConfirmation").filter(|c| c.attribute("Method") == Some(BEARER))
    {
        match check_confirmation(sp, confirmation, expected, now) {
            Ok(end) => return Ok(Some(end)),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or(ResponseError::SubjectConfirmation("no bearer SubjectConfirmation")))
}

fn check_confirmation(
    sp: &SpConfig,
    confirmation: Node<'_, '_>,
    expected: Expected<'_>,
    now: OffsetDateTime,
) -> Result<OffsetDateTime, ResponseError> {
    let data = child(confirmation, NS_ASSERTION, "SubjectConfirmationData")
        .ok_or(ResponseError::SubjectConfirmation("no SubjectConfirmationData"))?;
    let recipient = data.attribute("Recipient");
    if recipient != Some(sp.acs_url()) {
        return Err(ResponseError::Recipient {
            found: recipient.map(str::to_owned),
        });
    }
    let end = check_window(sp, data, now)?.ok_or(ResponseError::SubjectConfirmation("no NotOnOrAfter"))?;
    let found = data.attribute("InResponseTo");
    match (expected.in_response_to, found) {
        (Some(want), Some(got)) if want == got => {}
        (None, None) if expected.allow_idp_initiated => {}
        (None, None) => return Err(ResponseError::Unsolicited),
        (want, got) => {
            return Err(ResponseError::InResponseTo {
                expected: want.map(str::to_owned),
                found: got.map(str::to_owned),
            })
        }
    }
    Ok(end)
}
