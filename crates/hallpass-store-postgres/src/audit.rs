use crate::rows::{get, json, to_json, ts};
use crate::{map_err, PostgresStore};
use async_trait::async_trait;
use hallpass_core::store::{AuditEvent, AuditFilter, AuditStore, NewAuditEvent, StoreError};

#[async_trait]
impl AuditStore for PostgresStore {
    async fn append_audit_event(&self, e: &NewAuditEvent) -> Result<i64, StoreError> {
        sqlx::query_scalar(
            "INSERT INTO audit_events (at, kind, actor, user_id, ip, user_agent, details) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(e.at.0)
        .bind(&e.kind)
        .bind(&e.actor)
        .bind(&e.user_id)
        .bind(&e.ip)
        .bind(&e.user_agent)
        .bind(to_json(&e.details))
        .fetch_one(&self.pool)
        .await
        .map_err(map_err)
    }

    async fn list_audit_events(&self, f: &AuditFilter) -> Result<Vec<AuditEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, at, kind, actor, user_id, ip, user_agent, details FROM audit_events
             WHERE ($1 IS NULL OR user_id = $1) AND ($2 IS NULL OR kind = $2) AND ($3 IS NULL OR at >= $3)
               AND ($4 IS NULL OR at < $4) AND ($5 IS NULL OR id < $5)
             ORDER BY id DESC LIMIT $6",
        )
        .bind(&f.user_id)
        .bind(&f.kind)
        .bind(f.since.map(|t| t.0))
        .bind(f.until.map(|t| t.0))
        .bind(f.before_id)
        .bind(i64::from(f.limit.max(1)))
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.iter()
            .map(|row| {
                Ok(AuditEvent {
                    id: get(row, "id")?,
                    event: NewAuditEvent {
                        at: ts(row, "at")?,
                        kind: get(row, "kind")?,
                        actor: get(row, "actor")?,
                        user_id: get(row, "user_id")?,
                        ip: get(row, "ip")?,
                        user_agent: get(row, "user_agent")?,
                        details: json(row, "details")?,
                    },
                })
            })
            .collect()
    }
}
