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
        // Only the conditions asked for: `(?1 IS NULL OR user_id = ?1)` would
        // hide the user and type indexes from the planner, and a filter on a
        // rare user or type would read the whole table newest first. The time
        // bounds (`+at`) keep to the newest-first walk: through the `at` index
        // a wide range would be read whole and sorted.
        let conditions: Vec<&str> = [
            (f.user_id.is_some(), "user_id = ?1"),
            (f.kind.is_some(), "kind = ?2"),
            (f.since.is_some(), "+at >= ?3"),
            (f.until.is_some(), "+at < ?4"),
            (f.before_id.is_some(), "id < ?5"),
        ]
        .into_iter()
        .filter_map(|(asked, condition)| asked.then_some(condition))
        .collect();
        let filter = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        let sql = format!(
            "SELECT id, at, kind, actor, user_id, ip, user_agent, details FROM audit_events {filter}
             ORDER BY id DESC LIMIT ?6"
        );
        self.db
            .read(move |c| {
                all(
                    c,
                    &sql,
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
