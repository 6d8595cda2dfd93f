//! Checking an upstream ID token (OpenID Connect Core §3.1.3.7): signed by
//! the IdP's key named by `kid` with that key's algorithm (never the
//! header's choice), `iss` exactly the IdP's (Entra ID: the template with
//! the token's `tid`), our client id among `aud` (and `azp` ours when there
//! are several audiences or `azp` is present), the `nonce` we sent, `exp`
//! in the future and `iat` not in it, within a small leeway.

use super::presets::TENANT_PLACEHOLDER;
use super::UpstreamError;
use crate::clock::Timestamp;
use hallpass_jose::{JwsError, VerifyingKeys};
use serde::Deserialize;
use serde_json::Value;

/// Clock difference tolerated between Hallpass and the IdP.
pub const LEEWAY_SECS: i64 = 60;

#[derive(Debug, Clone, Deserialize)]
pub struct UpstreamClaims {
    pub iss: String,
    pub sub: String,
    pub aud: Audience,
    #[serde(default)]
    pub azp: Option<String>,
    pub exp: i64,
    pub iat: i64,
    #[serde(default)]
    pub nonce: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub email_verified: Option<Value>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub given_name: Option<String>,
    #[serde(default)]
    pub family_name: Option<String>,
    #[serde(default)]
    pub preferred_username: Option<String>,
    /// Entra ID's tenant.
    #[serde(default)]
    pub tid: Option<String>,
    /// Entra ID's optional claim: the `email` domain's owner was verified.
    /// Its `email` is otherwise an unverified, editable attribute.
    #[serde(default)]
    pub xms_edov: Option<Value>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    One(String),
    Many(Vec<String>),
}

impl Audience {
    fn list(&self) -> Vec<&str> {
        match self {
            Audience::One(a) => vec![a.as_str()],
            Audience::Many(list) => list.iter().map(String::as_str).collect(),
        }
    }
}

/// `email_verified` as IdPs send it: a boolean, or (some) the string "true".
pub fn verified(value: Option<&Value>) -> bool {
    match value {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

pub struct Expected<'a> {
    /// May hold `{tenantid}` (Entra ID's multi-tenant metadata).
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub nonce: &'a str,
    pub now: Timestamp,
}

/// The `kid` a token names, before its keys are looked up.
pub fn kid(token: &str) -> Result<String, UpstreamError> {
    let parsed = hallpass_jose::parse(token).map_err(|_| invalid("the ID token is not a signed JWT"))?;
    Ok(parsed.header.kid.unwrap_or_default())
}

fn invalid(message: &str) -> UpstreamError {
    UpstreamError::Invalid(message.to_owned())
}

pub fn verify(token: &str, keys: &VerifyingKeys, expected: &Expected<'_>) -> Result<UpstreamClaims, UpstreamError> {
    let parsed = hallpass_jose::parse(token).map_err(|_| invalid("the ID token is not a signed JWT"))?;
    let claims: UpstreamClaims = parsed.verify(keys, None).map_err(|e| match e {
        JwsError::UnknownKey => invalid("the ID token is signed with a key the identity provider does not publish"),
        JwsError::AlgorithmMismatch => invalid("the ID token's algorithm is not its key's"),
        JwsError::BadSignature => invalid("the ID token's signature is wrong"),
        JwsError::Claims => invalid("the ID token lacks required claims (iss, sub, aud, exp, iat)"),
        JwsError::Malformed | JwsError::WrongType => invalid("the ID token is malformed"),
    })?;
    let issuer = match (&claims.tid, expected.issuer.contains(TENANT_PLACEHOLDER)) {
        (Some(tid), true) => expected.issuer.replace(TENANT_PLACEHOLDER, tid),
        (None, true) => return Err(invalid("the ID token names no tenant (tid)")),
        (_, false) => expected.issuer.to_owned(),
    };
    if claims.iss != issuer {
        return Err(UpstreamError::Invalid(format!(
            "the ID token was issued by {}, not {issuer}",
            claims.iss
        )));
    }
    let audiences = claims.aud.list();
    if !audiences.contains(&expected.client_id) {
        return Err(invalid("the ID token is meant for another client (aud)"));
    }
    if (audiences.len() > 1 || claims.azp.is_some()) && claims.azp.as_deref() != Some(expected.client_id) {
        return Err(invalid("the ID token was issued to another client (azp)"));
    }
    if claims.nonce.as_deref() != Some(expected.nonce) {
        return Err(invalid("the ID token's nonce is not the one sent (a replayed token?)"));
    }
    if claims.exp + LEEWAY_SECS <= expected.now.0 {
        return Err(invalid("the ID token has expired"));
    }
    if claims.iat - LEEWAY_SECS > expected.now.0 {
        return Err(invalid("the ID token was issued in the future"));
    }
    if claims.sub.is_empty() || claims.sub.len() > 255 {
        return Err(invalid("the ID token's subject is empty or too long"));
    }
    Ok(claims)
}
