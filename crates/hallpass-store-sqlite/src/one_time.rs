use crate::rows::{damaged, exec, get, hash, json, one, opt_ts, to_json, ts};
use crate::SqliteStore;
use async_trait::async_trait;
use hallpass_core::clock::Timestamp;
use hallpass_core::crypto::SecretHash;
use hallpass_core::ids::OneTimeTokenId;
use hallpass_core::store::{
    attempt_code, CodeAttempt, OneTimePurpose, OneTimeStore, OneTimeToken, Redemption, StoreError,
};
use rusqlite::{params, Row};

const COLUMNS: &str =
    "id, purpose, email, token_hash, payload, attempts, max_attempts, created_at, expires_at, consumed_at";

fn token(row: &Row<'_>) -> Result<OneTimeToken, StoreError> {
    let purpose: String = get(row, "purpose")?;
    Ok(OneTimeToken {
        id: OneTimeTokenId::from_trusted(get(row, "id")?),
        purpose: OneTimePurpose::parse(&purpose).ok_or_else(|| damaged("purpose"))?,
        email: get(row, "email")?,
        hash: hash(row, "token_hash")?,
        payload: json(row, "payload")?,
        attempts: get(row, "attempts")?,
        max_attempts: get(row, "max_attempts")?,
        created_at: ts(row, "created_at")?,
        expires_at: ts(row, "expires_at")?,
        consumed_at: opt_ts(row, "consumed_at")?,
    })
}

#[async_trait]
impl OneTimeStore for SqliteStore {
    async fn issue_one_time_token(&self, t: &OneTimeToken) -> Result<(), StoreError> {
        let t = t.clone();
        self.db
            .write(move |tx| {
                exec(
                    tx,
                    "UPDATE one_time_tokens SET consumed_at = ? WHERE purpose = ? AND email = ? AND consumed_at IS NULL",
                    params![t.created_at.0, t.purpose.as_str(), t.email],
                )?;
                exec(
                    tx,
                    &format!("INSERT INTO one_time_tokens ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                    params![
                        t.id.as_str(),
                        t.purpose.as_str(),
                        t.email,
                        t.hash.as_bytes().as_slice(),
                        to_json(&t.payload),
                        t.attempts,
                        t.max_attempts,
                        t.created_at.0,
                        t.expires_at.0,
                        t.consumed_at.map(|c| c.0)
                    ],
                )
                .map(|_| ())
            })
            .await
    }

    async fn redeem_one_time_token(
        &self,
        purpose: OneTimePurpose,
        hash: &SecretHash,
        now: Timestamp,
    ) -> Result<Redemption, StoreError> {
        let key = hash.as_bytes().to_vec();
        self.db
            .write(move |tx| {
                let sql = format!(
                    "SELECT {COLUMNS} FROM one_time_tokens WHERE purpose = ? AND token_hash = ? ORDER BY created_at DESC LIMIT 1"
                );
                let Some(mut found) = one(tx, &sql, params![purpose.as_str(), key], token)? else {
                    return Ok(Redemption::Unknown);
                };
                if found.consumed_at.is_some() {
                    return Ok(Redemption::Used);
                }
                if found.expires_at <= now {
                    return Ok(Redemption::Expired);
                }
                exec(tx, "UPDATE one_time_tokens SET consumed_at = ? WHERE id = ?", params![now.0, found.id.as_str()])?;
                found.consumed_at = Some(now);
                Ok(Redemption::Redeemed(found))
            })
            .await
    }

    async fn attempt_one_time_code(
        &self,
        purpose: OneTimePurpose,
        email: &str,
        hash: &SecretHash,
        now: Timestamp,
    ) -> Result<CodeAttempt, StoreError> {
        let (email, hash) = (email.to_owned(), *hash);
        self.db
            .write(move |tx| {
                let sql = format!(
                    "SELECT {COLUMNS} FROM one_time_tokens
                     WHERE purpose = ? AND email = ? AND consumed_at IS NULL AND expires_at > ? AND attempts < max_attempts
                     ORDER BY created_at DESC LIMIT 1"
                );
                let Some(live) = one(tx, &sql, params![purpose.as_str(), email, now.0], token)? else {
                    return Ok(CodeAttempt::NoLiveCode);
                };
                let (written, answer) = attempt_code(live, &hash, now);
                exec(
                    tx,
                    "UPDATE one_time_tokens SET attempts = ?, consumed_at = ? WHERE id = ?",
                    params![written.attempts, written.consumed_at.map(|t| t.0), written.id.as_str()],
                )?;
                Ok(answer)
            })
            .await
    }
}
