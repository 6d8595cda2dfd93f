use crate::rows::{damaged, get, json, opt_ts, to_json, ts};
use crate::{map_err, PostgresStore};
use async_trait::async_trait;
use hallpass_core::clock::Timestamp;
use hallpass_core::ids::KeyId;
use hallpass_core::store::{KeyStatus, SigningKeyRecord, SigningKeyStore, StoreError};
use sqlx::postgres::PgRow;
use sqlx::PgConnection;

const COLUMNS: &str = "id, algorithm, status, encrypted_private_key, public_jwk, created_at, retired_at, unpublish_at";

fn key(row: &PgRow) -> Result<SigningKeyRecord, StoreError> {
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

async fn insert(conn: &mut PgConnection, k: &SigningKeyRecord, on_conflict: &str) -> Result<u64, StoreError> {
    let sql = format!("INSERT INTO signing_keys ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) {on_conflict}");
    let done = sqlx::query(&sql)
        .bind(k.id.as_str())
        .bind(k.algorithm.as_str())
        .bind(k.status.as_str())
        .bind(&k.encrypted_private_key)
        .bind(to_json(&k.public_jwk))
        .bind(k.created_at.0)
        .bind(k.retired_at.map(|t| t.0))
        .bind(k.unpublish_at.map(|t| t.0))
        .execute(conn)
        .await
        .map_err(map_err)?;
    Ok(done.rows_affected())
}

#[async_trait]
impl SigningKeyStore for PostgresStore {
    async fn insert_first_signing_key(&self, k: &SigningKeyRecord) -> Result<bool, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(map_err)?;
        // The partial unique index allows one active key per algorithm.
        Ok(insert(&mut conn, k, "ON CONFLICT DO NOTHING").await? > 0)
    }

    async fn rotate_signing_key(
        &self,
        k: &SigningKeyRecord,
        now: Timestamp,
        unpublish_at: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        sqlx::query("UPDATE signing_keys SET status = 'retired', retired_at = $1, unpublish_at = $2 WHERE algorithm = $3 AND status = 'active'")
            .bind(now.0)
            .bind(unpublish_at.0)
            .bind(k.algorithm.as_str())
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        insert(&mut tx, k, "").await?;
        tx.commit().await.map_err(map_err)
    }

    async fn list_published_keys(&self, now: Timestamp) -> Result<Vec<SigningKeyRecord>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM signing_keys WHERE status = 'active' OR unpublish_at > $1 ORDER BY status, created_at DESC, id DESC"
        );
        let rows = sqlx::query(&sql)
            .bind(now.0)
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter().map(key).collect()
    }

    async fn list_all_keys(&self) -> Result<Vec<SigningKeyRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM signing_keys ORDER BY created_at DESC, id DESC");
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await.map_err(map_err)?;
        rows.iter().map(key).collect()
    }

    async fn delete_unpublished_keys(&self, now: Timestamp) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM signing_keys WHERE status = 'retired' AND unpublish_at <= $1")
            .bind(now.0)
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(done.rows_affected())
    }
}
