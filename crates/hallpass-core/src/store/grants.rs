use super::{Session, StoreError, User};
use crate::clock::Timestamp;
use crate::crypto::SecretHash;
use crate::ids::{ClientId, FamilyId, OrgId, SessionId, UserId};
use async_trait::async_trait;
use std::time::Duration;

/// A one-time authorization code, bound to everything the token request must repeat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationCode {
    pub hash: SecretHash,
    pub client_id: ClientId,
    pub user_id: UserId,
    pub session_id: SessionId,
    pub redirect_uri: String,
    pub scope: String,
    pub nonce: Option<String>,
    /// PKCE S256 challenge.
    pub code_challenge: Option<String>,
    pub organization_id: Option<OrgId>,
    /// The resource (RFC 8707 identifier) the tokens are for, if one was asked.
    pub resource: Option<String>,
    pub auth_time: Timestamp,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeRedemption {
    /// First use, in time: the caller may issue tokens.
    Redeemed(AuthorizationCode),
    /// Used before. The store has already revoked every refresh-token family
    /// issued from it (RFC 6749 §4.1.2).
    Replayed(AuthorizationCode),
    Expired,
    Unknown,
}

/// The line of refresh tokens issued from one grant. Rotation replaces the
/// token and keeps the family; reuse of a replaced token revokes the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshFamily {
    pub id: FamilyId,
    pub session_id: SessionId,
    pub client_id: ClientId,
    pub user_id: UserId,
    pub scope: String,
    pub organization_id: Option<OrgId>,
    /// The resource every access token of the family is for (RFC 8707); a
    /// refresh may not ask for another.
    pub resource: Option<String>,
    /// The code the family was issued from, so a code replay can revoke it.
    pub authorization_code_hash: Option<SecretHash>,
    pub created_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

/// One rotation request.
#[derive(Debug, Clone)]
pub struct RotateRefresh {
    pub presented: SecretHash,
    /// The authenticated client; a token of another client's family is `Unknown`
    /// and left untouched.
    pub client_id: ClientId,
    pub replacement: SecretHash,
    /// The replacement's plaintext, sealed under a key derived from the
    /// presented token (`oauth::rotation::seal_successor`): kept beside the
    /// presented token so a retry inside the grace window gets the same
    /// successor back, and only a holder of the presented token can open it.
    pub replacement_sealed: Vec<u8>,
    pub replacement_expires_at: Timestamp,
    pub now: Timestamp,
    /// The session's new idle expiry: a refresh is activity. Never set past
    /// the absolute expiry.
    pub idle_expires_at: Timestamp,
    /// How long after a rotation the replaced token still earns a fresh token
    /// (concurrent tabs); after that, its reuse is treated as theft.
    pub grace: Duration,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RefreshRotation {
    /// The presented token was current; `replacement` is now. `session` is
    /// as it stands after this activity.
    Rotated {
        family: RefreshFamily,
        session: Session,
    },
    /// The presented token had just been replaced, within the grace window,
    /// and its successor is still current: nothing was written, and the
    /// caller hands back that same successor (`successor_sealed`), so a
    /// retry never starts a second chain.
    RotatedInGrace {
        family: RefreshFamily,
        session: Session,
        successor_sealed: Vec<u8>,
    },
    /// A replaced token came back after the grace window, or a stale branch
    /// was used: the store has ended the session and revoked all its families.
    ReuseDetected {
        family: RefreshFamily,
    },
    /// The family was revoked, or its session ended or timed out.
    Revoked,
    Expired,
    Unknown,
}

/// A refresh token as the store holds it, with what the rotation rules
/// (`oauth::rotation::decide`) need to judge a presentation of it.
#[derive(Debug, Clone, PartialEq)]
pub struct PresentedRefresh {
    pub family: RefreshFamily,
    /// `None` when the session row is gone.
    pub session: Option<Session>,
    pub expires_at: Timestamp,
    pub rotated_at: Option<Timestamp>,
    /// What replaced it, once rotated.
    pub successor: Option<Successor>,
}

/// What the refresh grant reads before it rotates: the token as it stands
/// and the family's user, fetched together so a refresh pays one store
/// round trip for its checks instead of one per row.
#[derive(Debug, Clone, PartialEq)]
pub struct RefreshToCheck {
    pub presented: PresentedRefresh,
    /// `None` when the user row is gone.
    pub user: Option<User>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Successor {
    pub sealed: Vec<u8>,
    /// The successor has itself been replaced: the presented token is two
    /// or more rotations behind, a stale branch.
    pub rotated: bool,
}

#[async_trait]
pub trait GrantStore: Send + Sync {
    async fn insert_authorization_code(&self, code: &AuthorizationCode) -> Result<(), StoreError>;
    /// Marks the code used and returns it; exactly one concurrent caller gets `Redeemed`.
    async fn consume_authorization_code(&self, hash: &SecretHash, now: Timestamp)
        -> Result<CodeRedemption, StoreError>;

    /// Starts a family with its first token.
    async fn insert_refresh_family(
        &self,
        family: &RefreshFamily,
        first: &SecretHash,
        expires_at: Timestamp,
    ) -> Result<(), StoreError>;
    /// Reads a token as it stands, with its user, changing nothing: the grant
    /// checks what may refuse a refresh before anything is rotated.
    async fn find_presented_refresh(&self, token: &SecretHash) -> Result<Option<RefreshToCheck>, StoreError>;
    /// Applies `oauth::rotation::decide` to the token read under lock.
    /// Exactly one concurrent caller presenting the same current token gets `Rotated`.
    async fn rotate_refresh_token(&self, request: &RotateRefresh) -> Result<RefreshRotation, StoreError>;
    /// Looks a token up without changing anything (introspection).
    async fn find_refresh_family(
        &self,
        token: &SecretHash,
        now: Timestamp,
    ) -> Result<Option<RefreshFamily>, StoreError>;
    /// Revokes the family of the token (RFC 7009). `true` if a live family was revoked.
    async fn revoke_refresh_family(&self, token: &SecretHash, now: Timestamp) -> Result<bool, StoreError>;
}
