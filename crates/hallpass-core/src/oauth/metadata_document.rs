//! OAuth Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document):
//! a `client_id` that is an https URL names a JSON document describing the
//! client, which the server fetches. Such clients are third-party and public
//! (`token_endpoint_auth_method: none`, with PKCE). The fetch itself is the
//! server's ([`DocumentFetcher`]: size, time, no redirects, no private
//! addresses); what the document must say, and caching it, are here.
//!
//! The client is kept as a client row whose id is the URL, so codes, refresh
//! tokens and consents refer to it like any other client; a fetch that has
//! expired is made again before the next authorization request.

use super::registration::{is_loopback_host, third_party_redirect_uris};
use crate::clock::Timestamp;
use crate::context::Context;
use crate::crypto::Algorithm;
use crate::error::CoreError;
use crate::ids::ClientId;
use crate::store::{Client, ClientKind, Registration, StoreError};
use async_trait::async_trait;
use hallpass_proto::oauth::ClientMetadata;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use url::Url;

/// What a fetch brought back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    pub body: Vec<u8>,
    /// `Cache-Control: max-age`; `None` when the response does not say (or says `no-store`: `Some(0)`).
    pub max_age: Option<Duration>,
}

/// Outbound HTTP for metadata documents, implemented by the server.
#[async_trait]
pub trait DocumentFetcher: Send + Sync + std::fmt::Debug {
    /// GETs the document; `Err` says why it could not be had (in words for the user).
    async fn fetch(&self, url: &Url) -> Result<Fetched, String>;
}

/// How long a document is trusted without a `max-age`, and at most.
const DEFAULT_TTL: Duration = Duration::from_secs(300);
const MAX_TTL: Duration = Duration::from_secs(86_400);

/// The documents this node fetched, until their time is up.
#[derive(Debug)]
pub struct MetadataDocuments {
    fetcher: Arc<dyn DocumentFetcher>,
    /// http on loopback hosts is allowed (development).
    allow_http_loopback: bool,
    fresh_until: Mutex<HashMap<String, Timestamp>>,
}

/// Whether a `client_id` is a URL (and so names a metadata document).
pub fn is_url_client_id(client_id: &str) -> bool {
    client_id.starts_with("https://") || client_id.starts_with("http://")
}

/// The client id for a URL, once [`MetadataDocuments::resolve`] has accepted it.
pub fn client_id_of(url: &str) -> ClientId {
    ClientId::from_trusted(url.to_owned())
}

impl MetadataDocuments {
    pub fn new(fetcher: Arc<dyn DocumentFetcher>, allow_http_loopback: bool) -> MetadataDocuments {
        MetadataDocuments {
            fetcher,
            allow_http_loopback,
            fresh_until: Mutex::new(HashMap::new()),
        }
    }

    /// The draft's rules for the URL itself (§3): https (http on loopback in
    /// development), a path, no fragment, no credentials, no dot segments.
    fn check_url(&self, client_id: &str) -> Result<Url, String> {
        let url = Url::parse(client_id).map_err(|_| "the client_id is not a URL".to_owned())?;
        let secure =
            url.scheme() == "https" || self.allow_http_loopback && url.scheme() == "http" && is_loopback_host(&url);
        if !secure {
            return Err("a client_id URL must use https".into());
        }
        if url.as_str() != client_id {
            return Err("the client_id URL must be written in its normal form".into());
        }
        if url.path() == "/" || url.fragment().is_some() || !url.username().is_empty() || url.password().is_some() {
            return Err("a client_id URL needs a path, and no fragment or credentials".into());
        }
        if client_id.contains("/./") || client_id.contains("/../") || client_id.len() > 2048 {
            return Err("a client_id URL must not have dot segments".into());
        }
        Ok(url)
    }

    /// The client a URL `client_id` names, fetched (or as fetched before,
    /// while fresh) and checked; stored as a client row keyed by the URL.
    /// `Err` is a sentence for the user: the request cannot be trusted, so
    /// nothing is redirected.
    pub async fn resolve(&self, ctx: &Context, client_id: &str) -> Result<Client, Refused> {
        let url = self.check_url(client_id).map_err(Refused::Document)?;
        let id = client_id_of(client_id);
        let now = ctx.clock.now();
        let fresh = self
            .fresh_until
            .lock()
            .ok()
            .and_then(|m| m.get(client_id).copied())
            .is_some_and(|until| now < until);
        if fresh {
            if let Some(client) = ctx.store.get_client(&id).await? {
                return Ok(client);
            }
        }
        let fetched = self.fetcher.fetch(&url).await.map_err(Refused::Document)?;
        let metadata = parse(client_id, &fetched.body).map_err(Refused::Document)?;
        let client = self.upsert(ctx, id, &metadata).await?;
        let ttl = fetched.max_age.unwrap_or(DEFAULT_TTL).min(MAX_TTL);
        if let Ok(mut map) = self.fresh_until.lock() {
            if map.len() > 10_000 {
                map.retain(|_, until| now < *until);
            }
            map.insert(client_id.to_owned(), now.plus(ttl));
        }
        Ok(client)
    }

    async fn upsert(&self, ctx: &Context, id: ClientId, metadata: &Checked) -> Result<Client, Refused> {
        let now = ctx.clock.now();
        let existing = ctx.store.get_client(&id).await?;
        if let Some(existing) = &existing {
            if existing.registration != Registration::MetadataDocument {
                return Err(Refused::Document("this client_id belongs to another client".into()));
            }
        }
        let client = Client {
            id,
            name: metadata.name.clone(),
            kind: ClientKind::Public,
            redirect_uris: metadata.redirect_uris.clone(),
            post_logout_redirect_uris: Vec::new(),
            initiate_login_uri: None,
            backchannel_logout_uri: None,
            native: metadata.loopback,
            granted_scopes: Vec::new(),
            access_token_ttl_secs: None,
            id_token_algorithm: Algorithm::Es256,
            registration: Registration::MetadataDocument,
            registration_token_hash: None,
            client_uri: metadata.client_uri.clone(),
            created_at: existing.as_ref().map_or(now, |c| c.created_at),
            updated_at: now,
        };
        match existing {
            Some(_) => ctx.store.update_client(&client).await?,
            None => match ctx.store.insert_client(&client, None).await {
                // Another request fetched it at the same moment.
                Err(StoreError::Conflict(_)) => ctx.store.update_client(&client).await?,
                other => other?,
            },
        }
        Ok(client)
    }
}

/// Why a URL client could not be accepted.
#[derive(Debug)]
pub enum Refused {
    /// The document, its address or its content breaks a rule.
    Document(String),
    Core(CoreError),
}

impl From<StoreError> for Refused {
    fn from(err: StoreError) -> Self {
        Refused::Core(err.into())
    }
}

impl From<CoreError> for Refused {
    fn from(err: CoreError) -> Self {
        Refused::Core(err)
    }
}

struct Checked {
    name: String,
    redirect_uris: Vec<crate::values::RedirectUri>,
    loopback: bool,
    client_uri: Option<String>,
}

/// The document's content (§4): its `client_id` equals its URL; a public
/// client; the third-party redirect rules; no secret.
fn parse(client_id: &str, body: &[u8]) -> Result<Checked, String> {
    let raw: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| "the client's metadata document is not JSON".to_owned())?;
    if raw.get("client_secret").is_some() || raw.get("client_secret_expires_at").is_some() {
        return Err("the client's metadata document must not carry a secret".into());
    }
    let metadata: ClientMetadata =
        serde_json::from_value(raw).map_err(|e| format!("the client's metadata document is not valid: {e}"))?;
    if metadata.client_id.as_deref() != Some(client_id) {
        return Err("the metadata document's client_id is not its own URL".into());
    }
    match metadata.token_endpoint_auth_method.as_deref() {
        None | Some("none") => {}
        Some(other) => {
            return Err(format!(
                "token_endpoint_auth_method `{other}` is not supported for metadata-document clients; use `none`"
            ))
        }
    }
    if let Some(grants) = &metadata.grant_types {
        if grants.iter().any(|g| g != "authorization_code" && g != "refresh_token") {
            return Err("a metadata-document client may use authorization_code and refresh_token only".into());
        }
    }
    let (redirect_uris, loopback) =
        third_party_redirect_uris(&metadata.redirect_uris).map_err(|e| e.description().to_owned())?;
    let client_uri = metadata
        .client_uri
        .filter(|u| Url::parse(u).is_ok_and(|u| u.scheme() == "https"));
    let host = Url::parse(client_id).ok().and_then(|u| u.host_str().map(str::to_owned));
    let name = metadata
        .client_name
        .map(|n| n.trim().chars().take(200).collect::<String>())
        .filter(|n| !n.is_empty())
        .or(host)
        .unwrap_or_else(|| "Unnamed application".into());
    Ok(Checked {
        name,
        redirect_uris,
        loopback,
        client_uri,
    })
}
