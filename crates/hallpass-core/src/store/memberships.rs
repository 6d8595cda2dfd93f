use super::StoreError;
use crate::clock::Timestamp;
use crate::ids::{OrgId, RoleId, UserId};
use async_trait::async_trait;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MembershipStatus {
    Active,
    Pending,
    Expired,
    /// Suspended by the organization's directory (SCIM `active: false`):
    /// kept with its roles, but grants no access until restored.
    Suspended,
}

impl MembershipStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MembershipStatus::Active => "active",
            MembershipStatus::Pending => "pending",
            MembershipStatus::Expired => "expired",
            MembershipStatus::Suspended => "suspended",
        }
    }

    pub fn parse(value: &str) -> Option<MembershipStatus> {
        [
            MembershipStatus::Active,
            MembershipStatus::Pending,
            MembershipStatus::Expired,
            MembershipStatus::Suspended,
        ]
        .into_iter()
        .find(|s| s.as_str() == value)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub organization_id: OrgId,
    pub user_id: UserId,
    pub status: MembershipStatus,
    pub role_ids: Vec<RoleId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// What an active member may do in an organization: role names and the union
/// of their permissions, sorted. This is what access tokens carry.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Access {
    pub roles: Vec<String>,
    pub permissions: Vec<String>,
}

#[async_trait]
pub trait MembershipStore: Send + Sync {
    /// Creates the membership or replaces its status and roles, in one step.
    /// `NotFound` if the organization, the user or a role does not exist.
    /// Suspension is not changed here (see `suspend_membership`): a new
    /// membership written as `Suspended` starts suspended, an existing one
    /// keeps whatever suspension it had.
    async fn put_membership(&self, membership: &Membership) -> Result<(), StoreError>;
    async fn get_membership(&self, org: &OrgId, user: &UserId) -> Result<Option<Membership>, StoreError>;
    async fn list_user_memberships(&self, user: &UserId) -> Result<Vec<Membership>, StoreError>;
    /// An organization's members in user-id order, strictly after `after`.
    async fn list_organization_memberships(
        &self,
        org: &OrgId,
        after: Option<&UserId>,
        limit: u32,
    ) -> Result<Vec<Membership>, StoreError>;
    /// `true` if a membership was removed.
    async fn delete_membership(&self, org: &OrgId, user: &UserId) -> Result<bool, StoreError>;
    /// Suspends the membership (`Some(at)`) or lifts its suspension (`None`).
    /// `false` if there is no such membership.
    async fn suspend_membership(&self, org: &OrgId, user: &UserId, at: Option<Timestamp>) -> Result<bool, StoreError>;
    /// `None` unless the user is an active, unsuspended member.
    async fn member_access(&self, org: &OrgId, user: &UserId) -> Result<Option<Access>, StoreError>;
}
