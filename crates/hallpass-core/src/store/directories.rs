use super::StoreError;
use crate::clock::Timestamp;
use crate::crypto::SecretHash;
use crate::ids::{DirectoryId, OrgId, ScimId, UserId};
use async_trait::async_trait;
use std::collections::BTreeMap;

/// A SCIM directory: where an organization's identity provider (Okta,
/// Entra ID, …) provisions its people. Only the hash of its bearer token is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directory {
    pub id: DirectoryId,
    pub organization_id: OrgId,
    pub name: String,
    pub token_hash: SecretHash,
    /// Group display name → role name given to the group's members.
    pub group_roles: BTreeMap<String, String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScimKind {
    User,
    Group,
}

impl ScimKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ScimKind::User => "User",
            ScimKind::Group => "Group",
        }
    }

    pub fn parse(value: &str) -> Option<ScimKind> {
        [ScimKind::User, ScimKind::Group]
            .into_iter()
            .find(|k| k.as_str() == value)
    }
}

/// A SCIM User or Group as the directory wrote it (its canonical JSON, no
/// `id` or `meta`), with what Hallpass indexes and links.
#[derive(Debug, Clone, PartialEq)]
pub struct ScimResource {
    pub directory_id: DirectoryId,
    pub id: ScimId,
    pub kind: ScimKind,
    /// Users: `userName` lowercased, unique in the directory. Groups: `None`.
    pub unique_key: Option<String>,
    pub external_id: Option<String>,
    /// Users: the Hallpass user it is (none while it has no email).
    pub user_id: Option<UserId>,
    pub document: serde_json::Value,
    /// Starts at 1; each change adds one (the ETag).
    pub version: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[async_trait]
pub trait DirectoryStore: Send + Sync {
    /// `NotFound` if the organization is gone.
    async fn insert_directory(&self, directory: &Directory) -> Result<(), StoreError>;
    async fn get_directory(&self, id: &DirectoryId) -> Result<Option<Directory>, StoreError>;
    async fn find_directory_by_token(&self, hash: &SecretHash) -> Result<Option<Directory>, StoreError>;
    /// An organization's directories in id (creation) order, strictly after `after`.
    async fn list_directories(
        &self,
        org: &OrgId,
        after: Option<&DirectoryId>,
        limit: u32,
    ) -> Result<Vec<Directory>, StoreError>;
    /// Replaces the token; the old one stops working at once. `false` if the directory is gone.
    async fn replace_directory_token(
        &self,
        id: &DirectoryId,
        hash: &SecretHash,
        now: Timestamp,
    ) -> Result<bool, StoreError>;
    /// Removes the directory with its SCIM resources (the users and
    /// memberships it made stay). `true` if one was removed.
    async fn delete_directory(&self, id: &DirectoryId) -> Result<bool, StoreError>;

    /// `Conflict("userName")` if a User of the directory has that `unique_key`.
    async fn insert_scim_resource(&self, resource: &ScimResource) -> Result<(), StoreError>;
    async fn get_scim_resource(&self, dir: &DirectoryId, id: &ScimId) -> Result<Option<ScimResource>, StoreError>;
    async fn find_scim_resource_by_key(
        &self,
        dir: &DirectoryId,
        kind: ScimKind,
        unique_key: &str,
    ) -> Result<Option<ScimResource>, StoreError>;
    /// The directory's resources of `kind` in id (creation) order, strictly after `after`.
    async fn list_scim_resources(
        &self,
        dir: &DirectoryId,
        kind: ScimKind,
        after: Option<&ScimId>,
        limit: u32,
    ) -> Result<Vec<ScimResource>, StoreError>;
    async fn count_scim_resources(&self, dir: &DirectoryId, kind: ScimKind) -> Result<u64, StoreError>;
    /// Every SCIM User, in any directory, that is this Hallpass user.
    async fn scim_users_of(&self, user: &UserId) -> Result<Vec<ScimResource>, StoreError>;
    /// Writes `resource` (document, keys, link, `version`, `updated_at`) if
    /// the stored version is still `expected_version`. `false` if it changed
    /// or is gone; `Conflict("userName")` as for inserts.
    async fn update_scim_resource(&self, resource: &ScimResource, expected_version: i64) -> Result<bool, StoreError>;
    /// `true` if one was removed.
    async fn delete_scim_resource(&self, dir: &DirectoryId, id: &ScimId) -> Result<bool, StoreError>;
}
