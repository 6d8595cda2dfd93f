//! Isolated PostgreSQL schemas for tests (this crate's and the server's).
//!
//! Reads `HALLPASS_TEST_DATABASE_URL` (default: the local server at
//! 127.0.0.1:5432, database `test`). If PostgreSQL cannot be reached the
//! caller is told loudly and gets `None`; under CI ([`in_ci`]) it panics
//! instead, because a CI run that skips the PostgreSQL suite proves nothing
//! about it.

#![allow(clippy::panic)]

use crate::{PostgresOptions, PostgresStore};
use sqlx::postgres::PgPoolOptions;
use sqlx::Executor;
use std::io::Write;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub const DEFAULT_TEST_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A schema made for one test; `drop_schema` removes it.
#[derive(Debug, Clone)]
pub struct TestSchema {
    pub url: String,
    pub schema: String,
}

impl TestSchema {
    pub fn options(&self) -> PostgresOptions {
        PostgresOptions {
            max_connections: 8,
            schema: Some(self.schema.clone()),
            ..PostgresOptions::default()
        }
    }

    /// The URL with the schema as search path, for a server under test.
    pub fn url_with_schema(&self) -> String {
        let sep = if self.url.contains('?') { '&' } else { '?' };
        format!("{}{sep}options=-csearch_path%3D{}", self.url, self.schema)
    }

    pub async fn open(&self) -> PostgresStore {
        match PostgresStore::connect(&self.url, &self.options()).await {
            Ok(store) => store,
            Err(err) => panic!("cannot open test schema {}: {err}", self.schema),
        }
    }

    pub async fn drop_schema(&self) {
        if let Ok(pool) = PgPoolOptions::new().max_connections(1).connect(&self.url).await {
            let _ = pool
                .execute(format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema).as_str())
                .await;
            pool.close().await;
        }
    }
}

/// Whether tests run under CI, where one that cannot run must fail rather
/// than skip: `CI` set to anything but empty, `0` or `false`. The server's
/// tests ask this too.
pub fn in_ci() -> bool {
    env_flag("CI")
}

/// Whether the variable `name` is on: set, and not empty, `0` or `false`.
pub fn env_flag(name: &str) -> bool {
    flag_is_on(std::env::var(name).ok().as_deref())
}

fn flag_is_on(value: Option<&str>) -> bool {
    value.is_some_and(|v| !matches!(v.trim().to_ascii_lowercase().as_str(), "" | "0" | "false"))
}

pub fn test_url() -> String {
    std::env::var("HALLPASS_TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_TEST_URL.to_owned())
}

/// Creates a fresh schema, or says loudly why PostgreSQL tests cannot run.
pub async fn test_schema() -> Option<TestSchema> {
    let url = test_url();
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(2))
        .connect(&url)
        .await;
    let pool = match pool {
        Ok(pool) => pool,
        Err(err) => {
            let message = format!("PostgreSQL at {url} is not reachable ({err}); the PostgreSQL tests did NOT run");
            if in_ci() {
                panic!("{message} (under CI this is a failure)");
            }
            // Written past the test harness's capture, so it shows even when the test "passes".
            let _ = writeln!(std::io::stderr(), "\n!!!!!!!! {message} !!!!!!!!\n");
            return None;
        }
    };
    #[allow(clippy::disallowed_methods)] // a name, not a time the domain sees
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let schema = format!("hp_test_{}_{}_{nanos}", std::process::id(), unique());
    if let Err(err) = pool.execute(format!("CREATE SCHEMA {schema}").as_str()).await {
        panic!("cannot create schema {schema}: {err}");
    }
    pool.close().await;
    Some(TestSchema { url, schema })
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::flag_is_on;

    #[test]
    fn any_value_but_empty_zero_or_false_turns_a_flag_on() {
        for on in ["true", "1", "yes", "TRUE", "woodpecker", "False-ish"] {
            assert!(flag_is_on(Some(on)), "{on}");
        }
        for off in [None, Some(""), Some(" "), Some("0"), Some("false"), Some("FALSE")] {
            assert!(!flag_is_on(off), "{off:?}");
        }
    }
}
