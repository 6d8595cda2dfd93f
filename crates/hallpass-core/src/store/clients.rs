use super::StoreError;
use crate::clock::Timestamp;
use crate::crypto::{Algorithm, SecretHash};
use crate::ids::{ClientId, SecretId};
use crate::values::RedirectUri;
use async_trait::async_trait;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientKind {
    /// Has a secret; authenticates at the token endpoint.
    Confidential,
    /// A browser or native app: no secret, PKCE required.
    Public,
}

impl ClientKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ClientKind::Confidential => "confidential",
            ClientKind::Public => "public",
        }
    }

    pub fn parse(value: &str) -> Option<ClientKind> {
        match value {
            "confidential" => Some(ClientKind::Confidential),
            "public" => Some(ClientKind::Public),
            _ => None,
        }
    }
}

/// How a client came to be. Admin-registered clients are first-party: their
/// users are not asked for consent. The others registered themselves and are
/// third-party: consent, no `hallpass:` scopes, no client_credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registration {
    /// By an operator (API, CLI, console).
    Admin,
    /// RFC 7591 dynamic client registration.
    Dynamic,
    /// An OAuth Client ID Metadata Document (the client id is its URL).
    MetadataDocument,
}

impl Registration {
    pub fn as_str(self) -> &'static str {
        match self {
            Registration::Admin => "admin",
            Registration::Dynamic => "dynamic",
            Registration::MetadataDocument => "metadata_document",
        }
    }

    pub fn parse(value: &str) -> Option<Registration> {
        match value {
            "admin" => Some(Registration::Admin),
            "dynamic" => Some(Registration::Dynamic),
            "metadata_document" => Some(Registration::MetadataDocument),
            _ => None,
        }
    }

    pub fn is_third_party(self) -> bool {
        self != Registration::Admin
    }
}

/// An application that signs users in through Hallpass (an OAuth client).
#[derive(Debug, Clone, PartialEq)]
pub struct Client {
    pub id: ClientId,
    pub name: String,
    pub kind: ClientKind,
    pub redirect_uris: Vec<RedirectUri>,
    pub post_logout_redirect_uris: Vec<RedirectUri>,
    /// Where a flow restarts from the app (invitations, expired login pages).
    pub initiate_login_uri: Option<String>,
    /// OpenID Back-Channel Logout target.
    pub backchannel_logout_uri: Option<String>,
    /// Loopback redirect URIs match on any port (RFC 8252 §7.3).
    pub native: bool,
    /// Scopes granted to the client itself (client_credentials), e.g. `hallpass:admin`.
    pub granted_scopes: Vec<String>,
    /// Overrides the configured access-token lifetime, in seconds.
    pub access_token_ttl_secs: Option<u32>,
    pub id_token_algorithm: Algorithm,
    pub registration: Registration,
    /// RFC 7592: the hash of the registration access token that lets a
    /// dynamically registered client read, change and delete itself.
    pub registration_token_hash: Option<SecretHash>,
    /// The client's home page (RFC 7591 `client_uri`), shown on the consent page.
    pub client_uri: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// One of a client's (at most two) active secrets; only the hash is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientSecret {
    pub id: SecretId,
    pub client_id: ClientId,
    pub hash: SecretHash,
    pub created_at: Timestamp,
}

#[async_trait]
pub trait ClientStore: Send + Sync {
    /// Creates the client together with its first secret, if it has one.
    async fn insert_client(&self, client: &Client, secret: Option<&ClientSecret>) -> Result<(), StoreError>;
    async fn get_client(&self, id: &ClientId) -> Result<Option<Client>, StoreError>;
    async fn list_clients(&self, after: Option<&ClientId>, limit: u32) -> Result<Vec<Client>, StoreError>;
    async fn update_client(&self, client: &Client) -> Result<(), StoreError>;
    /// Deletes the client with its secrets, codes and refresh tokens. `true` if it existed.
    async fn delete_client(&self, id: &ClientId) -> Result<bool, StoreError>;
    async fn count_clients(&self) -> Result<u64, StoreError>;
    /// Adds a secret; `Limit` if the client already has two, `NotFound` if it is gone.
    async fn add_client_secret(&self, secret: &ClientSecret) -> Result<(), StoreError>;
    async fn list_client_secrets(&self, client: &ClientId) -> Result<Vec<ClientSecret>, StoreError>;
    /// `true` if the secret existed.
    async fn delete_client_secret(&self, client: &ClientId, secret: &SecretId) -> Result<bool, StoreError>;
}
