use super::StoreError;
use crate::clock::Timestamp;
use crate::ids::OrgId;
use crate::values::Slug;
use async_trait::async_trait;

#[derive(Debug, Clone, PartialEq)]
pub struct Organization {
    pub id: OrgId,
    pub name: String,
    pub slug: Slug,
    pub external_id: Option<String>,
    pub metadata: serde_json::Value,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[async_trait]
pub trait OrganizationStore: Send + Sync {
    /// `Conflict("slug")` or `Conflict("external_id")` on a clash.
    async fn insert_organization(&self, org: &Organization) -> Result<(), StoreError>;
    async fn get_organization(&self, id: &OrgId) -> Result<Option<Organization>, StoreError>;
    async fn find_organization_by_slug(&self, slug: &Slug) -> Result<Option<Organization>, StoreError>;
    async fn list_organizations(&self, after: Option<&OrgId>, limit: u32) -> Result<Vec<Organization>, StoreError>;
    async fn update_organization(&self, org: &Organization) -> Result<(), StoreError>;
}
