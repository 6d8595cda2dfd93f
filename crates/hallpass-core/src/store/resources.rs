use super::StoreError;
use crate::clock::Timestamp;
use crate::ids::ResourceId;
use async_trait::async_trait;

/// A resource server (an API or an MCP server) that access tokens may be
/// issued for (RFC 8707): a token for it carries its `identifier` as `aud`
/// and only its scopes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    pub id: ResourceId,
    /// An absolute URI without a fragment; unique.
    pub identifier: String,
    pub name: String,
    pub scopes: Vec<String>,
    /// Overrides the client's and the configured access-token lifetime.
    pub access_token_ttl_secs: Option<u32>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[async_trait]
pub trait ResourceStore: Send + Sync {
    /// `Conflict("identifier")` if another resource has the identifier.
    async fn insert_resource(&self, resource: &Resource) -> Result<(), StoreError>;
    async fn get_resource(&self, id: &ResourceId) -> Result<Option<Resource>, StoreError>;
    /// By its exact identifier, as a `resource` parameter names it.
    async fn find_resource_by_identifier(&self, identifier: &str) -> Result<Option<Resource>, StoreError>;
    async fn list_resources(&self, after: Option<&ResourceId>, limit: u32) -> Result<Vec<Resource>, StoreError>;
    /// `NotFound` if it is gone, `Conflict("identifier")` on a clash.
    async fn update_resource(&self, resource: &Resource) -> Result<(), StoreError>;
    /// `true` if it existed.
    async fn delete_resource(&self, id: &ResourceId) -> Result<bool, StoreError>;
}
