//! The connections, each on a thread of its own. A store operation is one
//! closure sent to a connection's thread and run there whole: one hand-off
//! per operation, however many statements it runs. (Handing every statement
//! across threads, as an async driver does, costs two context switches per
//! statement; on one core that was half the CPU of a refresh.)
//!
//! One writer connection, so write transactions queue in process instead of
//! contending for SQLite's lock; read-only connections beside it (WAL).

use crate::error::Sql;
use hallpass_core::store::StoreError;
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use std::path::Path;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

#[derive(Debug, Clone)]
pub struct Db {
    writer: mpsc::Sender<Job>,
    readers: mpsc::Sender<Job>,
}

pub struct Settings<'a> {
    pub path: &'a Path,
    pub synchronous: &'static str,
    pub busy_timeout: Duration,
    pub read_connections: u32,
}

impl Db {
    pub fn open(settings: &Settings<'_>) -> Result<Db, StoreError> {
        let unavailable =
            |e: rusqlite::Error| StoreError::Unavailable(format!("cannot open {}: {e}", settings.path.display()));
        let writer = Connection::open(settings.path).map_err(unavailable)?;
        // WAL lets readers run beside the writer; the journal mode persists in the file.
        writer.pragma_update(None, "journal_mode", "WAL").map_err(unavailable)?;
        configure(&writer, settings).map_err(unavailable)?;
        let (writer_tx, writer_rx) = mpsc::channel::<Job>();
        spawn("hallpass-sqlite-writer", writer, Arc::new(Mutex::new(writer_rx)))?;

        let (reader_tx, reader_rx) = mpsc::channel::<Job>();
        let reader_rx = Arc::new(Mutex::new(reader_rx));
        for i in 0..settings.read_connections.max(1) {
            let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            let reader = Connection::open_with_flags(settings.path, flags).map_err(unavailable)?;
            configure(&reader, settings).map_err(unavailable)?;
            spawn(&format!("hallpass-sqlite-reader-{i}"), reader, reader_rx.clone())?;
        }
        Ok(Db {
            writer: writer_tx,
            readers: reader_tx,
        })
    }

    /// Runs `f` in a write transaction that holds the write lock from its
    /// start (`BEGIN IMMEDIATE`), so a read-then-write inside it cannot be
    /// refused midway. `Err` rolls back.
    pub async fn write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> Result<T, StoreError> + Send + 'static,
    {
        run(&self.writer, move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).sql()?;
            let out = f(&tx)?;
            tx.commit().sql()?;
            Ok(out)
        })
        .await
    }

    /// Runs `f` on a read-only connection.
    pub async fn read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        run(&self.readers, move |conn| f(conn)).await
    }

    /// Runs `f` on the writer connection outside any transaction (migrations).
    pub async fn with_writer<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        run(&self.writer, f).await
    }
}

fn configure(conn: &Connection, settings: &Settings<'_>) -> rusqlite::Result<()> {
    conn.pragma_update(None, "synchronous", settings.synchronous)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(settings.busy_timeout)?;
    conn.set_prepared_statement_cache_capacity(128);
    Ok(())
}

fn spawn(name: &str, mut conn: Connection, jobs: Arc<Mutex<mpsc::Receiver<Job>>>) -> Result<(), StoreError> {
    std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || loop {
            let job = match jobs.lock() {
                Ok(receiver) => receiver.recv(),
                Err(_) => return,
            };
            match job {
                Ok(job) => job(&mut conn),
                Err(_) => return, // every sender is gone: the store was dropped
            }
        })
        .map(|_| ())
        .map_err(|e| StoreError::Unavailable(format!("cannot start a database thread: {e}")))
}

async fn run<T, F>(queue: &mpsc::Sender<Job>, f: F) -> Result<T, StoreError>
where
    T: Send + 'static,
    F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
{
    let (done, result) = oneshot::channel();
    let job: Job = Box::new(move |conn| {
        let _ = done.send(f(conn));
    });
    queue
        .send(job)
        .map_err(|_| StoreError::Unavailable("the database threads have stopped".into()))?;
    result
        .await
        .map_err(|_| StoreError::Unavailable("a database thread stopped mid-operation".into()))?
}
