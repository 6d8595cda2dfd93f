//! Client authentication at the token, revocation and introspection endpoints:
//! `client_secret_basic`, `client_secret_post`, or none for public clients.

use super::OAuthError;
use crate::clock::Timestamp;
use crate::context::Context;
use crate::crypto::SecretHash;
use crate::error::CoreError;
use crate::ids::ClientId;
use crate::store::{Client, ClientKind};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How a request presented its client, as the HTTP edge found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Presented {
    /// `Authorization: Basic` (RFC 6749 §2.3.1).
    Basic { client_id: String, secret: String },
    /// `client_id` and `client_secret` in the form body.
    Post { client_id: String, secret: String },
    /// Only `client_id`: a public client.
    IdOnly { client_id: String },
}

impl Presented {
    pub fn client_id(&self) -> &str {
        match self {
            Presented::Basic { client_id, .. }
            | Presented::Post { client_id, .. }
            | Presented::IdOnly { client_id } => client_id,
        }
    }

    fn secret(&self) -> Option<&str> {
        match self {
            Presented::Basic { secret, .. } | Presented::Post { secret, .. } => Some(secret.as_str()),
            Presented::IdOnly { .. } => None,
        }
    }
}

/// A client and its secret hashes, as read at one moment.
#[derive(Debug, Clone)]
pub struct ClientRecord {
    pub client: Client,
    pub secrets: Vec<SecretHash>,
}

/// When a client was read, and what was found (`None`: no such client).
type CacheEntry = (Timestamp, Option<Arc<ClientRecord>>);

/// Clients read recently, so the token endpoint does not read the same
/// client on every request. Entries live `ttl` (seconds): a change made
/// elsewhere (another node, the CLI) is seen within that time everywhere.
#[derive(Debug)]
pub struct ClientCache {
    ttl: Duration,
    entries: Mutex<HashMap<ClientId, CacheEntry>>,
}

impl ClientCache {
    pub fn new(ttl: Duration) -> ClientCache {
        ClientCache {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    pub async fn get(&self, ctx: &Context, id: &ClientId) -> Result<Option<Arc<ClientRecord>>, CoreError> {
        let now = ctx.clock.now();
        if let Ok(entries) = self.entries.lock() {
            if let Some((fetched, record)) = entries.get(id) {
                if now < fetched.plus(self.ttl) {
                    return Ok(record.clone());
                }
            }
        }
        let record = match ctx.store.get_client(id).await? {
            Some(client) => {
                let secrets = ctx
                    .store
                    .list_client_secrets(id)
                    .await?
                    .into_iter()
                    .map(|s| s.hash)
                    .collect();
                Some(Arc::new(ClientRecord { client, secrets }))
            }
            None => None,
        };
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() > 10_000 {
                entries.retain(|_, (fetched, _)| now < fetched.plus(self.ttl));
            }
            entries.insert(id.clone(), (now, record.clone()));
        }
        Ok(record)
    }

    /// Drops what is cached for `id`, so a change made on this node (a new or
    /// deleted secret, a deleted client) counts here at once.
    pub fn forget(&self, id: &ClientId) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(id);
        }
    }
}

/// Returns the client if it proved who it is. Every failure is the same
/// `invalid_client` the endpoint answers with 401.
pub async fn authenticate(ctx: &Context, cache: &ClientCache, presented: &Presented) -> Result<Client, OAuthError> {
    let unknown = || OAuthError::invalid_client("unknown client or wrong credentials");
    let presented_id = presented.client_id();
    let id = match ClientId::parse(presented_id) {
        Ok(id) => id,
        // A metadata-document client, known since its authorization request.
        Err(_) if super::metadata_document::is_url_client_id(presented_id) => {
            super::metadata_document::client_id_of(presented_id)
        }
        Err(_) => return Err(unknown()),
    };
    let record = cache.get(ctx, &id).await?.ok_or_else(unknown)?;
    let client = record.client.clone();
    match (client.kind, presented.secret()) {
        (ClientKind::Public, None) => Ok(client),
        (ClientKind::Public, Some(_)) => Err(OAuthError::invalid_client(
            "this is a public client: it has no secret, send only client_id",
        )),
        (ClientKind::Confidential, None) => Err(OAuthError::invalid_client(
            "this client must authenticate with its secret (client_secret_basic or client_secret_post)",
        )),
        (ClientKind::Confidential, Some(secret)) => {
            let presented = SecretHash::of(secret);
            // Check every secret, so timing does not tell which one matched.
            let matched = record.secrets.iter().fold(false, |any, s| s.ct_eq(&presented) | any);
            if matched {
                Ok(client)
            } else {
                Err(unknown())
            }
        }
    }
}
