use crate::rows::{all, exec, get, json, one, to_json, ts};
use crate::SqliteStore;
use async_trait::async_trait;
use hallpass_core::ids::UserId;
use hallpass_core::store::{StoreError, User, UserStore};
use hallpass_core::values::Email;
use rusqlite::{params, Connection, Row};

pub(crate) const SELECT: &str =
    "SELECT id, email, email_verified, name, password_hash, external_id, metadata, created_at, updated_at FROM users";

pub(crate) fn user(row: &Row<'_>) -> Result<User, StoreError> {
    Ok(User {
        id: UserId::from_trusted(get(row, "id")?),
        email: Email::from_trusted(get(row, "email")?),
        email_verified: get(row, "email_verified")?,
        name: get(row, "name")?,
        password_hash: get(row, "password_hash")?,
        external_id: get(row, "external_id")?,
        metadata: json(row, "metadata")?,
        created_at: ts(row, "created_at")?,
        updated_at: ts(row, "updated_at")?,
    })
}

/// The user `id` on connection `c` (inside another store operation's closure).
pub(crate) fn user_by_id(c: &Connection, id: &str) -> Result<Option<User>, StoreError> {
    one(c, &format!("{SELECT} WHERE id = ?"), [id], user)
}

#[async_trait]
impl UserStore for SqliteStore {
    async fn insert_user(&self, u: &User) -> Result<(), StoreError> {
        let u = u.clone();
        self.db
            .write(move |tx| {
                exec(
                    tx,
                    "INSERT INTO users (id, email, email_normalized, email_verified, name, password_hash, external_id, metadata, created_at, updated_at)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    params![
                        u.id.as_str(),
                        u.email.as_str(),
                        u.email.normalized(),
                        u.email_verified,
                        u.name,
                        u.password_hash,
                        u.external_id,
                        to_json(&u.metadata),
                        u.created_at.0,
                        u.updated_at.0
                    ],
                )
                .map(|_| ())
            })
            .await
    }

    async fn get_user(&self, id: &UserId) -> Result<Option<User>, StoreError> {
        let id = id.clone();
        self.db.read(move |c| user_by_id(c, id.as_str())).await
    }

    async fn find_user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
        let key = email.normalized().to_owned();
        self.db
            .read(move |c| one(c, &format!("{SELECT} WHERE email_normalized = ?"), [key], user))
            .await
    }

    async fn list_users(&self, after: Option<&UserId>, limit: u32) -> Result<Vec<User>, StoreError> {
        let after = after.map_or(String::new(), |a| a.to_string());
        self.db
            .read(move |c| {
                all(
                    c,
                    &format!("{SELECT} WHERE id > ? ORDER BY id LIMIT ?"),
                    params![after, limit],
                    user,
                )
            })
            .await
    }

    async fn delete_user(&self, id: &UserId) -> Result<bool, StoreError> {
        let id = id.to_string();
        self.db
            .write(move |tx| Ok(exec(tx, "DELETE FROM users WHERE id = ?", [id])? > 0))
            .await
    }

    async fn update_user(&self, u: &User) -> Result<(), StoreError> {
        let u = u.clone();
        self.db
            .write(move |tx| {
                let changed = exec(
                    tx,
                    "UPDATE users SET email = ?, email_normalized = ?, email_verified = ?, name = ?, password_hash = ?,
                         external_id = ?, metadata = ?, updated_at = ?
                     WHERE id = ?",
                    params![
                        u.email.as_str(),
                        u.email.normalized(),
                        u.email_verified,
                        u.name,
                        u.password_hash,
                        u.external_id,
                        to_json(&u.metadata),
                        u.updated_at.0,
                        u.id.as_str()
                    ],
                )?;
                if changed == 0 {
                    return Err(StoreError::NotFound);
                }
                Ok(())
            })
            .await
    }

    async fn count_users(&self) -> Result<u64, StoreError> {
        self.db.read(|c| count(c, "SELECT count(*) AS n FROM users", [])).await
    }
}

/// A `SELECT count(*) AS n` query.
pub(crate) fn count(c: &rusqlite::Connection, sql: &str, params: impl rusqlite::Params) -> Result<u64, StoreError> {
    let n: Option<i64> = one(c, sql, params, |r| get(r, "n"))?;
    Ok(u64::try_from(n.unwrap_or(0)).unwrap_or(0))
}
