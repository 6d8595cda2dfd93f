//! A SAML identity provider for the ACS tests: responses written in the shapes Okta, Entra ID
//! and ADFS send, signed by Debian's `xmlsec1` binary (the signer pysaml2 uses) with the
//! throwaway keys of `hallpass-saml`'s fixtures. Attacks are made from its signed output.

use std::io::Write as _;
use std::process::Command;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

pub const IDP_ENTITY_ID: &str = "https://idp.acme.test/saml";
pub const IDP_SSO_URL: &str = "https://idp.acme.test/sso/redirect";
const NS_DSIG: &str = "http://www.w3.org/2000/09/xmldsig#";

pub fn fixture(name: &str) -> String {
    let path = format!("{}/../hallpass-saml/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn fixture_path(name: &str) -> String {
    format!("{}/../hallpass-saml/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Which elements the IdP signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signing {
    Assertion,
    Response,
    Both,
    Neither,
}

/// How an IdP product shapes its response.
#[derive(Debug, Clone)]
pub struct Shape {
    pub name_id: String,
    pub name_id_format: &'static str,
    pub attributes: Vec<(&'static str, String)>,
    pub signing: Signing,
}

/// Okta: NameID emailAddress, short attribute names, response and assertion signed.
pub fn okta(email: &str) -> Shape {
    Shape {
        name_id: email.into(),
        name_id_format: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
        attributes: vec![
            ("email", email.into()),
            ("firstName", "Ada".into()),
            ("lastName", "Lovelace".into()),
        ],
        signing: Signing::Both,
    }
}

/// Entra ID: a persistent NameID, the claim URIs, the assertion signed (its default).
pub fn entra(email: &str) -> Shape {
    Shape {
        name_id: "AAAAAAAAAAAAAAAAAAAAAJ9pLTGdQ8XqZ1b".into(),
        name_id_format: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
        attributes: vec![
            (
                "http://schemas.microsoft.com/identity/claims/objectidentifier",
                "9f1c2d".into(),
            ),
            (
                "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
                email.into(),
            ),
            (
                "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
                "Grace".into(),
            ),
            (
                "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
                "Hopper".into(),
            ),
            (
                "http://schemas.microsoft.com/identity/claims/displayname",
                "Grace Hopper".into(),
            ),
        ],
        signing: Signing::Assertion,
    }
}

/// ADFS with `SamlResponseSignature = MessageOnly`: an unspecified NameID (the UPN), the
/// claim URIs, only the Response signed.
pub fn adfs(email: &str) -> Shape {
    Shape {
        name_id: format!("ACME\\{}", email.split('@').next().unwrap_or_default()),
        name_id_format: "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
        attributes: vec![
            (
                "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn",
                email.into(),
            ),
            (
                "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
                email.into(),
            ),
            (
                "http://schemas.xmlsoap.org/claims/CommonName",
                "Katherine Johnson".into(),
            ),
        ],
        signing: Signing::Response,
    }
}

/// What the response says about where it goes and what it answers.
#[derive(Debug, Clone)]
pub struct Envelope {
    pub destination: String,
    pub recipient: String,
    pub audience: String,
    pub issuer: String,
    pub in_response_to: Option<String>,
    pub issued: OffsetDateTime,
    /// How long the assertion is valid after `issued`.
    pub lifetime: time::Duration,
    pub assertion_id: String,
    pub status: &'static str,
}

pub fn instant(t: OffsetDateTime) -> String {
    t.replace_nanosecond(0).unwrap().format(&Rfc3339).unwrap()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn signature_template(id: &str) -> String {
    format!(
        "<ds:Signature xmlns:ds=\"{NS_DSIG}\"><ds:SignedInfo>\
         <ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>\
         <ds:SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\"/>\
         <ds:Reference URI=\"#{id}\"><ds:Transforms>\
         <ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>\
         <ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/></ds:Transforms>\
         <ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/>\
         <ds:DigestValue></ds:DigestValue></ds:Reference></ds:SignedInfo>\
         <ds:SignatureValue></ds:SignatureValue><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>"
    )
}

const ASSERTION_SIGNATURE: &str = "<!--assertion-signature-->";
const RESPONSE_SIGNATURE: &str = "<!--response-signature-->";

/// The unsigned response, with markers where signatures go.
fn unsigned(shape: &Shape, e: &Envelope) -> String {
    let irt = |t: &Option<String>| {
        t.as_ref()
            .map(|v| format!(" InResponseTo=\"{}\"", escape(v)))
            .unwrap_or_default()
    };
    let attributes: String = shape
        .attributes
        .iter()
        .map(|(name, value)| {
            format!(
                "<saml:Attribute Name=\"{}\"><saml:AttributeValue>{}</saml:AttributeValue></saml:Attribute>",
                escape(name),
                escape(value)
            )
        })
        .collect();
    let t = instant(e.issued);
    let not_before = instant(e.issued - time::Duration::seconds(30));
    let end = instant(e.issued + e.lifetime);
    format!(
        "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" \
         xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"_r{id}\" Version=\"2.0\" \
         IssueInstant=\"{t}\" Destination=\"{dest}\"{irt}>\
         <saml:Issuer>{issuer}</saml:Issuer>{RESPONSE_SIGNATURE}\
         <samlp:Status><samlp:StatusCode Value=\"{status}\"/></samlp:Status>\
         <saml:Assertion ID=\"{id}\" Version=\"2.0\" IssueInstant=\"{t}\">\
         <saml:Issuer>{issuer}</saml:Issuer>{ASSERTION_SIGNATURE}\
         <saml:Subject><saml:NameID Format=\"{format}\">{name_id}</saml:NameID>\
         <saml:SubjectConfirmation Method=\"urn:oasis:names:tc:SAML:2.0:cm:bearer\">\
         <saml:SubjectConfirmationData{irt} NotOnOrAfter=\"{end}\" Recipient=\"{recipient}\"/>\
         </saml:SubjectConfirmation></saml:Subject>\
         <saml:Conditions NotBefore=\"{not_before}\" NotOnOrAfter=\"{end}\"><saml:AudienceRestriction>\
         <saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions>\
         <saml:AuthnStatement AuthnInstant=\"{t}\" SessionIndex=\"_s{id}\"><saml:AuthnContext>\
         <saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport\
         </saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>\
         <saml:AttributeStatement>{attributes}</saml:AttributeStatement>\
         </saml:Assertion></samlp:Response>",
        id = e.assertion_id,
        dest = escape(&e.destination),
        irt = irt(&e.in_response_to),
        issuer = escape(&e.issuer),
        status = e.status,
        format = shape.name_id_format,
        name_id = escape(&shape.name_id),
        recipient = escape(&e.recipient),
        audience = escape(&e.audience),
    )
}

/// The response signed as the shape says, with the key `key` (`idp`, `idp2`, `other`).
pub fn signed_response(shape: &Shape, e: &Envelope, key: &str) -> String {
    response(shape, e, key, None)
}

/// As an IdP that encrypts: the assertion signed (if the shape says so), then encrypted to the
/// certificate `to` (`sp`, `other`) with the content algorithm `content` (an XML Encryption
/// URI) and an RSA-OAEP-wrapped key, then the Response signed (if the shape says so).
pub fn encrypted_response(shape: &Shape, e: &Envelope, key: &str, to: &str, content: &str) -> String {
    response(shape, e, key, Some((to, content)))
}

fn response(shape: &Shape, e: &Envelope, key: &str, encrypt: Option<(&str, &str)>) -> String {
    let mut xml = unsigned(shape, e);
    if matches!(shape.signing, Signing::Assertion | Signing::Both) {
        xml = xmlsec_sign(
            &xml.replace(ASSERTION_SIGNATURE, &signature_template(&e.assertion_id)),
            key,
        );
    }
    xml = xml.replace(ASSERTION_SIGNATURE, "");
    if let Some((to, content)) = encrypt {
        xml = xmlsec_encrypt(&xml, to, content);
    }
    if matches!(shape.signing, Signing::Response | Signing::Both) {
        let template = signature_template(&format!("_r{}", e.assertion_id));
        xml = xmlsec_sign(&xml.replace(RESPONSE_SIGNATURE, &template), key);
    }
    // A comment outside what is signed; the ACS refuses comments anywhere.
    xml.replace(RESPONSE_SIGNATURE, "")
}

/// Signs the first empty `ds:Signature` template of `xml` with xmlsec1.
fn xmlsec_sign(xml: &str, key: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.xml");
    std::fs::File::create(&input)
        .unwrap()
        .write_all(xml.as_bytes())
        .unwrap();
    let output = Command::new("xmlsec1")
        .arg("--sign")
        .arg("--privkey-pem")
        .arg(format!(
            "{},{}",
            fixture_path(&format!("{key}.key")),
            fixture_path(&format!("{key}.crt"))
        ))
        .args(["--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:assertion:Assertion"])
        .args(["--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:protocol:Response"])
        .arg(&input)
        .output()
        .expect("xmlsec1 (Debian package xmlsec1) must be installed");
    assert!(
        output.status.success(),
        "xmlsec1: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let signed = String::from_utf8(output.stdout).unwrap();
    // xmlsec1 prints an XML declaration first; the IdPs send the document without one too.
    match signed.strip_prefix("<?xml version=\"1.0\"?>\n") {
        Some(rest) => rest.trim_end().to_owned(),
        None => signed.trim_end().to_owned(),
    }
}

/// Encrypts the `saml:Assertion` of `xml` into a `saml:EncryptedAssertion` for the holder of
/// the certificate `to`, with xmlsec1 and a template (as pysaml2 does).
fn xmlsec_encrypt(xml: &str, to: &str, content: &str) -> String {
    let (start, end) = (
        xml.find("<saml:Assertion ").unwrap(),
        xml.find("</saml:Assertion>").unwrap() + "</saml:Assertion>".len(),
    );
    // The assertion is decrypted as a document of its own, so it declares its prefix itself (a
    // redundant declaration, invisible to exclusive canonicalization, so the signature holds).
    let assertion = xml[start..end].replacen(
        "<saml:Assertion ",
        "<saml:Assertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ",
        1,
    );
    let wrapped = format!(
        "{}<saml:EncryptedAssertion>{assertion}</saml:EncryptedAssertion>{}",
        &xml[..start],
        &xml[end..]
    );
    let template = format!(
        "<xenc:EncryptedData xmlns:xenc=\"http://www.w3.org/2001/04/xmlenc#\" \
         Type=\"http://www.w3.org/2001/04/xmlenc#Element\">\
         <xenc:EncryptionMethod Algorithm=\"{content}\"/>\
         <ds:KeyInfo xmlns:ds=\"{NS_DSIG}\"><xenc:EncryptedKey>\
         <xenc:EncryptionMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p\"/>\
         <xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo>\
         <xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedData>"
    );
    let session_key = match content.rsplit('#').next().unwrap() {
        "aes128-cbc" | "aes128-gcm" => "aes-128",
        "aes192-cbc" | "aes192-gcm" => "aes-192",
        "aes256-cbc" | "aes256-gcm" => "aes-256",
        other => panic!("no session key for {other}"),
    };
    let dir = tempfile::tempdir().unwrap();
    let (data, template_path) = (dir.path().join("data.xml"), dir.path().join("template.xml"));
    std::fs::write(&data, wrapped).unwrap();
    std::fs::write(&template_path, template).unwrap();
    let output = Command::new("xmlsec1")
        .arg("--encrypt")
        .arg("--pubkey-cert-pem")
        .arg(fixture_path(&format!("{to}.crt")))
        .args(["--session-key", session_key])
        .args(["--node-name", "urn:oasis:names:tc:SAML:2.0:assertion:Assertion"])
        .arg("--xml-data")
        .arg(&data)
        .arg(&template_path)
        .output()
        .expect("xmlsec1 (Debian package xmlsec1) must be installed");
    assert!(
        output.status.success(),
        "xmlsec1: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let encrypted = String::from_utf8(output.stdout).unwrap();
    assert!(!encrypted.contains("<saml:Assertion"), "the assertion is encrypted");
    match encrypted.strip_prefix("<?xml version=\"1.0\"?>\n") {
        Some(rest) => rest.trim_end().to_owned(),
        None => encrypted.trim_end().to_owned(),
    }
}
