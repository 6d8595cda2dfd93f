//! The XML-signature gate. Verification itself is libxmlsec1's, through samael; this module
//! decides what may be handed to it and what may be read back.
//!
//! Before verifying, the shape of every `ds:Signature` is checked the way the SAML core spec
//! (§5.4) asks: it is a direct child of the element it signs, that element carries an ID, and the
//! signature has exactly one `Reference` whose URI is `#` + that ID, with no transforms beyond
//! enveloped-signature and (exclusive) canonicalization. IDs in the document are unique. So the
//! element a verified signature covers is known before xmlsec runs, no reference can reach a file
//! or a URL, and no XSLT/XPath transform runs.
//!
//! After verifying, only xmlsec's pre-digest output (the exact bytes the verified digest was
//! computed over: samael's `ReduceMode::PreDigest`) is parsed and read; the caller compares its
//! root with the element it expected to be signed.

use samael::crypto::{AllowedSignatureAlgorithm, CertificateDer, Crypto, CryptoProvider, ReduceMode};

use crate::keys::Certificate;
use crate::xml::{child, children, NS_DSIG};

/// Transforms a SAML signature may use (SAML core §5.4.4).
const ALLOWED_TRANSFORMS: [&str; 5] = [
    "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
    "http://www.w3.org/2001/10/xml-exc-c14n#",
    "http://www.w3.org/2001/10/xml-exc-c14n#WithComments",
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments",
];

/// What is wrong with a signature's shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ShapeError {
    /// Two elements share an ID value.
    DuplicateId(String),
    /// The signature does not reference exactly its parent, by ID.
    Reference(&'static str),
}

/// The ID attribute of a SAML element.
pub(crate) fn id_of<'a>(node: roxmltree::Node<'a, '_>) -> Option<&'a str> {
    node.attribute("ID")
}

/// Refuses a document in which two elements carry the same ID value (under any of the attribute
/// names libxml2 or xmlsec may treat as an ID: `ID`, `Id`, `id`, `xml:id`).
pub(crate) fn check_unique_ids(doc: &roxmltree::Document<'_>) -> Result<(), ShapeError> {
    let mut seen = std::collections::HashSet::new();
    for node in doc.descendants().filter(|n| n.is_element()) {
        for attr in node.attributes() {
            let is_id = match attr.namespace() {
                None => matches!(attr.name(), "ID" | "Id" | "id"),
                Some(ns) => ns == "http://www.w3.org/XML/1998/namespace" && attr.name() == "id",
            };
            if is_id && !seen.insert(attr.value()) {
                return Err(ShapeError::DuplicateId(attr.value().to_owned()));
            }
        }
    }
    Ok(())
}

/// Checks every `ds:Signature` in the document: it signs its parent, and its parent is one of
/// `signable` (the Response root, the Assertion). Returns the signed parents' IDs.
pub(crate) fn check_signature_shapes(
    doc: &roxmltree::Document<'_>,
    signable: &[roxmltree::NodeId],
) -> Result<Vec<String>, ShapeError> {
    let mut signed = Vec::new();
    for sig in doc.descendants().filter(|n| n.has_tag_name((NS_DSIG, "Signature"))) {
        let parent = sig
            .parent_element()
            .ok_or(ShapeError::Reference("a signature has no parent element"))?;
        if !signable.contains(&parent.id()) {
            return Err(ShapeError::Reference(
                "a signature sits somewhere other than in the Response or the Assertion",
            ));
        }
        let parent_id = id_of(parent).ok_or(ShapeError::Reference("a signed element has no ID attribute"))?;
        if signed.iter().any(|s| s == parent_id) {
            return Err(ShapeError::Reference("an element carries two signatures"));
        }
        let signed_info =
            child(sig, NS_DSIG, "SignedInfo").ok_or(ShapeError::Reference("a signature has no SignedInfo"))?;
        let references: Vec<_> = children(signed_info, NS_DSIG, "Reference").collect();
        let [reference] = references.as_slice() else {
            return Err(ShapeError::Reference("a signature must have exactly one Reference"));
        };
        if reference.attribute("URI") != Some(format!("#{parent_id}").as_str()) {
            return Err(ShapeError::Reference(
                "a signature references something other than the element it sits in",
            ));
        }
        let transforms = child(*reference, NS_DSIG, "Transforms")
            .into_iter()
            .flat_map(|t| children(t, NS_DSIG, "Transform"));
        for transform in transforms {
            let algorithm = transform.attribute("Algorithm").unwrap_or_default();
            if !ALLOWED_TRANSFORMS.contains(&algorithm) {
                return Err(ShapeError::Reference(
                    "a signature uses a transform SAML does not allow",
                ));
            }
        }
        signed.push(parent_id.to_owned());
    }
    Ok(signed)
}

/// Verifies every signature in `xml` against `certificates` (any one may sign each: rollover),
/// RSA-SHA256 with SHA-256 digests only, and returns the pre-digest XML of what was signed: the
/// signed element in canonical form, without its own signature. When both the Response and its
/// Assertion are signed, that is the Response (which contains the Assertion). Returns `None` when
/// any signature fails.
pub(crate) fn verify(xml: &str, certificates: &[Certificate]) -> Option<String> {
    let ders: Vec<CertificateDer> = certificates
        .iter()
        .map(|c| CertificateDer::from(c.der().to_vec()))
        .collect();
    Crypto::reduce_xml_to_signed_with_allowed_algorithms(
        xml,
        &ders,
        ReduceMode::PreDigest,
        Some(&[AllowedSignatureAlgorithm::RsaSha256]),
    )
    .ok()
}
