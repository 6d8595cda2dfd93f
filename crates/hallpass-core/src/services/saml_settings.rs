//! The settings of a SAML connection: what an admin gives (IdP metadata XML, or the IdP's entity
//! id, SSO URL and certificate, plus a second certificate during a rollover), checked by
//! `hallpass-saml` and kept in the connection's plain `config` (certificates are public), and
//! Hallpass's side of it (entity id, ACS and metadata URLs, derived from the issuer and the id).

use crate::error::CoreError;
use crate::ids::{ClientId, ConnectionId};
use crate::store::Connection;
use hallpass_saml::{Certificate, IdpConfig, MetadataError, SpConfig};
use serde_json::{json, Map, Value};

/// What an admin may set on a SAML connection; `None` leaves a setting as it is.
#[derive(Debug, Clone, Default)]
pub struct SamlFields {
    pub idp_metadata_xml: Option<String>,
    pub idp_entity_id: Option<String>,
    pub idp_sso_url: Option<String>,
    pub idp_certificate: Option<String>,
    /// A second certificate accepted beside the first (an IdP rolling its key over); an empty
    /// string removes it.
    pub idp_secondary_certificate: Option<String>,
    /// A client whose `initiate_login_uri` receives users who start at the IdP; an empty string
    /// turns IdP-initiated sign-in off.
    pub idp_initiated_client_id: Option<String>,
}

impl SamlFields {
    pub fn is_empty(&self) -> bool {
        self.idp_metadata_xml.is_none()
            && self.idp_entity_id.is_none()
            && self.idp_sso_url.is_none()
            && self.idp_certificate.is_none()
            && self.idp_secondary_certificate.is_none()
            && self.idp_initiated_client_id.is_none()
    }

    /// The first field given, to name in "only for SAML connections".
    pub fn first_given(&self) -> Option<&'static str> {
        [
            ("idp_metadata_xml", self.idp_metadata_xml.is_some()),
            ("idp_entity_id", self.idp_entity_id.is_some()),
            ("idp_sso_url", self.idp_sso_url.is_some()),
            ("idp_certificate", self.idp_certificate.is_some()),
            ("idp_secondary_certificate", self.idp_secondary_certificate.is_some()),
            ("idp_initiated_client_id", self.idp_initiated_client_id.is_some()),
        ]
        .into_iter()
        .find_map(|(name, given)| given.then_some(name))
    }
}

/// Hallpass's entity id for a connection: the Audience its responses must name.
pub fn sp_entity_id(issuer: &str, id: &ConnectionId) -> String {
    format!("{issuer}/saml/{id}")
}

/// The Assertion Consumer Service: where the IdP POSTs responses.
pub fn acs_url(issuer: &str, id: &ConnectionId) -> String {
    format!("{issuer}/saml/{id}/acs")
}

/// The SP metadata XML (public), for IdPs that import it.
pub fn sp_metadata_url(issuer: &str, id: &ConnectionId) -> String {
    format!("{issuer}/saml/{id}/metadata")
}

/// Hallpass as the service provider of this connection.
pub fn sp_config(issuer: &str, id: &ConnectionId) -> Result<SpConfig, CoreError> {
    SpConfig::new(&sp_entity_id(issuer, id), &acs_url(issuer, id))
        .map_err(|e| CoreError::invalid("issuer", format!("cannot make SAML URLs from it: {e}")))
}

/// The identity provider as stored in `config`.
pub fn idp_config(config: &Value) -> Result<IdpConfig, CoreError> {
    let text = |k: &str| config.get(k).and_then(Value::as_str).unwrap_or_default();
    let certificates: Vec<&str> = config
        .get("idp_certificates")
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    IdpConfig::new(text("idp_entity_id"), text("idp_sso_url"), &certificates).map_err(|e| idp_error(None, e))
}

/// The client named for IdP-initiated sign-in, if any.
pub fn idp_initiated_client(c: &Connection) -> Option<ClientId> {
    c.config
        .get("idp_initiated_client_id")
        .and_then(Value::as_str)
        .and_then(|id| ClientId::parse(id).ok())
}

/// Names the field an IdP configuration error is about (`from_metadata`: it came from there).
fn idp_error(from_metadata: Option<&'static str>, e: MetadataError) -> CoreError {
    let field = from_metadata.unwrap_or(match e {
        MetadataError::NoEntityId => "idp_entity_id",
        MetadataError::SsoUrl | MetadataError::NoRedirectSso => "idp_sso_url",
        _ => "idp_certificate",
    });
    let message = match e {
        MetadataError::NoEntityId if from_metadata.is_none() => "is required".to_owned(),
        MetadataError::SsoUrl if from_metadata.is_none() => "must be an absolute http(s) URL".to_owned(),
        MetadataError::NoSigningCertificate if from_metadata.is_none() => "is required (PEM)".to_owned(),
        other => other.to_string(),
    };
    CoreError::invalid(field, message)
}

fn certificate(field: &'static str, pem: &str) -> Result<String, CoreError> {
    Certificate::parse(pem)
        .map(|c| c.base64())
        .map_err(|e| CoreError::invalid(field, e.to_string()))
}

/// Applies `fields` to a SAML connection's `config`, checking each value. Metadata XML sets the
/// entity id, SSO URL and certificates together; the single fields given beside it win.
pub fn apply(fields: &SamlFields, config: &mut Map<String, Value>) -> Result<(), CoreError> {
    if let Some(xml) = &fields.idp_metadata_xml {
        let idp = IdpConfig::from_metadata_xml(xml).map_err(|e| idp_error(Some("idp_metadata_xml"), e))?;
        config.insert("idp_entity_id".into(), idp.entity_id().into());
        config.insert("idp_sso_url".into(), idp.sso_url().as_str().into());
        let certs: Vec<String> = idp.certificates().iter().map(Certificate::base64).collect();
        config.insert("idp_certificates".into(), json!(certs));
    }
    if let Some(entity) = &fields.idp_entity_id {
        let entity = entity.trim();
        if entity.is_empty() || entity.len() > 1024 {
            return Err(CoreError::invalid("idp_entity_id", "must be 1 to 1024 characters"));
        }
        config.insert("idp_entity_id".into(), entity.into());
    }
    if let Some(url) = &fields.idp_sso_url {
        config.insert("idp_sso_url".into(), url.trim().into());
    }
    let mut certs: Vec<String> = config
        .get("idp_certificates")
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default();
    if let Some(pem) = &fields.idp_certificate {
        let first = certificate("idp_certificate", pem)?;
        match certs.first_mut() {
            Some(slot) => *slot = first,
            None => certs.push(first),
        }
    }
    if let Some(pem) = &fields.idp_secondary_certificate {
        certs.truncate(1);
        if !pem.trim().is_empty() {
            certs.push(certificate("idp_secondary_certificate", pem)?);
        }
    }
    config.insert("idp_certificates".into(), json!(certs));
    if let Some(client) = &fields.idp_initiated_client_id {
        match client.trim() {
            "" => {
                config.remove("idp_initiated_client_id");
            }
            id => {
                ClientId::parse(id).map_err(|e| CoreError::invalid("idp_initiated_client_id", e.to_string()))?;
                config.insert("idp_initiated_client_id".into(), id.into());
            }
        }
    }
    // Whatever the route, the result must make a usable IdP.
    idp_config(&Value::Object(config.clone()))?;
    Ok(())
}
