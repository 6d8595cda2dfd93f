use hallpass_core::store::{conflicting_field, StoreError};

/// Maps a driver error to what a service can act on. Unique violations name
/// the clashing field; internal detail stays in the `Backend` text for logs.
pub fn map_err(err: sqlx::Error) -> StoreError {
    match err {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict(conflicting_field(db.constraint().unwrap_or(db.message())))
        }
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Tls(_) => {
            StoreError::Unavailable(err.to_string())
        }
        other => StoreError::Backend(other.to_string()),
    }
}
