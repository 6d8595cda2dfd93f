//! Finding an IdP's endpoints and keys: its discovery document (OpenID
//! Connect Discovery 1.0), overridden by what the connection names, cached
//! per connection version; its JWKS, fetched again when a token names a key
//! it lacks, at most once per `min_jwks_refresh`, so made-up `kid`s cannot
//! make Hallpass hammer the IdP.

use super::presets::{self, TENANT_PLACEHOLDER};
use super::{fetch_json, Outbound, OutboundRequest, UpstreamError};
use crate::clock::Timestamp;
use crate::store::{Connection, ConnectionKind};
use hallpass_jose::VerifyingKeys;
use hallpass_proto::Jwk;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The IdP as this connection reaches it.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoints {
    /// What `iss` must be; for Entra ID's multi-tenant endpoints it holds `{tenantid}`.
    pub issuer: Option<String>,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub userinfo_endpoint: Option<String>,
    pub jwks_uri: Option<String>,
    /// `token_endpoint_auth_methods_supported`; empty means the default, client_secret_basic.
    pub token_auth_methods: Vec<String>,
    pub scopes: Vec<String>,
    pub client_id: String,
    /// An ID token is expected (OpenID Connect) rather than plain OAuth 2.0.
    pub openid: bool,
}

impl Endpoints {
    /// client_secret_basic unless the IdP offers only client_secret_post.
    pub fn secret_in_body(&self) -> bool {
        !self.token_auth_methods.is_empty()
            && !self.token_auth_methods.iter().any(|m| m == "client_secret_basic")
            && self.token_auth_methods.iter().any(|m| m == "client_secret_post")
    }
}

struct Entry {
    endpoints: Arc<Endpoints>,
    fetched_at: Timestamp,
    keys: Arc<VerifyingKeys>,
    keys_fetched_at: Option<Timestamp>,
}

/// The cache of IdP metadata and keys a node keeps (and may lose).
pub struct Discovery {
    outbound: Arc<dyn Outbound>,
    entries: Mutex<HashMap<String, Entry>>,
    /// How long a discovery document is trusted.
    pub ttl: Duration,
    pub min_jwks_refresh: Duration,
}

impl std::fmt::Debug for Discovery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Discovery")
            .field("outbound", &self.outbound)
            .finish_non_exhaustive()
    }
}

fn cache_key(c: &Connection) -> String {
    format!("{}@{}", c.id, c.updated_at.0)
}

fn text(config: &Value, key: &str) -> Option<String> {
    config.get(key).and_then(Value::as_str).map(str::to_owned)
}

impl Discovery {
    pub fn new(outbound: Arc<dyn Outbound>) -> Discovery {
        Discovery {
            outbound,
            entries: Mutex::new(HashMap::new()),
            ttl: Duration::from_secs(3600),
            min_jwks_refresh: Duration::from_secs(60),
        }
    }

    pub fn outbound(&self) -> &dyn Outbound {
        self.outbound.as_ref()
    }

    fn cached(&self, key: &str, now: Timestamp) -> Option<Arc<Endpoints>> {
        let entries = self.entries.lock().ok()?;
        let entry = entries.get(key)?;
        (now.0 - entry.fetched_at.0 < i64::try_from(self.ttl.as_secs()).unwrap_or(i64::MAX))
            .then(|| entry.endpoints.clone())
    }

    /// The connection's endpoints: its discovery document (when it has an
    /// issuer and does not name every endpoint itself) under its overrides.
    pub async fn endpoints(&self, connection: &Connection, now: Timestamp) -> Result<Arc<Endpoints>, UpstreamError> {
        let key = cache_key(connection);
        if let Some(found) = self.cached(&key, now) {
            return Ok(found);
        }
        let config = &connection.config;
        let preset = presets::for_kind(connection.kind);
        let issuer = text(config, "issuer").or(preset.issuer.map(str::to_owned));
        let named = |k: &str, fallback: Option<&str>| text(config, k).or(fallback.map(str::to_owned));
        let mut authorization = named("authorization_endpoint", preset.authorization_endpoint);
        let mut token = named("token_endpoint", preset.token_endpoint);
        let mut userinfo = named("userinfo_endpoint", preset.userinfo_endpoint);
        let mut jwks = text(config, "jwks_uri");
        let mut expected_issuer = issuer.clone();
        let mut methods = Vec::new();
        let complete = authorization.is_some() && token.is_some() && (jwks.is_some() || !preset.openid);
        if let (Some(issuer), false) = (&issuer, complete) {
            let url = format!("{}/.well-known/openid-configuration", issuer.trim_end_matches('/'));
            let doc = fetch_json(self.outbound.as_ref(), OutboundRequest::get(&url)).await?;
            let declared = text(&doc, "issuer")
                .ok_or_else(|| UpstreamError::Invalid("the discovery document names no issuer".into()))?;
            // Entra ID's shared endpoints (`common`, `organizations`) describe a
            // template; everywhere else the document must name the issuer asked for.
            let multi_tenant = connection.kind == ConnectionKind::Microsoft && declared.contains(TENANT_PLACEHOLDER);
            if !multi_tenant && declared.trim_end_matches('/') != issuer.trim_end_matches('/') {
                return Err(UpstreamError::Invalid(format!(
                    "the discovery document at {url} names the issuer {declared}, not {issuer}"
                )));
            }
            expected_issuer = Some(declared);
            authorization = authorization.or_else(|| text(&doc, "authorization_endpoint"));
            token = token.or_else(|| text(&doc, "token_endpoint"));
            userinfo = userinfo.or_else(|| text(&doc, "userinfo_endpoint"));
            jwks = jwks.or_else(|| text(&doc, "jwks_uri"));
            methods = doc
                .get("token_endpoint_auth_methods_supported")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(|m| m.as_str().map(str::to_owned)).collect())
                .unwrap_or_default();
        }
        let missing = |what: &str| UpstreamError::Invalid(format!("the identity provider names no {what}"));
        let scopes: Vec<String> = match config.get("scopes").and_then(Value::as_array) {
            Some(list) if !list.is_empty() => list.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect(),
            _ => preset.scopes.iter().map(|s| s.to_string()).collect(),
        };
        let endpoints = Arc::new(Endpoints {
            issuer: expected_issuer,
            authorization_endpoint: authorization.ok_or_else(|| missing("authorization endpoint"))?,
            token_endpoint: token.ok_or_else(|| missing("token endpoint"))?,
            userinfo_endpoint: userinfo,
            jwks_uri: if preset.openid {
                Some(jwks.ok_or_else(|| missing("jwks_uri"))?)
            } else {
                None
            },
            token_auth_methods: methods,
            scopes,
            client_id: text(config, "client_id").unwrap_or_default(),
            openid: preset.openid,
        });
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|k, _| !k.starts_with(connection.id.as_str()));
            entries.insert(
                key,
                Entry {
                    endpoints: endpoints.clone(),
                    fetched_at: now,
                    keys: Arc::new(VerifyingKeys::default()),
                    keys_fetched_at: None,
                },
            );
        }
        Ok(endpoints)
    }

    /// The IdP's keys, holding `kid` if the IdP publishes it: fetched when
    /// absent from the cache, unless they were fetched less than
    /// `min_jwks_refresh` ago.
    pub async fn keys(
        &self,
        connection: &Connection,
        endpoints: &Endpoints,
        kid: &str,
        now: Timestamp,
    ) -> Result<Arc<VerifyingKeys>, UpstreamError> {
        let key = cache_key(connection);
        let recent = i64::try_from(self.min_jwks_refresh.as_secs()).unwrap_or(i64::MAX);
        if let Ok(entries) = self.entries.lock() {
            if let Some(entry) = entries.get(&key) {
                let fresh = entry.keys_fetched_at.is_some_and(|at| now.0 - at.0 < recent);
                if entry.keys.contains(kid) || fresh {
                    return Ok(entry.keys.clone());
                }
            }
        }
        let Some(uri) = &endpoints.jwks_uri else {
            return Ok(Arc::new(VerifyingKeys::default()));
        };
        let doc = fetch_json(self.outbound.as_ref(), OutboundRequest::get(uri)).await?;
        let keys = Arc::new(VerifyingKeys::new(&upstream_jwks(&doc)));
        if let Ok(mut entries) = self.entries.lock() {
            if let Some(entry) = entries.get_mut(&key) {
                entry.keys = keys.clone();
                entry.keys_fetched_at = Some(now);
            }
        }
        Ok(keys)
    }
}

/// An IdP's published signing keys as JWKs Hallpass can verify with. Many
/// IdPs leave out `alg` (Entra ID does): the key type decides it (RSA →
/// RS256, EC P-256 → ES256, OKP Ed25519 → EdDSA). Encryption keys are skipped.
pub fn upstream_jwks(doc: &Value) -> Vec<Jwk> {
    let keys = doc.get("keys").and_then(Value::as_array).cloned().unwrap_or_default();
    keys.iter()
        .filter(|k| k.get("use").and_then(Value::as_str).is_none_or(|u| u == "sig"))
        .filter_map(|k| {
            let kty = k.get("kty")?.as_str()?;
            let crv = k.get("crv").and_then(Value::as_str);
            let alg = match (k.get("alg").and_then(Value::as_str), kty, crv) {
                (Some(alg), _, _) => alg,
                (None, "RSA", _) => "RS256",
                (None, "EC", Some("P-256")) => "ES256",
                (None, "OKP", Some("Ed25519")) => "EdDSA",
                _ => return None,
            };
            let field = |name: &str| k.get(name).and_then(Value::as_str).map(str::to_owned);
            Some(Jwk {
                kty: kty.to_owned(),
                kid: field("kid").unwrap_or_default(),
                use_: "sig".into(),
                alg: alg.to_owned(),
                crv: crv.map(str::to_owned),
                x: field("x"),
                y: field("y"),
                n: field("n"),
                e: field("e"),
            })
        })
        .collect()
}
