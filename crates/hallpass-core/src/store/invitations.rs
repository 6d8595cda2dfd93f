use super::StoreError;
use crate::clock::Timestamp;
use crate::crypto::SecretHash;
use crate::ids::{ClientId, InvitationId, OrgId, UserId};
use async_trait::async_trait;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationStatus {
    Pending,
    Accepted,
    Revoked,
    /// Left pending past its expiry, then closed (so the address can be invited again).
    Expired,
}

impl InvitationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            InvitationStatus::Pending => "pending",
            InvitationStatus::Accepted => "accepted",
            InvitationStatus::Revoked => "revoked",
            InvitationStatus::Expired => "expired",
        }
    }

    pub fn parse(value: &str) -> Option<InvitationStatus> {
        [
            InvitationStatus::Pending,
            InvitationStatus::Accepted,
            InvitationStatus::Revoked,
            InvitationStatus::Expired,
        ]
        .into_iter()
        .find(|s| s.as_str() == value)
    }
}

/// An email invited to an organization with roles. Only the hash of the
/// link's secret is kept. A pending invitation past `expires_at` is expired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub id: InvitationId,
    pub organization_id: OrgId,
    /// Normalized address.
    pub email: String,
    /// Role names given on acceptance; empty: the organization's default.
    pub roles: Vec<String>,
    /// The app whose initiate-login URI the invitee is sent to.
    pub client_id: Option<ClientId>,
    pub invited_by: Option<String>,
    pub token_hash: SecretHash,
    pub status: InvitationStatus,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub settled_at: Option<Timestamp>,
    pub accepted_by: Option<UserId>,
}

#[async_trait]
pub trait InvitationStore: Send + Sync {
    /// `Conflict("pending invitation")` if the address already has a pending
    /// invitation to the organization; `NotFound` if the organization is gone.
    async fn insert_invitation(&self, invitation: &Invitation) -> Result<(), StoreError>;
    async fn get_invitation(&self, id: &InvitationId) -> Result<Option<Invitation>, StoreError>;
    async fn find_invitation_by_token(&self, hash: &SecretHash) -> Result<Option<Invitation>, StoreError>;
    /// An organization's invitations in id (creation) order, strictly after `after`.
    async fn list_invitations(
        &self,
        org: &OrgId,
        after: Option<&InvitationId>,
        limit: u32,
    ) -> Result<Vec<Invitation>, StoreError>;
    /// Moves a pending, unexpired invitation to `status` (accepted by `user`,
    /// or revoked). `true` only for the one call that did it.
    async fn settle_invitation(
        &self,
        id: &InvitationId,
        status: InvitationStatus,
        user: Option<&UserId>,
        now: Timestamp,
    ) -> Result<bool, StoreError>;
    /// Closes the address's pending invitations to `org` that expired by
    /// `now` (status `expired`), so a new one can be made. How many it closed.
    async fn expire_invitations(&self, org: &OrgId, email: &str, now: Timestamp) -> Result<u64, StoreError>;
    /// Gives a pending invitation a new secret and expiry (resend); the old
    /// link stops working. `true` if it was pending.
    async fn renew_invitation(
        &self,
        id: &InvitationId,
        hash: &SecretHash,
        expires_at: Timestamp,
    ) -> Result<bool, StoreError>;
}
