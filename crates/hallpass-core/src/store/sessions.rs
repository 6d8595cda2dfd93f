use super::StoreError;
use crate::clock::Timestamp;
use crate::crypto::SecretHash;
use crate::ids::{ClientId, OrgId, SessionId, UserId};
use async_trait::async_trait;

/// A browser sign-in. The cookie holds a random token; only its hash is kept.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub id: SessionId,
    pub token_hash: SecretHash,
    pub user_id: UserId,
    pub organization_id: Option<OrgId>,
    /// Authentication methods used (RFC 8176: `pwd`, `otp`, ...).
    pub amr: Vec<String>,
    pub auth_time: Timestamp,
    pub created_at: Timestamp,
    pub last_active_at: Timestamp,
    pub idle_expires_at: Timestamp,
    pub absolute_expires_at: Timestamp,
    pub ended_at: Option<Timestamp>,
    /// Why it ended: `logout`, `revoked`, `refresh_reuse`, ...
    pub end_reason: Option<String>,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
}

impl Session {
    /// Live: not ended, and neither timeout has passed.
    pub fn is_live(&self, now: Timestamp) -> bool {
        self.ended_at.is_none() && now < self.idle_expires_at && now < self.absolute_expires_at
    }
}

#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn insert_session(&self, session: &Session) -> Result<(), StoreError>;
    async fn find_session_by_token(&self, token_hash: &SecretHash) -> Result<Option<Session>, StoreError>;
    async fn get_session(&self, id: &SessionId) -> Result<Option<Session>, StoreError>;
    /// Records activity: moves `last_active_at` and the idle expiry (never past
    /// the absolute one). `false` if the session is not live at `now`.
    async fn touch_session(
        &self,
        id: &SessionId,
        now: Timestamp,
        idle_expires_at: Timestamp,
    ) -> Result<bool, StoreError>;
    /// Ends the session and revokes every refresh-token family bound to it, in
    /// one step. Returns the session if this call ended it, `None` if it was
    /// already ended or never existed: ending is idempotent.
    async fn end_session(&self, id: &SessionId, reason: &str, now: Timestamp) -> Result<Option<Session>, StoreError>;
    /// Ends, in one statement, every session of `user` still live at `now`
    /// except `except`, revoking their refresh families; gives those it ended.
    async fn end_user_sessions(
        &self,
        user: &UserId,
        except: Option<&SessionId>,
        reason: &str,
        now: Timestamp,
    ) -> Result<Vec<Session>, StoreError>;
    /// The clients that received codes or refresh tokens in this session
    /// (whom a logout must tell).
    async fn clients_of_session(&self, id: &SessionId) -> Result<Vec<ClientId>, StoreError>;
    /// Newest first.
    async fn list_user_sessions(&self, user: &UserId) -> Result<Vec<Session>, StoreError>;
}
