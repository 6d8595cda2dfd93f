//! Reading columns back into domain values.

use hallpass_core::clock::Timestamp;
use hallpass_core::crypto::SecretHash;
use hallpass_core::store::StoreError;
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

pub fn get<'r, T>(row: &'r SqliteRow, column: &str) -> Result<T, StoreError>
where
    T: sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
{
    row.try_get(column).map_err(crate::map_err)
}

pub fn ts(row: &SqliteRow, column: &str) -> Result<Timestamp, StoreError> {
    get::<i64>(row, column).map(Timestamp)
}

pub fn opt_ts(row: &SqliteRow, column: &str) -> Result<Option<Timestamp>, StoreError> {
    Ok(get::<Option<i64>>(row, column)?.map(Timestamp))
}

pub fn hash(row: &SqliteRow, column: &str) -> Result<SecretHash, StoreError> {
    let bytes: Vec<u8> = get(row, column)?;
    SecretHash::from_slice(&bytes).ok_or_else(|| damaged(column))
}

pub fn opt_hash(row: &SqliteRow, column: &str) -> Result<Option<SecretHash>, StoreError> {
    let bytes: Option<Vec<u8>> = get(row, column)?;
    bytes
        .map(|b| SecretHash::from_slice(&b).ok_or_else(|| damaged(column)))
        .transpose()
}

pub fn json<T: serde::de::DeserializeOwned>(row: &SqliteRow, column: &str) -> Result<T, StoreError> {
    let text: String = get(row, column)?;
    serde_json::from_str(&text).map_err(|_| damaged(column))
}

pub fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

pub fn damaged(column: &str) -> StoreError {
    StoreError::Backend(format!("column {column} holds a value this build cannot read"))
}
