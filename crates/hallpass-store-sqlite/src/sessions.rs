use crate::rows::{all, exec, get, hash, json, one, opt_ts, to_json, ts};
use crate::SqliteStore;
use async_trait::async_trait;
use hallpass_core::clock::Timestamp;
use hallpass_core::crypto::SecretHash;
use hallpass_core::ids::{ClientId, OrgId, SessionId, UserId};
use hallpass_core::store::{Session, SessionStore, StoreError};
use rusqlite::{params, Connection, Row};

pub(crate) const COLUMNS: &str = "id, token_hash, user_id, organization_id, amr, auth_time, created_at, last_active_at,
    idle_expires_at, absolute_expires_at, ended_at, end_reason, user_agent, ip";

pub(crate) fn session(row: &Row<'_>) -> Result<Session, StoreError> {
    Ok(Session {
        id: SessionId::from_trusted(get(row, "id")?),
        token_hash: hash(row, "token_hash")?,
        user_id: UserId::from_trusted(get(row, "user_id")?),
        organization_id: get::<Option<String>>(row, "organization_id")?.map(OrgId::from_trusted),
        amr: json(row, "amr")?,
        auth_time: ts(row, "auth_time")?,
        created_at: ts(row, "created_at")?,
        last_active_at: ts(row, "last_active_at")?,
        idle_expires_at: ts(row, "idle_expires_at")?,
        absolute_expires_at: ts(row, "absolute_expires_at")?,
        ended_at: opt_ts(row, "ended_at")?,
        end_reason: get(row, "end_reason")?,
        user_agent: get(row, "user_agent")?,
        ip: get(row, "ip")?,
    })
}

pub(crate) fn get_session(c: &Connection, id: &str) -> Result<Option<Session>, StoreError> {
    one(
        c,
        &format!("SELECT {COLUMNS} FROM sessions WHERE id = ?"),
        [id],
        session,
    )
}

/// Ends a session and revokes its refresh families, inside the caller's transaction.
pub(crate) fn end_in(c: &Connection, id: &str, reason: &str, now: Timestamp) -> Result<Option<Session>, StoreError> {
    let sql = format!(
        "UPDATE sessions SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL RETURNING {COLUMNS}"
    );
    let Some(ended) = one(c, &sql, params![now.0, reason, id], session)? else {
        return Ok(None);
    };
    exec(
        c,
        "UPDATE refresh_families SET revoked_at = ? WHERE session_id = ? AND revoked_at IS NULL",
        params![now.0, id],
    )?;
    Ok(Some(ended))
}

#[async_trait]
impl SessionStore for SqliteStore {
    async fn insert_session(&self, s: &Session) -> Result<(), StoreError> {
        let s = s.clone();
        self.db
            .write(move |tx| {
                exec(
                    tx,
                    &format!("INSERT INTO sessions ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                    params![
                        s.id.as_str(),
                        s.token_hash.as_bytes().as_slice(),
                        s.user_id.as_str(),
                        s.organization_id.as_ref().map(OrgId::as_str),
                        to_json(&s.amr),
                        s.auth_time.0,
                        s.created_at.0,
                        s.last_active_at.0,
                        s.idle_expires_at.0,
                        s.absolute_expires_at.0,
                        s.ended_at.map(|t| t.0),
                        s.end_reason,
                        s.user_agent,
                        s.ip
                    ],
                )
                .map(|_| ())
            })
            .await
    }

    async fn find_session_by_token(&self, token_hash: &SecretHash) -> Result<Option<Session>, StoreError> {
        let key = token_hash.as_bytes().to_vec();
        self.db
            .read(move |c| {
                one(
                    c,
                    &format!("SELECT {COLUMNS} FROM sessions WHERE token_hash = ?"),
                    [key],
                    session,
                )
            })
            .await
    }

    async fn get_session(&self, id: &SessionId) -> Result<Option<Session>, StoreError> {
        let id = id.to_string();
        self.db.read(move |c| get_session(c, &id)).await
    }

    async fn touch_session(
        &self,
        id: &SessionId,
        now: Timestamp,
        idle_expires_at: Timestamp,
    ) -> Result<bool, StoreError> {
        let id = id.to_string();
        self.db
            .write(move |tx| {
                let changed = exec(
                    tx,
                    "UPDATE sessions SET last_active_at = ?1, idle_expires_at = MIN(?2, absolute_expires_at)
                     WHERE id = ?3 AND ended_at IS NULL AND idle_expires_at > ?1 AND absolute_expires_at > ?1",
                    params![now.0, idle_expires_at.0, id],
                )?;
                Ok(changed > 0)
            })
            .await
    }

    async fn end_session(&self, id: &SessionId, reason: &str, now: Timestamp) -> Result<Option<Session>, StoreError> {
        let (id, reason) = (id.to_string(), reason.to_owned());
        self.db.write(move |tx| end_in(tx, &id, &reason, now)).await
    }

    async fn end_user_sessions(
        &self,
        user: &UserId,
        except: Option<&SessionId>,
        reason: &str,
        now: Timestamp,
    ) -> Result<Vec<Session>, StoreError> {
        let (user, except, reason) = (user.to_string(), except.map(|e| e.to_string()), reason.to_owned());
        self.db
            .write(move |tx| {
                let sql = format!(
                    "UPDATE sessions SET ended_at = ?1, end_reason = ?2
                     WHERE user_id = ?3 AND id IS NOT ?4 AND ended_at IS NULL
                       AND idle_expires_at > ?1 AND absolute_expires_at > ?1
                     RETURNING {COLUMNS}"
                );
                let mut ended = all(tx, &sql, params![now.0, reason, user, except], session)?;
                for session in &ended {
                    exec(
                        tx,
                        "UPDATE refresh_families SET revoked_at = ? WHERE session_id = ? AND revoked_at IS NULL",
                        params![now.0, session.id.as_str()],
                    )?;
                }
                ended.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));
                Ok(ended)
            })
            .await
    }

    async fn clients_of_session(&self, id: &SessionId) -> Result<Vec<ClientId>, StoreError> {
        let id = id.to_string();
        let ids: Vec<String> = self
            .db
            .read(move |c| {
                all(
                    c,
                    "SELECT client_id FROM refresh_families WHERE session_id = ?1
                     UNION SELECT client_id FROM authorization_codes WHERE session_id = ?1 ORDER BY 1",
                    [id],
                    |r| get(r, "client_id"),
                )
            })
            .await?;
        Ok(ids.into_iter().map(ClientId::from_trusted).collect())
    }

    async fn list_user_sessions(&self, user: &UserId) -> Result<Vec<Session>, StoreError> {
        let user = user.to_string();
        self.db
            .read(move |c| {
                all(
                    c,
                    &format!("SELECT {COLUMNS} FROM sessions WHERE user_id = ? ORDER BY created_at DESC, id DESC"),
                    [user],
                    session,
                )
            })
            .await
    }
}
