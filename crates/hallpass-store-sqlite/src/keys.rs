use crate::rows::{all, damaged, exec, get, json, opt_ts, to_json, ts};
use crate::SqliteStore;
use async_trait::async_trait;
use hallpass_core::clock::Timestamp;
use hallpass_core::ids::KeyId;
use hallpass_core::store::{KeyStatus, SigningKeyRecord, SigningKeyStore, StoreError};
use rusqlite::{params, Connection, Row};

const COLUMNS: &str = "id, algorithm, status, encrypted_private_key, public_jwk, created_at, retired_at, unpublish_at";

fn key(row: &Row<'_>) -> Result<SigningKeyRecord, StoreError> {
    let algorithm: String = get(row, "algorithm")?;
    let status: String = get(row, "status")?;
    Ok(SigningKeyRecord {
        id: KeyId::from_trusted(get(row, "id")?),
        algorithm: algorithm.parse().map_err(|_| damaged("algorithm"))?,
        status: KeyStatus::parse(&status).ok_or_else(|| damaged("status"))?,
        encrypted_private_key: get(row, "encrypted_private_key")?,
        public_jwk: json(row, "public_jwk")?,
        created_at: ts(row, "created_at")?,
        retired_at: opt_ts(row, "retired_at")?,
        unpublish_at: opt_ts(row, "unpublish_at")?,
    })
}

fn insert(c: &Connection, k: &SigningKeyRecord, on_conflict: &str) -> Result<usize, StoreError> {
    exec(
        c,
        &format!("INSERT INTO signing_keys ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) {on_conflict}"),
        params![
            k.id.as_str(),
            k.algorithm.as_str(),
            k.status.as_str(),
            k.encrypted_private_key,
            to_json(&k.public_jwk),
            k.created_at.0,
            k.retired_at.map(|t| t.0),
            k.unpublish_at.map(|t| t.0)
        ],
    )
}

#[async_trait]
impl SigningKeyStore for SqliteStore {
    async fn insert_first_signing_key(&self, k: &SigningKeyRecord) -> Result<bool, StoreError> {
        let k = k.clone();
        // The partial unique index allows one active key per algorithm.
        self.db
            .write(move |tx| Ok(insert(tx, &k, "ON CONFLICT DO NOTHING")? > 0))
            .await
    }

    async fn rotate_signing_key(
        &self,
        k: &SigningKeyRecord,
        now: Timestamp,
        unpublish_at: Timestamp,
    ) -> Result<(), StoreError> {
        let k = k.clone();
        self.db
            .write(move |tx| {
                exec(
                    tx,
                    "UPDATE signing_keys SET status = 'retired', retired_at = ?, unpublish_at = ? WHERE algorithm = ? AND status = 'active'",
                    params![now.0, unpublish_at.0, k.algorithm.as_str()],
                )?;
                insert(tx, &k, "").map(|_| ())
            })
            .await
    }

    async fn list_published_keys(&self, now: Timestamp) -> Result<Vec<SigningKeyRecord>, StoreError> {
        self.db
            .read(move |c| {
                let sql = format!(
                    "SELECT {COLUMNS} FROM signing_keys WHERE status = 'active' OR unpublish_at > ? ORDER BY status, created_at DESC, id DESC"
                );
                all(c, &sql, [now.0], key)
            })
            .await
    }

    async fn list_all_keys(&self) -> Result<Vec<SigningKeyRecord>, StoreError> {
        self.db
            .read(|c| {
                all(
                    c,
                    &format!("SELECT {COLUMNS} FROM signing_keys ORDER BY created_at DESC, id DESC"),
                    [],
                    key,
                )
            })
            .await
    }

    async fn delete_unpublished_keys(&self, now: Timestamp) -> Result<u64, StoreError> {
        self.db
            .write(move |tx| {
                let n = exec(
                    tx,
                    "DELETE FROM signing_keys WHERE status = 'retired' AND unpublish_at <= ?",
                    [now.0],
                )?;
                Ok(u64::try_from(n).unwrap_or(0))
            })
            .await
    }
}
