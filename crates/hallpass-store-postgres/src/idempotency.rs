use crate::rows::get;
use crate::{map_err, PostgresStore};
use async_trait::async_trait;
use hallpass_core::clock::Timestamp;
use hallpass_core::store::{IdempotencyClaim, IdempotencyStore, StoreError};

#[async_trait]
impl IdempotencyStore for PostgresStore {
    async fn claim_idempotency_key(
        &self,
        client: &str,
        key: &str,
        request_hash: &[u8; 32],
        now: Timestamp,
        expired_before: Timestamp,
        abandoned_before: Timestamp,
    ) -> Result<IdempotencyClaim, StoreError> {
        let mut tx = self.write().await?;
        sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
            .bind(expired_before.0)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        sqlx::query(
            "DELETE FROM idempotency_keys WHERE client_id = $1 AND key = $2 AND status IS NULL AND created_at < $3",
        )
        .bind(client)
        .bind(key)
        .bind(abandoned_before.0)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        let inserted = sqlx::query(
            "INSERT INTO idempotency_keys (client_id, key, request_hash, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (client_id, key) DO NOTHING",
        )
        .bind(client)
        .bind(key)
        .bind(request_hash.as_slice())
        .bind(now.0)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        let claim = if inserted.rows_affected() == 1 {
            IdempotencyClaim::New
        } else {
            let row = sqlx::query(
                "SELECT request_hash, status, body FROM idempotency_keys WHERE client_id = $1 AND key = $2",
            )
            .bind(client)
            .bind(key)
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_err)?;
            match row {
                None => IdempotencyClaim::InFlight,
                Some(row) => {
                    let seen: Vec<u8> = get(&row, "request_hash")?;
                    let status: Option<i32> = get(&row, "status")?;
                    let body: Option<String> = get(&row, "body")?;
                    match status {
                        _ if seen.as_slice() != request_hash.as_slice() => IdempotencyClaim::Mismatch,
                        Some(status) => IdempotencyClaim::Replay {
                            status: u16::try_from(status).unwrap_or(500),
                            body: body.unwrap_or_default(),
                        },
                        None => IdempotencyClaim::InFlight,
                    }
                }
            }
        };
        tx.commit().await.map_err(map_err)?;
        Ok(claim)
    }

    async fn complete_idempotency_key(
        &self,
        client: &str,
        key: &str,
        status: u16,
        body: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE idempotency_keys SET status = $1, body = $2 WHERE client_id = $3 AND key = $4")
            .bind(i32::from(status))
            .bind(body)
            .bind(client)
            .bind(key)
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn release_idempotency_key(&self, client: &str, key: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM idempotency_keys WHERE client_id = $1 AND key = $2 AND status IS NULL")
            .bind(client)
            .bind(key)
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(())
    }
}
