use super::StoreError;
use crate::clock::Timestamp;
use async_trait::async_trait;

/// What a request carrying an `Idempotency-Key` finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyClaim {
    /// First use: this request goes ahead, then records its answer.
    New,
    /// Seen and answered: the same answer again.
    Replay { status: u16, body: String },
    /// Seen, still being answered by another request.
    InFlight,
    /// The key was used for a different request.
    Mismatch,
}

#[async_trait]
pub trait IdempotencyStore: Send + Sync {
    /// Claims `key` for `client` and a request with `request_hash`. A key
    /// claimed before `expired_before` counts as unused, and so does one
    /// still unanswered since before `abandoned_before` (its request died).
    async fn claim_idempotency_key(
        &self,
        client: &str,
        key: &str,
        request_hash: &[u8; 32],
        now: Timestamp,
        expired_before: Timestamp,
        abandoned_before: Timestamp,
    ) -> Result<IdempotencyClaim, StoreError>;
    /// Records the answer to a claimed key.
    async fn complete_idempotency_key(
        &self,
        client: &str,
        key: &str,
        status: u16,
        body: &str,
    ) -> Result<(), StoreError>;
    /// Frees a claimed key whose request failed, so it may be retried.
    async fn release_idempotency_key(&self, client: &str, key: &str) -> Result<(), StoreError>;
}
