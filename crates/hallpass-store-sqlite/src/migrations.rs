//! The schema migrations, compiled into the binary and recorded in
//! `schema_migrations`. Each runs in its own transaction: all of it or none.

use crate::error::Sql;
use crate::rows::all;
use hallpass_core::store::{MigrationStatus, StoreError};
use rusqlite::Connection;

const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "initial", include_str!("../migrations/0001_initial.sql")),
    (2, "invitations", include_str!("../migrations/0002_invitations.sql")),
    (
        3,
        "idempotency keys",
        include_str!("../migrations/0003_idempotency_keys.sql"),
    ),
    (
        4,
        "session policies",
        include_str!("../migrations/0004_session_policies.sql"),
    ),
    (
        5,
        "refresh successors",
        include_str!("../migrations/0005_refresh_successors.sql"),
    ),
    (6, "connections", include_str!("../migrations/0006_connections.sql")),
    (7, "directories", include_str!("../migrations/0007_directories.sql")),
    (8, "resources", include_str!("../migrations/0008_resources.sql")),
    (
        9,
        "sign-in settings",
        include_str!("../migrations/0009_signin_settings.sql"),
    ),
    (
        11,
        "console admins",
        include_str!("../migrations/0011_console_admins.sql"),
    ),
];

const LEDGER: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version     INTEGER PRIMARY KEY,
    description TEXT NOT NULL,
    applied_at  INTEGER NOT NULL DEFAULT (unixepoch())
) STRICT";

pub fn run(conn: &mut Connection) -> Result<(), StoreError> {
    conn.execute_batch(LEDGER).sql()?;
    for &(version, description, sql) in MIGRATIONS {
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .sql()?;
        let done: i64 = tx
            .query_row(
                "SELECT count(*) FROM schema_migrations WHERE version = ?",
                [version],
                |r| r.get(0),
            )
            .sql()?;
        if done == 0 {
            tx.execute_batch(sql)
                .map_err(|e| StoreError::Backend(format!("migration {version} ({description}) failed: {e}")))?;
            tx.execute(
                "INSERT INTO schema_migrations (version, description) VALUES (?, ?)",
                (version, description),
            )
            .sql()?;
        }
        tx.commit().sql()?;
    }
    Ok(())
}

pub fn status(conn: &Connection) -> Result<MigrationStatus, StoreError> {
    let ledger = all(
        conn,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
        [],
        |_| Ok(()),
    )?;
    let applied: Vec<i64> = if ledger.is_empty() {
        Vec::new()
    } else {
        all(conn, "SELECT version FROM schema_migrations", [], |r| {
            crate::rows::get(r, "version")
        })?
    };
    let known = |v: &i64| MIGRATIONS.iter().any(|(k, _, _)| k == v);
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(MigrationStatus {
        applied: count(applied.iter().filter(|v| known(v)).count()),
        known: count(MIGRATIONS.len()),
        unknown_applied: count(applied.iter().filter(|v| !known(v)).count()),
    })
}
