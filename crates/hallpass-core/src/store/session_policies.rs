use super::StoreError;
use crate::clock::Timestamp;
use crate::ids::OrgId;
use async_trait::async_trait;

/// How long a session may live without activity, and at all, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimits {
    pub idle_secs: u32,
    pub absolute_secs: u32,
}

#[async_trait]
pub trait SessionPolicyStore: Send + Sync {
    /// An organization's own limits, if it has set any.
    async fn get_organization_session_limits(&self, org: &OrgId) -> Result<Option<SessionLimits>, StoreError>;
    /// Sets them; `NotFound` if the organization is gone.
    async fn put_organization_session_limits(
        &self,
        org: &OrgId,
        limits: SessionLimits,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// `true` if there were limits to remove.
    async fn delete_organization_session_limits(&self, org: &OrgId) -> Result<bool, StoreError>;
}
