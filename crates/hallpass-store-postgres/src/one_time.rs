use crate::rows::{damaged, get, hash, json, opt_ts, to_json, ts};
use crate::{map_err, PostgresStore};
use async_trait::async_trait;
use hallpass_core::clock::Timestamp;
use hallpass_core::crypto::SecretHash;
use hallpass_core::ids::OneTimeTokenId;
use hallpass_core::store::{
    attempt_code, CodeAttempt, OneTimePurpose, OneTimeStore, OneTimeToken, Redemption, StoreError,
};
use sqlx::postgres::PgRow;

const COLUMNS: &str =
    "id, purpose, email, token_hash, payload, attempts, max_attempts, created_at, expires_at, consumed_at";

fn token(row: &PgRow) -> Result<OneTimeToken, StoreError> {
    let purpose: String = get(row, "purpose")?;
    let count = |column: &str| -> Result<u32, StoreError> {
        u32::try_from(get::<i64>(row, column)?).map_err(|_| damaged("attempts"))
    };
    Ok(OneTimeToken {
        id: OneTimeTokenId::from_trusted(get(row, "id")?),
        purpose: OneTimePurpose::parse(&purpose).ok_or_else(|| damaged("purpose"))?,
        email: get(row, "email")?,
        hash: hash(row, "token_hash")?,
        payload: json(row, "payload")?,
        attempts: count("attempts")?,
        max_attempts: count("max_attempts")?,
        created_at: ts(row, "created_at")?,
        expires_at: ts(row, "expires_at")?,
        consumed_at: opt_ts(row, "consumed_at")?,
    })
}

#[async_trait]
impl OneTimeStore for PostgresStore {
    async fn issue_one_time_token(&self, t: &OneTimeToken) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        // One issuer per address at a time, so exactly one token stays live.
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1 || ':' || $2))")
            .bind(t.purpose.as_str())
            .bind(&t.email)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        sqlx::query(
            "UPDATE one_time_tokens SET consumed_at = $1 WHERE purpose = $2 AND email = $3 AND consumed_at IS NULL",
        )
        .bind(t.created_at.0)
        .bind(t.purpose.as_str())
        .bind(&t.email)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        let sql = format!("INSERT INTO one_time_tokens ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
        sqlx::query(&sql)
            .bind(t.id.as_str())
            .bind(t.purpose.as_str())
            .bind(&t.email)
            .bind(t.hash.as_bytes().as_slice())
            .bind(to_json(&t.payload))
            .bind(i64::from(t.attempts))
            .bind(i64::from(t.max_attempts))
            .bind(t.created_at.0)
            .bind(t.expires_at.0)
            .bind(t.consumed_at.map(|c| c.0))
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        tx.commit().await.map_err(map_err)
    }

    async fn redeem_one_time_token(
        &self,
        purpose: OneTimePurpose,
        hash: &SecretHash,
        now: Timestamp,
    ) -> Result<Redemption, StoreError> {
        let mut tx = self.write().await?;
        let sql = format!("SELECT {COLUMNS} FROM one_time_tokens WHERE purpose = $1 AND token_hash = $2 ORDER BY created_at DESC LIMIT 1 FOR UPDATE");
        let Some(row) = sqlx::query(&sql)
            .bind(purpose.as_str())
            .bind(hash.as_bytes().as_slice())
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_err)?
        else {
            return Ok(Redemption::Unknown);
        };
        let mut found = token(&row)?;
        if found.consumed_at.is_some() {
            return Ok(Redemption::Used);
        }
        if found.expires_at <= now {
            return Ok(Redemption::Expired);
        }
        sqlx::query("UPDATE one_time_tokens SET consumed_at = $1 WHERE id = $2")
            .bind(now.0)
            .bind(found.id.as_str())
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        tx.commit().await.map_err(map_err)?;
        found.consumed_at = Some(now);
        Ok(Redemption::Redeemed(found))
    }

    async fn attempt_one_time_code(
        &self,
        purpose: OneTimePurpose,
        email: &str,
        hash: &SecretHash,
        now: Timestamp,
    ) -> Result<CodeAttempt, StoreError> {
        let mut tx = self.write().await?;
        let sql = format!(
            "SELECT {COLUMNS} FROM one_time_tokens
             WHERE purpose = $1 AND email = $2 AND consumed_at IS NULL AND expires_at > $3 AND attempts < max_attempts
             ORDER BY created_at DESC LIMIT 1 FOR UPDATE"
        );
        let Some(row) = sqlx::query(&sql)
            .bind(purpose.as_str())
            .bind(email)
            .bind(now.0)
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_err)?
        else {
            return Ok(CodeAttempt::NoLiveCode);
        };
        let (written, answer) = attempt_code(token(&row)?, hash, now);
        sqlx::query("UPDATE one_time_tokens SET attempts = $1, consumed_at = $2 WHERE id = $3")
            .bind(i64::from(written.attempts))
            .bind(written.consumed_at.map(|t| t.0))
            .bind(written.id.as_str())
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        tx.commit().await.map_err(map_err)?;
        Ok(answer)
    }
}
