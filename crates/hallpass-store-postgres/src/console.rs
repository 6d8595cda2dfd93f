use crate::rows::{get, ts};
use crate::users::{self, COLUMNS};
use crate::{map_err, PostgresStore};
use async_trait::async_trait;
use hallpass_core::clock::Timestamp;
use hallpass_core::ids::UserId;
use hallpass_core::store::{ConsoleAdmin, ConsoleCounts, ConsoleStore, StoreError, User};
use hallpass_core::values::Email;

/// `prefix` as a LIKE pattern that matches only addresses starting with it.
fn starts_with_pattern(prefix: &str) -> String {
    let mut pattern = String::with_capacity(prefix.len() + 1);
    for c in prefix.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

#[async_trait]
impl ConsoleStore for PostgresStore {
    async fn add_console_admin(&self, user: &UserId, at: Timestamp) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO console_admins (user_id, added_at) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING",
        )
        .bind(user.as_str())
        .bind(at.0)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(done.rows_affected() > 0)
    }

    async fn remove_console_admin(&self, user: &UserId) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM console_admins WHERE user_id = $1")
            .bind(user.as_str())
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(done.rows_affected() > 0)
    }

    async fn is_console_admin(&self, user: &UserId) -> Result<bool, StoreError> {
        let found: Option<i32> = sqlx::query_scalar("SELECT 1 FROM console_admins WHERE user_id = $1")
            .bind(user.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(found.is_some())
    }

    async fn list_console_admins(&self) -> Result<Vec<ConsoleAdmin>, StoreError> {
        let rows = sqlx::query(
            "SELECT a.user_id, u.email, a.added_at FROM console_admins a JOIN users u ON u.id = a.user_id
             ORDER BY a.added_at, a.user_id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.iter()
            .map(|row| {
                Ok(ConsoleAdmin {
                    user_id: UserId::from_trusted(get(row, "user_id")?),
                    email: Email::from_trusted(get(row, "email")?),
                    added_at: ts(row, "added_at")?,
                })
            })
            .collect()
    }

    async fn search_users_by_email(
        &self,
        prefix: &str,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<User>, StoreError> {
        // `~>~` is the byte-wise comparison `text_pattern_ops` orders by, so
        // the keyset condition and the order use the same index.
        let sql = format!(
            "SELECT {COLUMNS} FROM users WHERE email_normalized LIKE $1 AND email_normalized ~>~ $2
             ORDER BY email_normalized USING ~<~ LIMIT $3"
        );
        let rows = sqlx::query(&sql)
            .bind(starts_with_pattern(prefix))
            .bind(after.unwrap_or_default())
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter().map(users::user).collect()
    }

    async fn console_counts(&self, since: Timestamp) -> Result<ConsoleCounts, StoreError> {
        let (users, organizations, applications, sign_ins): (i64, i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM organizations), (SELECT count(*) FROM clients),
                    (SELECT count(*) FROM audit_events WHERE kind = 'user.signed_in' AND at >= $1)",
        )
        .bind(since.0)
        .fetch_one(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(ConsoleCounts {
            users: to_u64(users),
            organizations: to_u64(organizations),
            applications: to_u64(applications),
            sign_ins: to_u64(sign_ins),
        })
    }
}
