//! Migrations.

use super::*;

pub async fn migrations_are_current_and_idempotent(store: S) {
    let status = store.migration_status().await.unwrap();
    assert!(status.is_current(), "{status:?}");
    store.migrate().await.unwrap();
    assert!(store.migration_status().await.unwrap().is_current());
    store.ping().await.unwrap();
}
