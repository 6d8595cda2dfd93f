use crate::rows::{get, hash, json, opt_ts, to_json, ts};
use crate::{map_err, PostgresStore};
use async_trait::async_trait;
use hallpass_core::clock::Timestamp;
use hallpass_core::crypto::SecretHash;
use hallpass_core::ids::{ClientId, OrgId, SessionId, UserId};
use hallpass_core::store::{Session, SessionStore, StoreError};
use sqlx::postgres::PgRow;
use sqlx::PgConnection;

pub(crate) const COLUMNS: &str = "id, token_hash, user_id, organization_id, amr, auth_time, created_at, last_active_at,
    idle_expires_at, absolute_expires_at, ended_at, end_reason, user_agent, ip";

pub(crate) fn session(row: &PgRow) -> Result<Session, StoreError> {
    session_prefixed(row, "")
}

/// The session columns under `s_` names, for joins with other tables.
pub(crate) fn prefixed_columns() -> &'static str {
    static COLUMNS_AS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        COLUMNS
            .split(',')
            .map(|c| c.trim())
            .map(|c| format!("s.{c} AS s_{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    });
    &COLUMNS_AS
}

/// A session from columns named `{prefix}id`, `{prefix}user_id`, ...
pub(crate) fn session_prefixed(row: &PgRow, prefix: &str) -> Result<Session, StoreError> {
    let c = |name: &str| format!("{prefix}{name}");
    Ok(Session {
        id: SessionId::from_trusted(get(row, &c("id"))?),
        token_hash: hash(row, &c("token_hash"))?,
        user_id: UserId::from_trusted(get(row, &c("user_id"))?),
        organization_id: get::<Option<String>>(row, &c("organization_id"))?.map(OrgId::from_trusted),
        amr: json(row, &c("amr"))?,
        auth_time: ts(row, &c("auth_time"))?,
        created_at: ts(row, &c("created_at"))?,
        last_active_at: ts(row, &c("last_active_at"))?,
        idle_expires_at: ts(row, &c("idle_expires_at"))?,
        absolute_expires_at: ts(row, &c("absolute_expires_at"))?,
        ended_at: opt_ts(row, &c("ended_at"))?,
        end_reason: get(row, &c("end_reason"))?,
        user_agent: get(row, &c("user_agent"))?,
        ip: get(row, &c("ip"))?,
    })
}

/// Ends a session and revokes its refresh families inside the caller's transaction.
pub(crate) async fn end_in(
    conn: &mut PgConnection,
    id: &str,
    reason: &str,
    now: Timestamp,
) -> Result<Option<Session>, StoreError> {
    let sql = format!(
        "UPDATE sessions SET ended_at = $1, end_reason = $2 WHERE id = $3 AND ended_at IS NULL RETURNING {COLUMNS}"
    );
    let row = sqlx::query(&sql)
        .bind(now.0)
        .bind(reason)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(map_err)?;
    let Some(row) = row else { return Ok(None) };
    sqlx::query("UPDATE refresh_families SET revoked_at = $1 WHERE session_id = $2 AND revoked_at IS NULL")
        .bind(now.0)
        .bind(id)
        .execute(&mut *conn)
        .await
        .map_err(map_err)?;
    session(&row).map(Some)
}

#[async_trait]
impl SessionStore for PostgresStore {
    async fn insert_session(&self, s: &Session) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (id, token_hash, user_id, organization_id, amr, auth_time, created_at, last_active_at,
                 idle_expires_at, absolute_expires_at, ended_at, end_reason, user_agent, ip)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(s.id.as_str())
        .bind(s.token_hash.as_bytes().as_slice())
        .bind(s.user_id.as_str())
        .bind(s.organization_id.as_ref().map(OrgId::as_str))
        .bind(to_json(&s.amr))
        .bind(s.auth_time.0)
        .bind(s.created_at.0)
        .bind(s.last_active_at.0)
        .bind(s.idle_expires_at.0)
        .bind(s.absolute_expires_at.0)
        .bind(s.ended_at.map(|t| t.0))
        .bind(&s.end_reason)
        .bind(&s.user_agent)
        .bind(&s.ip)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn find_session_by_token(&self, token_hash: &SecretHash) -> Result<Option<Session>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM sessions WHERE token_hash = $1");
        let row = sqlx::query(&sql)
            .bind(token_hash.as_bytes().as_slice())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.as_ref().map(session).transpose()
    }

    async fn get_session(&self, id: &SessionId) -> Result<Option<Session>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM sessions WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.as_ref().map(session).transpose()
    }

    async fn touch_session(
        &self,
        id: &SessionId,
        now: Timestamp,
        idle_expires_at: Timestamp,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE sessions SET last_active_at = $1, idle_expires_at = LEAST($2, absolute_expires_at)
             WHERE id = $3 AND ended_at IS NULL AND idle_expires_at > $1 AND absolute_expires_at > $1",
        )
        .bind(now.0)
        .bind(idle_expires_at.0)
        .bind(id.as_str())
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(done.rows_affected() > 0)
    }

    async fn end_session(&self, id: &SessionId, reason: &str, now: Timestamp) -> Result<Option<Session>, StoreError> {
        let mut tx = self.write().await?;
        let ended = end_in(&mut tx, id.as_str(), reason, now).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(ended)
    }

    async fn end_user_sessions(
        &self,
        user: &UserId,
        except: Option<&SessionId>,
        reason: &str,
        now: Timestamp,
    ) -> Result<Vec<Session>, StoreError> {
        let mut tx = self.write().await?;
        let sql = format!(
            "UPDATE sessions SET ended_at = $1, end_reason = $2
             WHERE user_id = $3 AND id IS DISTINCT FROM $4 AND ended_at IS NULL
               AND idle_expires_at > $1 AND absolute_expires_at > $1
             RETURNING {COLUMNS}"
        );
        let rows = sqlx::query(&sql)
            .bind(now.0)
            .bind(reason)
            .bind(user.as_str())
            .bind(except.map(SessionId::as_str))
            .fetch_all(&mut *tx)
            .await
            .map_err(map_err)?;
        let mut ended = rows.iter().map(session).collect::<Result<Vec<_>, _>>()?;
        let ids: Vec<&str> = ended.iter().map(|s| s.id.as_str()).collect();
        sqlx::query("UPDATE refresh_families SET revoked_at = $1 WHERE session_id = ANY($2) AND revoked_at IS NULL")
            .bind(now.0)
            .bind(&ids)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        tx.commit().await.map_err(map_err)?;
        ended.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));
        Ok(ended)
    }

    async fn clients_of_session(&self, id: &SessionId) -> Result<Vec<ClientId>, StoreError> {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT client_id FROM refresh_families WHERE session_id = $1
             UNION SELECT client_id FROM authorization_codes WHERE session_id = $1 ORDER BY 1",
        )
        .bind(id.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(ids.into_iter().map(ClientId::from_trusted).collect())
    }

    async fn list_user_sessions(&self, user: &UserId) -> Result<Vec<Session>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM sessions WHERE user_id = $1 ORDER BY created_at DESC, id DESC");
        let rows = sqlx::query(&sql)
            .bind(user.as_str())
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter().map(session).collect()
    }
}
