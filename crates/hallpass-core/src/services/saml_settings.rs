//! The settings of a SAML connection: what an admin gives (IdP metadata XML, or the IdP's entity
//! id, SSO URL and certificate, plus a second certificate during a rollover), checked by
//! `hallpass-saml` and kept in the connection's plain `config` (certificates are public), and
//! Hallpass's side of it (entity id, ACS and metadata URLs, derived from the issuer and the id;
//! optionally its own key pair: the certificate in `config`, the private key sealed with the
//! connection's other secrets).

use crate::crypto::MasterKey;
use crate::error::CoreError;
use crate::ids::{ClientId, ConnectionId};
use crate::store::Connection;
use hallpass_saml::{Certificate, IdpConfig, KeyError, MetadataError, SpConfig, SpKeyPair};
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
    /// Hallpass's own RSA private key (PEM) for this connection: decrypts encrypted assertions
    /// and signs AuthnRequests. Given together with `sp_certificate`; both `""` remove the pair.
    /// Sealed under the master key, never shown.
    pub sp_private_key: Option<String>,
    /// The certificate (PEM) of `sp_private_key`, published in SP metadata.
    pub sp_certificate: Option<String>,
    /// Sign AuthnRequests (HTTP-Redirect, RSA-SHA256) with the SP key.
    pub sign_authn_requests: Option<bool>,
}

impl SamlFields {
    pub fn is_empty(&self) -> bool {
        self.idp_metadata_xml.is_none()
            && self.idp_entity_id.is_none()
            && self.idp_sso_url.is_none()
            && self.idp_certificate.is_none()
            && self.idp_secondary_certificate.is_none()
            && self.idp_initiated_client_id.is_none()
            && self.sp_private_key.is_none()
            && self.sp_certificate.is_none()
            && self.sign_authn_requests.is_none()
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
            ("sp_private_key", self.sp_private_key.is_some()),
            ("sp_certificate", self.sp_certificate.is_some()),
            ("sign_authn_requests", self.sign_authn_requests.is_some()),
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

/// Hallpass as the service provider of this connection: with its key pair, when one is set,
/// for decrypting assertions, and for signing AuthnRequests when `sign_authn_requests`.
pub fn sp_config(issuer: &str, c: &Connection, master: &MasterKey) -> Result<SpConfig, CoreError> {
    let sp = SpConfig::new(&sp_entity_id(issuer, &c.id), &acs_url(issuer, &c.id))
        .map_err(|e| CoreError::invalid("issuer", format!("cannot make SAML URLs from it: {e}")))?;
    let Some(pair) = sp_key_pair(c, master)? else {
        return Ok(sp);
    };
    let sp = sp.with_decryption_key(pair.clone());
    Ok(if signs_authn_requests(c) {
        sp.with_signing_key(pair)
    } else {
        sp
    })
}

/// Whether AuthnRequests of this connection are signed.
pub fn signs_authn_requests(c: &Connection) -> bool {
    c.config.get("sign_authn_requests").and_then(Value::as_bool) == Some(true)
}

/// The connection's SP key pair: its certificate from `config`, its key opened from the sealed
/// secrets. Both were checked together when set, so a failure here is a damaged record.
fn sp_key_pair(c: &Connection, master: &MasterKey) -> Result<Option<SpKeyPair>, CoreError> {
    let Some(certificate) = c.config.get("sp_certificate").and_then(Value::as_str) else {
        return Ok(None);
    };
    let secrets = super::connections::secrets(master, c)?;
    let damaged = || CoreError::Key(format!("the SP key pair of connection {} is damaged", c.id));
    let key = secrets
        .get("sp_private_key")
        .and_then(Value::as_str)
        .ok_or_else(damaged)?;
    SpKeyPair::from_pem(key, certificate).map(Some).map_err(|_| damaged())
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

/// Names the field a key pair error is about.
fn key_pair_error(e: KeyError) -> CoreError {
    match e {
        KeyError::PrivateKey | KeyError::WeakKey => CoreError::invalid("sp_private_key", e.to_string()),
        KeyError::KeyMismatch => CoreError::invalid("sp_private_key", "does not belong to sp_certificate"),
        KeyError::Certificate => CoreError::invalid("sp_certificate", e.to_string()),
    }
}

/// Sets, replaces or (both `""`) removes the SP key pair: the certificate in `config` (public),
/// the private key in `secrets` (sealed). Then `sign_authn_requests`, which needs a pair.
fn apply_key_pair(
    fields: &SamlFields,
    config: &mut Map<String, Value>,
    secrets: &mut Map<String, Value>,
) -> Result<(), CoreError> {
    match (&fields.sp_private_key, &fields.sp_certificate) {
        (None, None) => {}
        (Some(key), Some(cert)) if key.trim().is_empty() && cert.trim().is_empty() => {
            config.remove("sp_certificate");
            secrets.remove("sp_private_key");
        }
        (Some(key), Some(cert)) => {
            let pair = SpKeyPair::from_pem(key.trim(), cert).map_err(key_pair_error)?;
            config.insert("sp_certificate".into(), pair.certificate().base64().into());
            secrets.insert("sp_private_key".into(), key.trim().into());
        }
        (Some(_), None) => {
            return Err(CoreError::invalid(
                "sp_certificate",
                "is required with sp_private_key: the pair is given together",
            ))
        }
        (None, Some(_)) => {
            return Err(CoreError::invalid(
                "sp_private_key",
                "is required with sp_certificate: the pair is given together",
            ))
        }
    }
    if let Some(sign) = fields.sign_authn_requests {
        config.insert("sign_authn_requests".into(), sign.into());
    }
    let signs = config.get("sign_authn_requests").and_then(Value::as_bool) == Some(true);
    if signs && !config.contains_key("sp_certificate") {
        return Err(CoreError::invalid(
            "sign_authn_requests",
            "needs an SP key pair: sp_private_key and sp_certificate",
        ));
    }
    Ok(())
}

/// Applies `fields` to a SAML connection's `config` and `secrets`, checking each value. Metadata
/// XML sets the entity id, SSO URL and certificates together; the single fields given beside it
/// win.
pub fn apply(
    fields: &SamlFields,
    config: &mut Map<String, Value>,
    secrets: &mut Map<String, Value>,
) -> Result<(), CoreError> {
    apply_key_pair(fields, config, secrets)?;
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
