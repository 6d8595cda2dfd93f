use super::StoreError;
use crate::clock::Timestamp;
use crate::ids::{OrgId, RoleId};
use async_trait::async_trait;

/// A named set of permissions (`resource:action`). Environment roles have no
/// organization; an organization's custom roles name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub id: RoleId,
    pub organization_id: Option<OrgId>,
    pub name: String,
    pub description: Option<String>,
    pub permissions: Vec<String>,
    pub created_at: Timestamp,
}

#[async_trait]
pub trait RoleStore: Send + Sync {
    /// Creates the role and any permission it names that does not exist yet.
    /// `Conflict("name")` if the name is taken in the same scope.
    async fn insert_role(&self, role: &Role) -> Result<(), StoreError>;
    /// The environment's roles, plus the custom roles of `organization` if given.
    async fn list_roles(&self, organization: Option<&OrgId>) -> Result<Vec<Role>, StoreError>;
    /// A role by name as seen from `organization`: its custom role first, else the environment's.
    async fn find_role(&self, organization: Option<&OrgId>, name: &str) -> Result<Option<Role>, StoreError>;
}
