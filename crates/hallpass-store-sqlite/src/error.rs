use hallpass_core::store::{conflicting_field, StoreError};
use rusqlite::ErrorCode;

/// Maps a driver error to what a service can act on. Unique violations name
/// the clashing field; internal detail stays in the `Backend` text for logs.
pub fn map_err(err: rusqlite::Error) -> StoreError {
    if let rusqlite::Error::SqliteFailure(failure, message) = &err {
        const SQLITE_CONSTRAINT_FOREIGNKEY: i32 = 787;
        const SQLITE_CONSTRAINT_PRIMARYKEY: i32 = 1555;
        const SQLITE_CONSTRAINT_UNIQUE: i32 = 2067;
        match failure.extended_code {
            SQLITE_CONSTRAINT_UNIQUE | SQLITE_CONSTRAINT_PRIMARYKEY => {
                // SQLite says `UNIQUE constraint failed: users.email_normalized`.
                return StoreError::Conflict(conflicting_field(message.as_deref().unwrap_or_default()));
            }
            SQLITE_CONSTRAINT_FOREIGNKEY => return StoreError::NotFound,
            _ => {}
        }
        if matches!(
            failure.code,
            ErrorCode::CannotOpen | ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked
        ) {
            return StoreError::Unavailable(err.to_string());
        }
    }
    StoreError::Backend(err.to_string())
}

/// `?` on driver results inside store code.
pub trait Sql<T> {
    fn sql(self) -> Result<T, StoreError>;
}

impl<T> Sql<T> for rusqlite::Result<T> {
    fn sql(self) -> Result<T, StoreError> {
        self.map_err(map_err)
    }
}
