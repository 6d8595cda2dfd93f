use hallpass_core::store::StoreError;

/// Maps a driver error to what a service can act on. Unique violations name
/// the clashing field; internal detail stays in the `Backend` text for logs.
pub fn map_err(err: sqlx::Error) -> StoreError {
    match err {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(conflict_name(db.message())),
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Tls(_) => {
            StoreError::Unavailable(err.to_string())
        }
        other => StoreError::Backend(other.to_string()),
    }
}

/// PostgreSQL names the constraint: `... unique constraint "users_email_normalized_key"`.
fn conflict_name(message: &str) -> &'static str {
    let target = message.rsplit(':').next().unwrap_or(message);
    if target.contains("email") {
        "email"
    } else if target.contains("slug") {
        "slug"
    } else if target.contains("external_id") {
        "external_id"
    } else if target.contains("roles") {
        "role name"
    } else if target.contains("signing_keys") {
        "active signing key"
    } else {
        "value"
    }
}
