//! The store conformance suite on SQLite: a fresh database file per test.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use hallpass_core::store::Store;
use hallpass_store_conformance::{conformance_suite, StoreUnderTest};
use hallpass_store_sqlite::{SqliteOptions, SqliteStore};
use std::sync::Arc;

async fn open() -> Option<StoreUnderTest> {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("hallpass.db"), &SqliteOptions::default())
        .await
        .expect("open");
    store.migrate().await.expect("migrate");
    let store: Arc<dyn Store> = Arc::new(store);
    Some(StoreUnderTest::with_cleanup(store, move || async move { drop(dir) }))
}

conformance_suite!(open);
