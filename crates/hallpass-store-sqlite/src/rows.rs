//! Reading columns back into domain values.

use crate::error::Sql;
use hallpass_core::clock::Timestamp;
use hallpass_core::crypto::SecretHash;
use hallpass_core::store::StoreError;
use rusqlite::types::FromSql;
use rusqlite::Row;

pub fn get<T: FromSql>(row: &Row<'_>, column: &str) -> Result<T, StoreError> {
    row.get(column).sql()
}

pub fn ts(row: &Row<'_>, column: &str) -> Result<Timestamp, StoreError> {
    get::<i64>(row, column).map(Timestamp)
}

pub fn opt_ts(row: &Row<'_>, column: &str) -> Result<Option<Timestamp>, StoreError> {
    Ok(get::<Option<i64>>(row, column)?.map(Timestamp))
}

pub fn hash(row: &Row<'_>, column: &str) -> Result<SecretHash, StoreError> {
    let bytes: Vec<u8> = get(row, column)?;
    SecretHash::from_slice(&bytes).ok_or_else(|| damaged(column))
}

pub fn opt_hash(row: &Row<'_>, column: &str) -> Result<Option<SecretHash>, StoreError> {
    let bytes: Option<Vec<u8>> = get(row, column)?;
    bytes
        .map(|b| SecretHash::from_slice(&b).ok_or_else(|| damaged(column)))
        .transpose()
}

pub fn json<T: serde::de::DeserializeOwned>(row: &Row<'_>, column: &str) -> Result<T, StoreError> {
    let text: String = get(row, column)?;
    serde_json::from_str(&text).map_err(|_| damaged(column))
}

pub fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

pub fn damaged(column: &str) -> StoreError {
    StoreError::Backend(format!("column {column} holds a value this build cannot read"))
}

/// Runs a query expected to return at most one row, mapping it with `map`.
pub fn one<T>(
    conn: &rusqlite::Connection,
    sql: &str,
    params: impl rusqlite::Params,
    map: impl FnOnce(&Row<'_>) -> Result<T, StoreError>,
) -> Result<Option<T>, StoreError> {
    let mut statement = conn.prepare_cached(sql).sql()?;
    let mut rows = statement.query(params).sql()?;
    match rows.next().sql()? {
        Some(row) => map(row).map(Some),
        None => Ok(None),
    }
}

/// Runs a query and maps every row.
pub fn all<T>(
    conn: &rusqlite::Connection,
    sql: &str,
    params: impl rusqlite::Params,
    map: impl Fn(&Row<'_>) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let mut statement = conn.prepare_cached(sql).sql()?;
    let mut rows = statement.query(params).sql()?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().sql()? {
        out.push(map(row)?);
    }
    Ok(out)
}

/// Runs a statement; returns the number of rows changed.
pub fn exec(conn: &rusqlite::Connection, sql: &str, params: impl rusqlite::Params) -> Result<usize, StoreError> {
    conn.prepare_cached(sql).sql()?.execute(params).sql()
}
