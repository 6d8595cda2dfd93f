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
        // Only the conditions asked for: with `($1 IS NULL OR user_id = $1)` a
        // prepared statement's generic plan cannot pick the user or type index,
        // and a filter on a rare user or type would read the table newest first.
        let mut query = sqlx::QueryBuilder::new(
            "SELECT id, at, kind, actor, user_id, ip, user_agent, details FROM audit_events WHERE TRUE",
        );
        if let Some(user_id) = &f.user_id {
            query.push(" AND user_id = ").push_bind(user_id);
        }
        if let Some(kind) = &f.kind {
            query.push(" AND kind = ").push_bind(kind);
        }
        if let Some(since) = f.since {
            query.push(" AND at >= ").push_bind(since.0);
        }
        if let Some(until) = f.until {
            query.push(" AND at < ").push_bind(until.0);
        }
        if let Some(before_id) = f.before_id {
            query.push(" AND id < ").push_bind(before_id);
        }
        query
            .push(" ORDER BY id DESC LIMIT ")
            .push_bind(i64::from(f.limit.max(1)));
        let rows = query.build().fetch_all(&self.pool).await.map_err(map_err)?;
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
