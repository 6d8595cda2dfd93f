use super::StoreError;
use crate::clock::Timestamp;
use crate::crypto::Algorithm;
use crate::ids::KeyId;
use async_trait::async_trait;
use hallpass_proto::Jwk;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStatus {
    /// Signs new tokens; one per algorithm.
    Active,
    /// Signs nothing new; published until `unpublish_at` so existing tokens verify.
    Retired,
}

impl KeyStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyStatus::Active => "active",
            KeyStatus::Retired => "retired",
        }
    }

    pub fn parse(value: &str) -> Option<KeyStatus> {
        match value {
            "active" => Some(KeyStatus::Active),
            "retired" => Some(KeyStatus::Retired),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SigningKeyRecord {
    pub id: KeyId,
    pub algorithm: Algorithm,
    pub status: KeyStatus,
    /// PKCS#8, sealed with the master key (AES-256-GCM, the kid as associated data).
    pub encrypted_private_key: Vec<u8>,
    pub public_jwk: Jwk,
    pub created_at: Timestamp,
    pub retired_at: Option<Timestamp>,
    pub unpublish_at: Option<Timestamp>,
}

#[async_trait]
pub trait SigningKeyStore: Send + Sync {
    /// Inserts an active key unless the algorithm already has one (another
    /// node may have won the race at first start). `true` if inserted.
    async fn insert_first_signing_key(&self, key: &SigningKeyRecord) -> Result<bool, StoreError>;
    /// Retires the algorithm's active key (published until `unpublish_at`)
    /// and makes `key` active, in one step.
    async fn rotate_signing_key(
        &self,
        key: &SigningKeyRecord,
        now: Timestamp,
        unpublish_at: Timestamp,
    ) -> Result<(), StoreError>;
    /// Active keys and retired keys still published at `now`.
    async fn list_published_keys(&self, now: Timestamp) -> Result<Vec<SigningKeyRecord>, StoreError>;
    /// Every key, newest first, for operators.
    async fn list_all_keys(&self) -> Result<Vec<SigningKeyRecord>, StoreError>;
    /// Deletes retired keys whose publication ended before `now`.
    async fn delete_unpublished_keys(&self, now: Timestamp) -> Result<u64, StoreError>;
}
