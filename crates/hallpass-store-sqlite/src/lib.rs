//! Hallpass on embedded SQLite: the one-binary, zero-setup store.
//!
//! Each operation runs whole on a connection's own thread (see `db.rs`).
//! Architecture invariant: SQL lives only in the store crates.

mod audit;
mod clients;
mod connections;
mod consents;
mod console;
mod db;
mod directories;
mod error;
mod grants;
mod idempotency;
mod invitations;
mod keys;
mod memberships;
mod migrations;
mod one_time;
mod orgs;
mod resources;
mod roles;
mod rows;
mod session_policies;
mod sessions;
mod signin_settings;
mod users;

use async_trait::async_trait;
use db::{Db, Settings};
use hallpass_core::store::{MigrationStatus, Store, StoreError};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use error::map_err;

/// How a committed write must survive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// `synchronous=NORMAL` in WAL mode: a committed write survives a crash of
    /// the process; a power loss may lose the last transactions.
    #[default]
    ProcessCrash,
    /// `synchronous=FULL`: survives power loss, at an fsync per commit.
    PowerLoss,
}

#[derive(Debug, Clone)]
pub struct SqliteOptions {
    pub durability: Durability,
    pub read_connections: u32,
    pub busy_timeout: Duration,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        SqliteOptions {
            durability: Durability::default(),
            read_connections: 2,
            busy_timeout: Duration::from_secs(5),
        }
    }
}

#[derive(Debug, Clone)]
pub struct SqliteStore {
    db: Db,
    path: PathBuf,
}

/// The file path in a `sqlite://PATH` or `sqlite:PATH` URL.
pub fn path_from_url(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

impl SqliteStore {
    /// Opens (creating if missing) the database file and its directory.
    pub async fn open(path: &Path, options: &SqliteOptions) -> Result<SqliteStore, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| StoreError::Unavailable(format!("cannot create {}: {e}", dir.display())))?;
        }
        let synchronous = match options.durability {
            Durability::ProcessCrash => "NORMAL",
            Durability::PowerLoss => "FULL",
        };
        let settings = Settings {
            path,
            synchronous,
            busy_timeout: options.busy_timeout,
            read_connections: options.read_connections,
        };
        Ok(SqliteStore {
            db: Db::open(&settings)?,
            path: path.to_owned(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        self.db.with_writer(migrations::run).await
    }

    async fn migration_status(&self) -> Result<MigrationStatus, StoreError> {
        self.db.read(migrations::status).await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.db
            .read(|conn| rows::one(conn, "SELECT 1", [], |_| Ok(())).map(|_| ()))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Sql;

    /// `PRAGMA synchronous` of the writer and of a reader (1 NORMAL, 2 FULL):
    /// a per-connection setting, so each connection must have been given it.
    async fn synchronous(durability: Durability) -> (i64, i64) {
        let dir = tempfile::tempdir().unwrap();
        let options = SqliteOptions {
            durability,
            ..SqliteOptions::default()
        };
        let store = SqliteStore::open(&dir.path().join("h.db"), &options).await.unwrap();
        let ask = |conn: &rusqlite::Connection| conn.query_row("PRAGMA synchronous", [], |r| r.get(0)).sql();
        let writer = store.db.with_writer(move |conn| ask(conn)).await.unwrap();
        let reader = store.db.read(ask).await.unwrap();
        (writer, reader)
    }

    #[tokio::test]
    async fn power_loss_durability_makes_every_connection_synchronous_full() {
        assert_eq!(synchronous(Durability::PowerLoss).await, (2, 2));
        assert_eq!(synchronous(Durability::ProcessCrash).await, (1, 1));
    }
}
