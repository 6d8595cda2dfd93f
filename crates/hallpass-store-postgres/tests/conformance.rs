//! The store conformance suite on PostgreSQL: a fresh schema per test.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use hallpass_core::store::Store;
use hallpass_store_conformance::{conformance_suite, StoreUnderTest};
use hallpass_store_postgres::testing::test_schema;
use std::sync::Arc;

async fn open() -> Option<StoreUnderTest> {
    let schema = test_schema().await?;
    let store = schema.open().await;
    store.migrate().await.expect("migrate");
    let store: Arc<dyn Store> = Arc::new(store);
    Some(StoreUnderTest::with_cleanup(store, move || async move {
        schema.drop_schema().await
    }))
}

conformance_suite!(open);
