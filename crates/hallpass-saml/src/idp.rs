//! The identity provider as configured by an admin: from its metadata XML, or from its entity id,
//! SSO URL and certificate.

use crate::keys::{Certificate, KeyError};
use crate::xml::{self, child, children, NS_DSIG, NS_METADATA, NS_PROTOCOL};

/// The HTTP-Redirect binding (SAML bindings §3.4), the only one this SP sends AuthnRequests over.
pub const HTTP_REDIRECT_BINDING: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
/// The HTTP-POST binding (SAML bindings §3.5), the only one the ACS accepts.
pub const HTTP_POST_BINDING: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

/// Why IdP configuration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetadataError {
    #[error("the metadata has a DTD; it is refused")]
    Dtd,
    #[error("the metadata is not well-formed XML: {0}")]
    Malformed(String),
    #[error("the metadata has no IDPSSODescriptor for SAML 2.0")]
    NoIdpDescriptor,
    #[error("the metadata describes more than one identity provider")]
    SeveralEntities,
    #[error("the metadata has no entityID")]
    NoEntityId,
    #[error("the identity provider has no SingleSignOnService with the HTTP-Redirect binding")]
    NoRedirectSso,
    #[error("the SSO URL is not an absolute http(s) URL")]
    SsoUrl,
    #[error("the identity provider publishes no signing certificate")]
    NoSigningCertificate,
    #[error(transparent)]
    Key(#[from] KeyError),
}

impl From<xml::ParseError> for MetadataError {
    fn from(e: xml::ParseError) -> Self {
        match e {
            xml::ParseError::Dtd => MetadataError::Dtd,
            xml::ParseError::Malformed(m) => MetadataError::Malformed(m),
        }
    }
}

/// A configured identity provider. Holding one means it has an entity id, an absolute SSO URL and
/// at least one signing certificate (two or more during a certificate rollover: a response
/// signed by any of them is accepted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdpConfig {
    entity_id: String,
    sso_url: url::Url,
    certificates: Vec<Certificate>,
}

impl IdpConfig {
    /// From the parts an admin copies out of the IdP's console. `certificates` holds one PEM (or
    /// base64 DER) certificate, or several during a rollover.
    pub fn new(entity_id: &str, sso_url: &str, certificates: &[&str]) -> Result<Self, MetadataError> {
        let certificates = certificates
            .iter()
            .map(|c| Certificate::parse(c))
            .collect::<Result<Vec<_>, _>>()?;
        Self::build(entity_id, sso_url, certificates)
    }

    /// From IdP metadata XML (an `EntityDescriptor`, or an `EntitiesDescriptor` holding exactly
    /// one identity provider). Takes the HTTP-Redirect SSO endpoint and every certificate of a
    /// `KeyDescriptor` whose `use` is `signing` or absent.
    pub fn from_metadata_xml(metadata: &str) -> Result<Self, MetadataError> {
        let doc = xml::parse(metadata)?;
        let idp_entities: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name((NS_METADATA, "EntityDescriptor")))
            .filter(|n| idp_descriptor(*n).is_some())
            .collect();
        let entity = match idp_entities.as_slice() {
            [] => return Err(MetadataError::NoIdpDescriptor),
            [one] => *one,
            _ => return Err(MetadataError::SeveralEntities),
        };
        let entity_id = entity.attribute("entityID").unwrap_or_default();
        let descriptor = idp_descriptor(entity).ok_or(MetadataError::NoIdpDescriptor)?;
        let sso_url = children(descriptor, NS_METADATA, "SingleSignOnService")
            .find(|s| s.attribute("Binding") == Some(HTTP_REDIRECT_BINDING))
            .and_then(|s| s.attribute("Location"))
            .ok_or(MetadataError::NoRedirectSso)?;
        let mut certificates = Vec::new();
        for key in children(descriptor, NS_METADATA, "KeyDescriptor") {
            if !matches!(key.attribute("use"), None | Some("signing")) {
                continue;
            }
            let found = child(key, NS_DSIG, "KeyInfo")
                .into_iter()
                .flat_map(|info| children(info, NS_DSIG, "X509Data"))
                .flat_map(|data| children(data, NS_DSIG, "X509Certificate"));
            for cert in found {
                let text = xml::simple_text(cert).map_err(|_| KeyError::Certificate)?;
                certificates.push(Certificate::parse(&text)?);
            }
        }
        Self::build(entity_id, sso_url, certificates)
    }

    /// The one place both constructors end: an entity id, an absolute SSO URL, at least one
    /// certificate (each once).
    fn build(entity_id: &str, sso_url: &str, mut certificates: Vec<Certificate>) -> Result<Self, MetadataError> {
        let entity_id = entity_id.trim();
        if entity_id.is_empty() {
            return Err(MetadataError::NoEntityId);
        }
        let mut seen = Vec::new();
        certificates.retain(|c| {
            let first = !seen.contains(c);
            seen.push(c.clone());
            first
        });
        if certificates.is_empty() {
            return Err(MetadataError::NoSigningCertificate);
        }
        Ok(Self {
            entity_id: entity_id.to_owned(),
            sso_url: parse_sso_url(sso_url)?,
            certificates,
        })
    }

    /// The IdP's entity id: the `Issuer` its responses must carry.
    pub fn entity_id(&self) -> &str {
        &self.entity_id
    }

    /// Where AuthnRequests go (HTTP-Redirect binding).
    pub fn sso_url(&self) -> &url::Url {
        &self.sso_url
    }

    /// The certificates a response may be signed with.
    pub fn certificates(&self) -> &[Certificate] {
        &self.certificates
    }
}

fn idp_descriptor<'a, 'i>(entity: roxmltree::Node<'a, 'i>) -> Option<roxmltree::Node<'a, 'i>> {
    children(entity, NS_METADATA, "IDPSSODescriptor").find(|d| {
        d.attribute("protocolSupportEnumeration")
            .is_some_and(|p| p.split_whitespace().any(|p| p == NS_PROTOCOL))
    })
}

fn parse_sso_url(text: &str) -> Result<url::Url, MetadataError> {
    let url = url::Url::parse(text.trim()).map_err(|_| MetadataError::SsoUrl)?;
    if !matches!(url.scheme(), "https" | "http") || url.host().is_none() {
        return Err(MetadataError::SsoUrl);
    }
    Ok(url)
}
