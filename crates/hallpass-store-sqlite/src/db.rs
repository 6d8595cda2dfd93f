//! The connections, each on a thread of its own. A store operation is one
//! closure sent to a connection's thread and run there whole: one hand-off
//! per operation, however many statements it runs. (Handing every statement
//! across threads, as an async driver does, costs two context switches per
//! statement; on one core that was half the CPU of a refresh.)
//!
//! One writer connection, so write transactions queue in process instead of
//! contending for SQLite's lock; read-only connections beside it (WAL).
//!
//! Group commit: the writer takes every write waiting in its queue (up to
//! `MAX_BATCH`) into one transaction, each in a savepoint of its own, and
//! commits once. A write that fails rolls back to its savepoint and leaves
//! the others alone; every answer waits for the commit, so none is given
//! before its write is as durable as the configured `synchronous` makes it.
//! Under `power_loss` durability the whole batch shares one fsync.

use crate::error::Sql;
use hallpass_core::store::StoreError;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// The most writes one commit carries: enough to share an fsync among every
/// request a busy node has in flight, few enough that the first in the batch
/// does not wait long for the last.
const MAX_BATCH: usize = 64;

/// What the writer thread is sent.
enum WriterJob {
    /// A write transaction's body, run in a savepoint of the batch.
    Write(Box<dyn BatchedWrite>),
    /// Something run on the writer connection outside any transaction (migrations).
    Raw(Job),
}

/// A write as the batch sees it: run it, then tell its caller how it ended.
trait BatchedWrite: Send {
    /// Runs the body; `false` when it failed (and must be rolled back).
    fn run(&mut self, conn: &Connection) -> bool;
    /// Answers the caller once the batch is committed, or could not be.
    fn finish(self: Box<Self>, committed: Result<(), StoreError>);
}

struct PendingWrite<T, F> {
    body: Option<F>,
    outcome: Option<Result<T, StoreError>>,
    done: oneshot::Sender<Result<T, StoreError>>,
}

impl<T, F> BatchedWrite for PendingWrite<T, F>
where
    T: Send,
    F: FnOnce(&Connection) -> Result<T, StoreError> + Send,
{
    fn run(&mut self, conn: &Connection) -> bool {
        let outcome = match self.body.take() {
            Some(body) => body(conn),
            None => Err(StoreError::Backend("a write was run twice".into())),
        };
        let ok = outcome.is_ok();
        self.outcome = Some(outcome);
        ok
    }

    fn finish(self: Box<Self>, committed: Result<(), StoreError>) {
        let this = *self;
        let outcome = this
            .outcome
            .unwrap_or_else(|| Err(StoreError::Unavailable("the write was not run".into())));
        let _ = this.done.send(committed.and(outcome));
    }
}

#[derive(Debug, Clone)]
pub struct Db {
    writer: mpsc::Sender<WriterJob>,
    readers: mpsc::Sender<Job>,
}

/// Pages in the write-ahead log before the writer copies them back (about
/// 32 MB of log at 4 kB pages).
const WAL_CHECKPOINT_PAGES: u32 = 8_000;

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
        // Checkpoint every WAL_CHECKPOINT_PAGES instead of SQLite's 1,000: a
        // hot page (a session, an index's upper levels) changed by many
        // commits is copied back once per checkpoint, and each checkpoint
        // costs two fsyncs, so fewer of them cost less per write.
        writer
            .pragma_update(None, "wal_autocheckpoint", WAL_CHECKPOINT_PAGES)
            .map_err(unavailable)?;
        let (writer_tx, writer_rx) = mpsc::channel::<WriterJob>();
        std::thread::Builder::new()
            .name("hallpass-sqlite-writer".to_owned())
            .spawn(move || write_loop(writer, writer_rx))
            .map_err(|e| StoreError::Unavailable(format!("cannot start a database thread: {e}")))?;

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
    /// refused midway, batched with the other writes queued beside it. `Err`
    /// rolls back what `f` did; the answer comes once the batch is committed.
    pub async fn write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (done, result) = oneshot::channel();
        let write = PendingWrite {
            body: Some(f),
            outcome: None,
            done,
        };
        self.writer
            .send(WriterJob::Write(Box::new(write)))
            .map_err(|_| stopped())?;
        result
            .await
            .map_err(|_| StoreError::Unavailable("a database thread stopped mid-operation".into()))?
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
        let (done, result) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let _ = done.send(f(conn));
        });
        self.writer.send(WriterJob::Raw(job)).map_err(|_| stopped())?;
        result
            .await
            .map_err(|_| StoreError::Unavailable("a database thread stopped mid-operation".into()))?
    }
}

fn stopped() -> StoreError {
    StoreError::Unavailable("the database threads have stopped".into())
}

/// The writer thread: raw jobs one by one, writes in batches.
fn write_loop(mut conn: Connection, jobs: mpsc::Receiver<WriterJob>) {
    let mut held = None;
    loop {
        let job = match held.take() {
            Some(job) => job,
            None => match jobs.recv() {
                Ok(job) => job,
                Err(_) => return, // every sender is gone: the store was dropped
            },
        };
        match job {
            WriterJob::Raw(job) => job(&mut conn),
            WriterJob::Write(first) => {
                let mut batch = vec![first];
                while batch.len() < MAX_BATCH {
                    match jobs.try_recv() {
                        Ok(WriterJob::Write(write)) => batch.push(write),
                        Ok(raw) => {
                            held = Some(raw);
                            break;
                        }
                        Err(_) => break,
                    }
                }
                commit_batch(&conn, batch);
            }
        }
    }
}

/// Runs the writes in one transaction, each in a savepoint, commits once and
/// answers them all. A failed write is rolled back to its savepoint; should
/// SQLite roll back the whole transaction instead (it does on some I/O
/// errors), the writes already run in it are answered with the error and
/// the rest go on in a new transaction.
fn commit_batch(conn: &Connection, batch: Vec<Box<dyn BatchedWrite>>) {
    let mut in_transaction: Vec<Box<dyn BatchedWrite>> = Vec::with_capacity(batch.len());
    for mut write in batch {
        if in_transaction.is_empty() && conn.is_autocommit() {
            if let Err(err) = conn.execute_batch("BEGIN IMMEDIATE").sql() {
                write.finish(Err(err));
                continue;
            }
        }
        let ran = conn.execute_batch("SAVEPOINT write").is_ok() && write.run(conn);
        if conn.is_autocommit() {
            let lost = StoreError::Backend("the database rolled the transaction back".into());
            for earlier in in_transaction.drain(..) {
                earlier.finish(Err(lost.clone()));
            }
            write.finish(Err(lost));
            continue;
        }
        let settled = if ran {
            conn.execute_batch("RELEASE write")
        } else {
            conn.execute_batch("ROLLBACK TO write; RELEASE write")
        };
        if let Err(err) = settled.sql() {
            // The savepoint is in an unknown state: end the transaction
            // without this write's part being trusted.
            let _ = conn.execute_batch("ROLLBACK");
            for earlier in in_transaction.drain(..) {
                earlier.finish(Err(err.clone()));
            }
            write.finish(Err(err));
            continue;
        }
        in_transaction.push(write);
    }
    if in_transaction.is_empty() {
        return;
    }
    let committed = conn.execute_batch("COMMIT").sql();
    if committed.is_err() && !conn.is_autocommit() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    for write in in_transaction {
        write.finish(committed.clone());
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rows;

    fn open(dir: &Path) -> Db {
        Db::open(&Settings {
            path: &dir.join("batch.db"),
            synchronous: "FULL",
            busy_timeout: Duration::from_secs(5),
            read_connections: 1,
        })
        .unwrap()
    }

    /// Frames in the write-ahead log; `TRUNCATE` empties it first. A commit
    /// writes every page it changed as a frame, so ten one-row commits to one
    /// page are ten frames where one commit of ten rows is one.
    async fn wal_frames(db: &Db, mode: &'static str) -> i64 {
        db.with_writer(move |c| {
            let sql = format!("PRAGMA wal_checkpoint({mode})");
            rows::one(c, &sql, [], |r| r.get(1).sql()).map(|v| v.unwrap_or(-1))
        })
        .await
        .unwrap()
    }

    /// Holds the writer on a raw job until the returned sender is dropped, so
    /// the writes sent meanwhile are all waiting when it comes back.
    async fn hold_writer(db: &Db) -> std::sync::mpsc::Sender<()> {
        let (release, held) = std::sync::mpsc::channel::<()>();
        let (started, wait_started) = oneshot::channel();
        let db = db.clone();
        tokio::spawn(async move {
            db.with_writer(move |_| {
                let _ = started.send(());
                let _ = held.recv();
                Ok(())
            })
            .await
        });
        wait_started.await.unwrap();
        release
    }

    #[tokio::test]
    async fn queued_writes_share_one_commit_and_a_failed_one_takes_only_itself_back() {
        let dir = tempfile::tempdir().unwrap();
        let db = open(dir.path());
        db.write(|c| c.execute_batch("CREATE TABLE t (n INTEGER PRIMARY KEY)").sql())
            .await
            .unwrap();
        assert_eq!(wal_frames(&db, "TRUNCATE").await, 0);

        let release = hold_writer(&db).await;
        let mut writes = Vec::new();
        for n in 0..10_i64 {
            writes.push(Box::pin(db.write(move |c| {
                c.execute("INSERT INTO t (n) VALUES (?)", [n]).sql()?;
                if n == 4 {
                    return Err(StoreError::Limit("four is refused after its insert"));
                }
                Ok(n)
            })));
        }
        // A first poll queues each write behind the held writer.
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        for write in &mut writes {
            assert!(std::future::Future::poll(write.as_mut(), &mut cx).is_pending());
        }
        drop(release);

        for (n, write) in writes.into_iter().enumerate() {
            let answer = write.await;
            if n == 4 {
                assert_eq!(answer, Err(StoreError::Limit("four is refused after its insert")));
            } else {
                assert_eq!(answer, Ok(n as i64));
            }
        }
        let kept: Vec<i64> = db
            .read(|c| {
                let mut stmt = c.prepare("SELECT n FROM t ORDER BY n").sql()?;
                let rows = stmt.query_map([], |r| r.get(0)).sql()?;
                rows.collect::<Result<Vec<i64>, _>>().sql()
            })
            .await
            .unwrap();
        assert_eq!(kept, vec![0, 1, 2, 3, 5, 6, 7, 8, 9]);
        let frames = wal_frames(&db, "PASSIVE").await;
        assert!(
            frames <= 2,
            "the writes took {frames} log frames: they were not one commit"
        );
    }

    #[tokio::test]
    async fn an_answer_comes_only_once_its_write_is_visible_to_others() {
        let dir = tempfile::tempdir().unwrap();
        let db = open(dir.path());
        db.write(|c| c.execute_batch("CREATE TABLE t (n INTEGER PRIMARY KEY)").sql())
            .await
            .unwrap();
        for n in 0..50_i64 {
            db.write(move |c| c.execute("INSERT INTO t (n) VALUES (?)", [n]).sql())
                .await
                .unwrap();
            let seen: i64 = db
                .read(|c| rows::one(c, "SELECT count(*) FROM t", [], |r| r.get(0).sql()).map(|v| v.unwrap_or(0)))
                .await
                .unwrap();
            assert_eq!(seen, n + 1);
        }
    }
}
