use crate::rows::{exec, get, one};
use crate::SqliteStore;
use async_trait::async_trait;
use hallpass_core::clock::Timestamp;
use hallpass_core::store::{IdempotencyClaim, IdempotencyStore, StoreError};
use rusqlite::params;

#[async_trait]
impl IdempotencyStore for SqliteStore {
    async fn claim_idempotency_key(
        &self,
        client: &str,
        key: &str,
        request_hash: &[u8; 32],
        now: Timestamp,
        expired_before: Timestamp,
        abandoned_before: Timestamp,
    ) -> Result<IdempotencyClaim, StoreError> {
        let (client, key, hash) = (client.to_owned(), key.to_owned(), request_hash.to_vec());
        self.db
            .write(move |tx| {
                exec(
                    tx,
                    "DELETE FROM idempotency_keys WHERE created_at < ?",
                    [expired_before.0],
                )?;
                exec(
                    tx,
                    "DELETE FROM idempotency_keys WHERE client_id = ? AND key = ? AND status IS NULL AND created_at < ?",
                    params![client, key, abandoned_before.0],
                )?;
                let inserted = exec(
                    tx,
                    "INSERT INTO idempotency_keys (client_id, key, request_hash, created_at) VALUES (?, ?, ?, ?)
                     ON CONFLICT (client_id, key) DO NOTHING",
                    params![client, key, hash, now.0],
                )?;
                if inserted == 1 {
                    return Ok(IdempotencyClaim::New);
                }
                let seen = one(
                    tx,
                    "SELECT request_hash, status, body FROM idempotency_keys WHERE client_id = ? AND key = ?",
                    params![client, key],
                    |r| {
                        Ok((
                            get::<Vec<u8>>(r, "request_hash")?,
                            get::<Option<u16>>(r, "status")?,
                            get::<Option<String>>(r, "body")?,
                        ))
                    },
                )?;
                Ok(match seen {
                    Some((seen_hash, _, _)) if seen_hash != hash => IdempotencyClaim::Mismatch,
                    Some((_, Some(status), body)) => IdempotencyClaim::Replay {
                        status,
                        body: body.unwrap_or_default(),
                    },
                    _ => IdempotencyClaim::InFlight,
                })
            })
            .await
    }

    async fn complete_idempotency_key(
        &self,
        client: &str,
        key: &str,
        status: u16,
        body: &str,
    ) -> Result<(), StoreError> {
        let (client, key, body) = (client.to_owned(), key.to_owned(), body.to_owned());
        self.db
            .write(move |tx| {
                exec(
                    tx,
                    "UPDATE idempotency_keys SET status = ?, body = ? WHERE client_id = ? AND key = ?",
                    params![status, body, client, key],
                )?;
                Ok(())
            })
            .await
    }

    async fn release_idempotency_key(&self, client: &str, key: &str) -> Result<(), StoreError> {
        let (client, key) = (client.to_owned(), key.to_owned());
        self.db
            .write(move |tx| {
                exec(
                    tx,
                    "DELETE FROM idempotency_keys WHERE client_id = ? AND key = ? AND status IS NULL",
                    params![client, key],
                )?;
                Ok(())
            })
            .await
    }
}
