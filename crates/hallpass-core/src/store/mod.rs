//! What Hallpass keeps, and the operations it needs on it. Split by capability
//! so a service names only what it touches. Every operation is named for its
//! intent and is atomic on every backend: correctness under concurrency (a
//! code consumed once, a refresh token rotated once) lives in the store and is
//! proved by the conformance suite on SQLite and PostgreSQL alike.

mod audit;
mod clients;
mod connections;
mod consents;
mod console;
mod directories;
mod error;
mod grants;
mod idempotency;
mod invitations;
mod keys;
mod memberships;
mod one_time;
mod orgs;
mod resources;
mod roles;
mod session_policies;
mod sessions;
mod signin_settings;
mod users;

pub use audit::{AuditEvent, AuditFilter, AuditStore, NewAuditEvent};
pub use clients::{Client, ClientKind, ClientSecret, ClientStore, Registration};
pub use connections::{Connection, ConnectionKind, ConnectionStore, UserIdentity};
pub use consents::{Consent, ConsentStore};
pub use console::{ConsoleAdmin, ConsoleCounts, ConsoleStore};
pub use directories::{Directory, DirectoryStore, ScimKind, ScimResource};
pub use error::{conflicting_field, StoreError};
pub use grants::{
    AuthorizationCode, CodeRedemption, GrantStore, PresentedRefresh, RefreshFamily, RefreshRotation, RefreshToCheck,
    RotateRefresh, Successor,
};
pub use idempotency::{IdempotencyClaim, IdempotencyStore};
pub use invitations::{Invitation, InvitationStatus, InvitationStore};
pub use keys::{KeyStatus, SigningKeyRecord, SigningKeyStore};
pub use memberships::{Access, Membership, MembershipStatus, MembershipStore};
pub use one_time::{attempt_code, CodeAttempt, OneTimePurpose, OneTimeStore, OneTimeToken, Redemption};
pub use orgs::{Organization, OrganizationStore};
pub use resources::{Resource, ResourceStore};
pub use roles::{Role, RoleStore};
pub use session_policies::{SessionLimits, SessionPolicyStore};
pub use sessions::{Session, SessionStore};
pub use signin_settings::{SignInOverrides, SignInSettingsStore, StoredSignInSettings};
pub use users::{User, UserStore};

use async_trait::async_trait;

/// Where the schema of a database stands against the migrations this build carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationStatus {
    pub applied: u32,
    pub known: u32,
    /// Applied migrations this build does not know: the database is newer than the binary.
    pub unknown_applied: u32,
}

impl MigrationStatus {
    pub fn is_current(&self) -> bool {
        self.applied == self.known && self.unknown_applied == 0
    }
}

/// Everything a Hallpass node needs from its database.
#[async_trait]
pub trait Store:
    UserStore
    + OrganizationStore
    + RoleStore
    + MembershipStore
    + ClientStore
    + SessionStore
    + GrantStore
    + SigningKeyStore
    + OneTimeStore
    + AuditStore
    + InvitationStore
    + IdempotencyStore
    + SessionPolicyStore
    + ConnectionStore
    + DirectoryStore
    + ResourceStore
    + ConsentStore
    + SignInSettingsStore
    + ConsoleStore
    + Send
    + Sync
    + std::fmt::Debug
{
    /// `sqlite` or `postgres`, for logs and the start-up line.
    fn backend(&self) -> &'static str;

    /// Applies the migrations this build carries that the database lacks.
    async fn migrate(&self) -> Result<(), StoreError>;

    async fn migration_status(&self) -> Result<MigrationStatus, StoreError>;

    /// A cheap round trip, for readiness.
    async fn ping(&self) -> Result<(), StoreError>;
}
