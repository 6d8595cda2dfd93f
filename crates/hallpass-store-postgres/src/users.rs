use crate::rows::{get, json, to_json, ts};
use crate::{map_err, PostgresStore};
use async_trait::async_trait;
use hallpass_core::ids::UserId;
use hallpass_core::store::{StoreError, User, UserStore};
use hallpass_core::values::Email;
use sqlx::postgres::PgRow;

pub(crate) const COLUMNS: &str =
    "id, email, email_verified, name, password_hash, external_id, metadata, created_at, updated_at";

pub(crate) fn user(row: &PgRow) -> Result<User, StoreError> {
    user_prefixed(row, "")
}

/// The user columns of table alias `u`, each named `u_{column}`, for joins.
pub(crate) fn prefixed_columns() -> &'static str {
    static COLUMNS_AS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        COLUMNS
            .split(',')
            .map(|c| c.trim())
            .map(|c| format!("u.{c} AS u_{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    });
    &COLUMNS_AS
}

/// A user from columns named `{prefix}id`, `{prefix}email`, ...
pub(crate) fn user_prefixed(row: &PgRow, prefix: &str) -> Result<User, StoreError> {
    let c = |name: &str| format!("{prefix}{name}");
    Ok(User {
        id: UserId::from_trusted(get(row, &c("id"))?),
        email: Email::from_trusted(get(row, &c("email"))?),
        email_verified: get(row, &c("email_verified"))?,
        name: get(row, &c("name"))?,
        password_hash: get(row, &c("password_hash"))?,
        external_id: get(row, &c("external_id"))?,
        metadata: json(row, &c("metadata"))?,
        created_at: ts(row, &c("created_at"))?,
        updated_at: ts(row, &c("updated_at"))?,
    })
}

#[async_trait]
impl UserStore for PostgresStore {
    async fn insert_user(&self, u: &User) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO users (id, email, email_normalized, email_verified, name, password_hash, external_id, metadata, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(u.id.as_str())
        .bind(u.email.as_str())
        .bind(u.email.normalized())
        .bind(u.email_verified)
        .bind(&u.name)
        .bind(&u.password_hash)
        .bind(&u.external_id)
        .bind(to_json(&u.metadata))
        .bind(u.created_at.0)
        .bind(u.updated_at.0)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn get_user(&self, id: &UserId) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.as_ref().map(user).transpose()
    }

    async fn find_user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM users WHERE email_normalized = $1");
        let row = sqlx::query(&sql)
            .bind(email.normalized())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.as_ref().map(user).transpose()
    }

    async fn list_users(&self, after: Option<&UserId>, limit: u32) -> Result<Vec<User>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM users WHERE id > $1 ORDER BY id LIMIT $2");
        let rows = sqlx::query(&sql)
            .bind(after.map_or("", |a| a.as_str()))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter().map(user).collect()
    }

    async fn delete_user(&self, id: &UserId) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM users WHERE id = $1")
            .bind(id.as_str())
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(done.rows_affected() > 0)
    }

    async fn update_user(&self, u: &User) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE users SET email = $1, email_normalized = $2, email_verified = $3, name = $4, password_hash = $5,
                 external_id = $6, metadata = $7, updated_at = $8
             WHERE id = $9",
        )
        .bind(u.email.as_str())
        .bind(u.email.normalized())
        .bind(u.email_verified)
        .bind(&u.name)
        .bind(&u.password_hash)
        .bind(&u.external_id)
        .bind(to_json(&u.metadata))
        .bind(u.updated_at.0)
        .bind(u.id.as_str())
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn count_users(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}
