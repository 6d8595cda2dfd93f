use super::StoreError;
use crate::clock::Timestamp;
use async_trait::async_trait;

/// A security event to record: sign-ins, codes sent, admin changes.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditEvent {
    pub at: Timestamp,
    /// Dotted name: `user.signed_in`, `session.revoked`, `client.created`, ...
    pub kind: String,
    /// Who did it: a user id, a client id, or `cli`.
    pub actor: Option<String>,
    /// The user the event is about, if any.
    pub user_id: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub details: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    /// Increasing; the cursor for listing.
    pub id: i64,
    pub event: NewAuditEvent,
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub user_id: Option<String>,
    pub kind: Option<String>,
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
    /// Only events with an id below this one (newest first paging).
    pub before_id: Option<i64>,
    pub limit: u32,
}

#[async_trait]
pub trait AuditStore: Send + Sync {
    async fn append_audit_event(&self, event: &NewAuditEvent) -> Result<i64, StoreError>;
    /// Newest first.
    async fn list_audit_events(&self, filter: &AuditFilter) -> Result<Vec<AuditEvent>, StoreError>;
}
