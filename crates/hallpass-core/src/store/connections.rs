use super::StoreError;
use crate::clock::Timestamp;
use crate::ids::{ConnectionId, OrgId, UserId};
use async_trait::async_trait;

/// The protocol a connection speaks upstream. `Oidc` is any OpenID provider;
/// `Google`, `Microsoft` and `Github` are presets (their endpoints and claim
/// mapping built in); `Saml` is reserved for the SAML service provider, whose
/// settings live in the same `config` / `sealed_secrets` columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConnectionKind {
    Oidc,
    Google,
    Microsoft,
    Github,
    Saml,
}

impl ConnectionKind {
    pub const ALL: [ConnectionKind; 5] = [
        ConnectionKind::Oidc,
        ConnectionKind::Google,
        ConnectionKind::Microsoft,
        ConnectionKind::Github,
        ConnectionKind::Saml,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ConnectionKind::Oidc => "oidc",
            ConnectionKind::Google => "google",
            ConnectionKind::Microsoft => "microsoft",
            ConnectionKind::Github => "github",
            ConnectionKind::Saml => "saml",
        }
    }

    pub fn parse(value: &str) -> Option<ConnectionKind> {
        ConnectionKind::ALL.into_iter().find(|k| k.as_str() == value)
    }
}

/// A way to sign in through another identity provider. Enterprise
/// connections belong to an organization and claim email domains; social
/// ones (`organization_id: None`) serve the whole environment.
#[derive(Debug, Clone, PartialEq)]
pub struct Connection {
    pub id: ConnectionId,
    pub kind: ConnectionKind,
    pub organization_id: Option<OrgId>,
    pub name: String,
    /// Lower-case email domains; unique across all connections.
    pub domains: Vec<String>,
    pub enabled: bool,
    /// Members of the organization may sign in only through SSO.
    pub sso_required: bool,
    /// Type-specific settings that are not secret (issuer, client id,
    /// endpoints, scopes; for SAML the IdP's entity id and certificate).
    pub config: serde_json::Value,
    /// Type-specific secrets as JSON, sealed under the master key with the
    /// connection id as associated data (AES-256-GCM), like signing keys.
    pub sealed_secrets: Option<Vec<u8>>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A user's account at an upstream provider: (connection, subject) → user.
#[derive(Debug, Clone, PartialEq)]
pub struct UserIdentity {
    pub connection_id: ConnectionId,
    pub subject: String,
    pub user_id: UserId,
    pub created_at: Timestamp,
}

#[async_trait]
pub trait ConnectionStore: Send + Sync {
    /// Inserts the connection with its domains in one step; `Conflict("domains")`
    /// when another connection claims one of them, `NotFound` when the
    /// organization is gone.
    async fn insert_connection(&self, connection: &Connection) -> Result<(), StoreError>;
    async fn get_connection(&self, id: &ConnectionId) -> Result<Option<Connection>, StoreError>;
    /// The organization's connections (`None`: the social ones), oldest first.
    async fn list_connections(&self, organization: Option<&OrgId>) -> Result<Vec<Connection>, StoreError>;
    /// Every enabled and disabled connection, oldest first (few per environment).
    async fn list_all_connections(&self) -> Result<Vec<Connection>, StoreError>;
    /// The connection claiming a (lower-case) domain.
    async fn find_connection_by_domain(&self, domain: &str) -> Result<Option<Connection>, StoreError>;
    /// Replaces every field but `id`, `kind`, `organization_id` and
    /// `created_at`, domains included, in one step. `NotFound`, `Conflict("domains")`.
    async fn update_connection(&self, connection: &Connection) -> Result<(), StoreError>;
    /// Removes the connection with its domains and identities. `true` if one was removed.
    async fn delete_connection(&self, id: &ConnectionId) -> Result<bool, StoreError>;
    /// `Conflict("identity")` when the (connection, subject) is linked already.
    async fn link_identity(&self, identity: &UserIdentity) -> Result<(), StoreError>;
    async fn find_identity(&self, connection: &ConnectionId, subject: &str)
        -> Result<Option<UserIdentity>, StoreError>;
}
