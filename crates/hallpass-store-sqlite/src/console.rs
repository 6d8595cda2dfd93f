use crate::rows::{all, exec, get, one, ts};
use crate::users::{self, count};
use crate::SqliteStore;
use async_trait::async_trait;
use hallpass_core::clock::Timestamp;
use hallpass_core::ids::UserId;
use hallpass_core::store::{ConsoleAdmin, ConsoleCounts, ConsoleStore, StoreError, User};
use hallpass_core::values::Email;
use rusqlite::params;

/// Above every address that starts with the prefix (the largest code point
/// sorts after any other in UTF-8's byte order), so `email_normalized`'s
/// unique index answers the range.
const PAST_PREFIX: char = '\u{10FFFF}';

#[async_trait]
impl ConsoleStore for SqliteStore {
    async fn add_console_admin(&self, user: &UserId, at: Timestamp) -> Result<bool, StoreError> {
        let user = user.to_string();
        self.db
            .write(move |tx| {
                let added = exec(
                    tx,
                    "INSERT INTO console_admins (user_id, added_at) VALUES (?, ?) ON CONFLICT (user_id) DO NOTHING",
                    params![user, at.0],
                )?;
                Ok(added > 0)
            })
            .await
    }

    async fn remove_console_admin(&self, user: &UserId) -> Result<bool, StoreError> {
        let user = user.to_string();
        self.db
            .write(move |tx| Ok(exec(tx, "DELETE FROM console_admins WHERE user_id = ?", [user])? > 0))
            .await
    }

    async fn is_console_admin(&self, user: &UserId) -> Result<bool, StoreError> {
        let user = user.to_string();
        self.db
            .read(move |c| {
                Ok(
                    one(c, "SELECT 1 AS x FROM console_admins WHERE user_id = ?", [user], |_| {
                        Ok(())
                    })?
                    .is_some(),
                )
            })
            .await
    }

    async fn list_console_admins(&self) -> Result<Vec<ConsoleAdmin>, StoreError> {
        self.db
            .read(|c| {
                all(
                    c,
                    "SELECT a.user_id, u.email, a.added_at FROM console_admins a JOIN users u ON u.id = a.user_id
                     ORDER BY a.added_at, a.user_id",
                    [],
                    |row| {
                        Ok(ConsoleAdmin {
                            user_id: UserId::from_trusted(get(row, "user_id")?),
                            email: Email::from_trusted(get(row, "email")?),
                            added_at: ts(row, "added_at")?,
                        })
                    },
                )
            })
            .await
    }

    async fn search_users_by_email(
        &self,
        prefix: &str,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<User>, StoreError> {
        let low = prefix.to_owned();
        let high = format!("{prefix}{PAST_PREFIX}");
        let after = after.unwrap_or_default().to_owned();
        self.db
            .read(move |c| {
                all(
                    c,
                    &format!(
                        "{} WHERE email_normalized >= ?1 AND email_normalized < ?2 AND email_normalized > ?3
                         ORDER BY email_normalized LIMIT ?4",
                        users::SELECT
                    ),
                    params![low, high, after, limit],
                    users::user,
                )
            })
            .await
    }

    async fn console_counts(&self, since: Timestamp) -> Result<ConsoleCounts, StoreError> {
        self.db
            .read(move |c| {
                Ok(ConsoleCounts {
                    users: count(c, "SELECT count(*) AS n FROM users", [])?,
                    organizations: count(c, "SELECT count(*) AS n FROM organizations", [])?,
                    applications: count(c, "SELECT count(*) AS n FROM clients", [])?,
                    sign_ins: count(
                        c,
                        "SELECT count(*) AS n FROM audit_events WHERE kind = 'user.signed_in' AND at >= ?",
                        [since.0],
                    )?,
                })
            })
            .await
    }
}
