//! Hallpass on embedded SQLite: the one-binary, zero-setup store.
//!
//! Writes go through a single connection, so write transactions queue in
//! process instead of contending for SQLite's lock; reads use a small pool of
//! read-only connections that WAL lets run beside the writer. Architecture
//! invariant: SQL lives only in the store crates.

mod audit;
mod clients;
mod error;
mod grants;
mod keys;
mod memberships;
mod migrations;
mod one_time;
mod orgs;
mod roles;
mod rows;
mod sessions;
mod users;

use async_trait::async_trait;
use hallpass_core::store::{MigrationStatus, Store, StoreError};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, Transaction};
use std::path::{Path, PathBuf};
use std::str::FromStr;
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
            read_connections: 4,
            busy_timeout: Duration::from_secs(5),
        }
    }
}

#[derive(Debug, Clone)]
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
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
            Durability::ProcessCrash => SqliteSynchronous::Normal,
            Durability::PowerLoss => SqliteSynchronous::Full,
        };
        let base = SqliteConnectOptions::from_str("sqlite://")
            .map_err(map_err)?
            .filename(path)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(synchronous)
            .foreign_keys(true)
            .busy_timeout(options.busy_timeout);
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .connect_with(base.clone().create_if_missing(true))
            .await
            .map_err(|e| StoreError::Unavailable(format!("cannot open {}: {e}", path.display())))?;
        let reader = SqlitePoolOptions::new()
            .max_connections(options.read_connections.max(1))
            .connect_with(base.read_only(true))
            .await
            .map_err(|e| StoreError::Unavailable(format!("cannot open {}: {e}", path.display())))?;
        Ok(SqliteStore {
            writer,
            reader,
            path: path.to_owned(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A write transaction that holds the write lock from its first statement,
    /// so a read-then-write inside it can never be refused midway.
    async fn write(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        self.writer.begin_with("BEGIN IMMEDIATE").await.map_err(map_err)
    }

    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        migrations::run(&self.writer).await
    }

    async fn migration_status(&self) -> Result<MigrationStatus, StoreError> {
        let exists: i64 =
            sqlx::query_scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'")
                .fetch_one(&self.reader)
                .await
                .map_err(map_err)?;
        let applied: Vec<i64> = if exists > 0 {
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
                .fetch_all(&self.reader)
                .await
                .map_err(map_err)?
        } else {
            Vec::new()
        };
        Ok(migrations::status(&applied))
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.reader).await.map_err(map_err)?;
        Ok(())
    }
}
