use super::StoreError;
use crate::clock::Timestamp;
use crate::ids::{ClientId, UserId};
use async_trait::async_trait;

/// A user's answer to a third-party client's consent page: the scopes they
/// let it use, for one resource (`None`: Hallpass itself, no resource).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    pub user_id: UserId,
    pub client_id: ClientId,
    pub resource: Option<String>,
    pub scopes: Vec<String>,
    pub granted_at: Timestamp,
}

#[async_trait]
pub trait ConsentStore: Send + Sync {
    async fn find_consent(
        &self,
        user: &UserId,
        client: &ClientId,
        resource: Option<&str>,
    ) -> Result<Option<Consent>, StoreError>;
    /// Creates or replaces the consent; `NotFound` if the user or client is gone.
    async fn put_consent(&self, consent: &Consent) -> Result<(), StoreError>;
    /// The user's consents, by client then resource.
    async fn list_user_consents(&self, user: &UserId) -> Result<Vec<Consent>, StoreError>;
    /// Removes the consent and, in the same transaction, revokes every live
    /// refresh-token family of that client for that user. `true` if there was one.
    async fn withdraw_consent(
        &self,
        user: &UserId,
        client: &ClientId,
        resource: Option<&str>,
        now: Timestamp,
    ) -> Result<bool, StoreError>;
}
