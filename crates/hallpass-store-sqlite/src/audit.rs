use crate::rows::{all, get, json, one, to_json, ts};
use crate::SqliteStore;
use async_trait::async_trait;
use hallpass_core::store::{AuditEvent, AuditFilter, AuditStore, NewAuditEvent, StoreError};
use rusqlite::params;

#[async_trait]
impl AuditStore for SqliteStore {
    async fn append_audit_event(&self, e: &NewAuditEvent) -> Result<i64, StoreError> {
        let e = e.clone();
        let id = self
            .db
            .write(move |tx| {
                one(
                    tx,
                    "INSERT INTO audit_events (at, kind, actor, user_id, ip, user_agent, details) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    params![e.at.0, e.kind, e.actor, e.user_id, e.ip, e.user_agent, to_json(&e.details)],
                    |r| get::<i64>(r, "id"),
                )
            })
            .await?;
        id.ok_or_else(|| StoreError::Backend("the audit insert returned no id".into()))
    }

    async fn list_audit_events(&self, f: &AuditFilter) -> Result<Vec<AuditEvent>, StoreError> {
        let f = f.clone();
        self.db
            .read(move |c| {
                all(
                    c,
                    "SELECT id, at, kind, actor, user_id, ip, user_agent, details FROM audit_events
                     WHERE (?1 IS NULL OR user_id = ?1) AND (?2 IS NULL OR kind = ?2) AND (?3 IS NULL OR at >= ?3)
                       AND (?4 IS NULL OR at < ?4) AND (?5 IS NULL OR id < ?5)
                     ORDER BY id DESC LIMIT ?6",
                    params![
                        f.user_id,
                        f.kind,
                        f.since.map(|t| t.0),
                        f.until.map(|t| t.0),
                        f.before_id,
                        f.limit.max(1)
                    ],
                    |row| {
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
                    },
                )
            })
            .await
    }
}
