//! The service provider (Hallpass) side: its configuration, its metadata XML, and AuthnRequests
//! over the HTTP-Redirect binding.

use std::io::Write as _;

use base64::Engine as _;
use flate2::write::DeflateEncoder;
use openssl::hash::MessageDigest;
use openssl::sign::Signer;

use crate::encryption::{CONTENT_ALGORITHMS, RSA_OAEP};
use crate::idp::{IdpConfig, HTTP_POST_BINDING};
use crate::keys::{Certificate, SpKeyPair};
use crate::xml::{escape, format_instant, NS_ASSERTION, NS_DSIG, NS_METADATA, NS_PROTOCOL};

/// `SigAlg` of a signed HTTP-Redirect request: RSA-SHA256 (RFC 4051).
pub const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
/// NameID format: an email address.
pub const NAMEID_EMAIL: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
/// NameID format: a persistent pseudonymous identifier.
pub const NAMEID_PERSISTENT: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
/// NameID format: unspecified.
pub const NAMEID_UNSPECIFIED: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";

/// Clock skew allowed by default on every time check of a response.
pub const DEFAULT_CLOCK_SKEW: time::Duration = time::Duration::seconds(120);

/// Why an SP configuration or a request could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpError {
    #[error("the SP entity id is empty")]
    EntityId,
    #[error("the ACS URL is not an absolute http(s) URL")]
    AcsUrl,
    #[error("RelayState is longer than the 80 bytes the binding allows")]
    RelayStateTooLong,
    #[error("the AuthnRequest could not be encoded or signed")]
    Encoding,
}

/// Hallpass as a SAML service provider for one connection.
#[derive(Debug, Clone)]
pub struct SpConfig {
    entity_id: String,
    acs_url: String,
    name_id_formats: Vec<String>,
    signing_key: Option<SpKeyPair>,
    decryption_key: Option<SpKeyPair>,
    clock_skew: time::Duration,
}

impl SpConfig {
    /// An SP with this entity id (the Audience responses must name) and ACS URL (where the IdP
    /// POSTs responses; their Destination and Recipient). NameID formats default to email,
    /// persistent and unspecified; no keys; [`DEFAULT_CLOCK_SKEW`].
    pub fn new(entity_id: &str, acs_url: &str) -> Result<Self, SpError> {
        if entity_id.trim().is_empty() {
            return Err(SpError::EntityId);
        }
        let acs = url::Url::parse(acs_url).map_err(|_| SpError::AcsUrl)?;
        if !matches!(acs.scheme(), "https" | "http") || acs.host().is_none() {
            return Err(SpError::AcsUrl);
        }
        Ok(Self {
            entity_id: entity_id.to_owned(),
            acs_url: acs_url.to_owned(),
            name_id_formats: [NAMEID_EMAIL, NAMEID_PERSISTENT, NAMEID_UNSPECIFIED]
                .map(str::to_owned)
                .to_vec(),
            signing_key: None,
            decryption_key: None,
            clock_skew: DEFAULT_CLOCK_SKEW,
        })
    }

    /// Signs AuthnRequests with this key (and publishes its certificate for `use="signing"`).
    pub fn with_signing_key(mut self, key: SpKeyPair) -> Self {
        self.signing_key = Some(key);
        self
    }

    /// Accepts assertions encrypted to this key (and publishes its certificate for
    /// `use="encryption"`). Without one, an encrypted assertion is refused.
    pub fn with_decryption_key(mut self, key: SpKeyPair) -> Self {
        self.decryption_key = Some(key);
        self
    }

    /// The NameID formats listed in SP metadata.
    pub fn with_name_id_formats(mut self, formats: &[&str]) -> Self {
        self.name_id_formats = formats.iter().map(|f| (*f).to_owned()).collect();
        self
    }

    /// The skew allowed on NotBefore / NotOnOrAfter checks.
    pub fn with_clock_skew(mut self, skew: time::Duration) -> Self {
        self.clock_skew = skew;
        self
    }

    pub fn entity_id(&self) -> &str {
        &self.entity_id
    }

    pub fn acs_url(&self) -> &str {
        &self.acs_url
    }

    pub(crate) fn decryption_key(&self) -> Option<&SpKeyPair> {
        self.decryption_key.as_ref()
    }

    pub(crate) fn clock_skew(&self) -> time::Duration {
        self.clock_skew
    }

    /// SP metadata XML: entity id, the ACS with the HTTP-POST binding, the NameID formats, and the
    /// signing certificate when AuthnRequests are signed (the encryption certificate when
    /// encrypted assertions are accepted). `WantAssertionsSigned` is true, asking IdPs to sign the
    /// assertion; a response signed only at the Response level is still accepted.
    pub fn metadata_xml(&self) -> String {
        let mut keys = String::new();
        if let Some(k) = &self.signing_key {
            keys.push_str(&key_descriptor("signing", k.certificate(), ""));
        }
        if let Some(k) = &self.decryption_key {
            let methods: String = CONTENT_ALGORITHMS
                .iter()
                .chain(std::iter::once(&RSA_OAEP))
                .map(|m| format!("<md:EncryptionMethod Algorithm=\"{m}\"/>"))
                .collect();
            keys.push_str(&key_descriptor("encryption", k.certificate(), &methods));
        }
        let formats: String = self
            .name_id_formats
            .iter()
            .map(|f| format!("<md:NameIDFormat>{}</md:NameIDFormat>", escape(f)))
            .collect();
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <md:EntityDescriptor xmlns:md=\"{NS_METADATA}\" entityID=\"{entity}\">\
             <md:SPSSODescriptor AuthnRequestsSigned=\"{signed}\" WantAssertionsSigned=\"true\" \
             protocolSupportEnumeration=\"{NS_PROTOCOL}\">\
             {keys}{formats}\
             <md:AssertionConsumerService Binding=\"{HTTP_POST_BINDING}\" Location=\"{acs}\" \
             index=\"0\" isDefault=\"true\"/>\
             </md:SPSSODescriptor></md:EntityDescriptor>\n",
            entity = escape(&self.entity_id),
            signed = self.signing_key.is_some(),
            acs = escape(&self.acs_url),
        )
    }

    /// An AuthnRequest for the HTTP-Redirect binding (SAML bindings §3.4.4): the request is
    /// deflated, base64-encoded and URL-encoded into `SAMLRequest`, followed by `RelayState` and,
    /// when the SP has a signing key, `SigAlg` (RSA-SHA256) and `Signature` over
    /// `SAMLRequest=…&RelayState=…&SigAlg=…` exactly as sent. `random` makes the request ID
    /// (the caller's randomness); `now` its IssueInstant.
    pub fn authn_request(
        &self,
        idp: &IdpConfig,
        relay_state: Option<&str>,
        random: [u8; 16],
        now: time::OffsetDateTime,
    ) -> Result<AuthnRedirect, SpError> {
        if relay_state.is_some_and(|r| r.len() > 80) {
            return Err(SpError::RelayStateTooLong);
        }
        let id: String = std::iter::once("_".to_owned())
            .chain(random.iter().map(|b| format!("{b:02x}")))
            .collect();
        let xml = format!(
            "<samlp:AuthnRequest xmlns:samlp=\"{NS_PROTOCOL}\" xmlns:saml=\"{NS_ASSERTION}\" \
             ID=\"{id}\" Version=\"2.0\" IssueInstant=\"{instant}\" Destination=\"{dest}\" \
             AssertionConsumerServiceURL=\"{acs}\" ProtocolBinding=\"{HTTP_POST_BINDING}\">\
             <saml:Issuer>{issuer}</saml:Issuer>\
             <samlp:NameIDPolicy AllowCreate=\"true\"/>\
             </samlp:AuthnRequest>",
            instant = format_instant(now),
            dest = escape(idp.sso_url().as_str()),
            acs = escape(&self.acs_url),
            issuer = escape(&self.entity_id),
        );
        let mut deflater = DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        deflater.write_all(xml.as_bytes()).map_err(|_| SpError::Encoding)?;
        let deflated = deflater.finish().map_err(|_| SpError::Encoding)?;
        let encoded = base64::engine::general_purpose::STANDARD.encode(deflated);

        let mut query = format!("SAMLRequest={}", url_encode(&encoded));
        if let Some(relay) = relay_state {
            query.push_str(&format!("&RelayState={}", url_encode(relay)));
        }
        if let Some(key) = &self.signing_key {
            query.push_str(&format!("&SigAlg={}", url_encode(RSA_SHA256)));
            let mut signer = Signer::new(MessageDigest::sha256(), &key.key).map_err(|_| SpError::Encoding)?;
            signer.update(query.as_bytes()).map_err(|_| SpError::Encoding)?;
            let signature = signer.sign_to_vec().map_err(|_| SpError::Encoding)?;
            let signature = base64::engine::general_purpose::STANDARD.encode(signature);
            query.push_str(&format!("&Signature={}", url_encode(&signature)));
        }
        let mut url = idp.sso_url().clone();
        let full_query = match url.query() {
            Some(existing) if !existing.is_empty() => format!("{existing}&{query}"),
            _ => query,
        };
        url.set_query(Some(&full_query));
        Ok(AuthnRedirect { id, url, xml })
    }
}

/// An AuthnRequest ready to send: redirect the browser to `url`; store `id` (bound to this
/// browser) to pass back as the expected `InResponseTo` when the response arrives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthnRedirect {
    pub id: String,
    pub url: url::Url,
    /// The request XML before encoding (for logs and tests).
    pub xml: String,
}

fn url_encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn key_descriptor(usage: &str, cert: &Certificate, extra: &str) -> String {
    format!(
        "<md:KeyDescriptor use=\"{usage}\"><ds:KeyInfo xmlns:ds=\"{NS_DSIG}\"><ds:X509Data>\
         <ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>{extra}\
         </md:KeyDescriptor>",
        cert.base64()
    )
}
