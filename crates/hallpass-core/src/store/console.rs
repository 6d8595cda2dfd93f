//! What the admin console needs beyond the other capabilities: who may open
//! it, finding a user by the start of an address among millions, and the
//! overview's counts.

use super::{StoreError, User};
use crate::clock::Timestamp;
use crate::ids::UserId;
use crate::values::Email;
use async_trait::async_trait;

/// A user who may open the admin console.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsoleAdmin {
    pub user_id: UserId,
    pub email: Email,
    pub added_at: Timestamp,
}

/// The overview's figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ConsoleCounts {
    pub users: u64,
    pub organizations: u64,
    pub applications: u64,
    /// `user.signed_in` audit events at or after the `since` asked for.
    pub sign_ins: u64,
}

#[async_trait]
pub trait ConsoleStore: Send + Sync {
    /// `true` if the user was not an admin before; `NotFound` if there is no such user.
    async fn add_console_admin(&self, user: &UserId, at: Timestamp) -> Result<bool, StoreError>;
    /// `true` if the user was an admin.
    async fn remove_console_admin(&self, user: &UserId) -> Result<bool, StoreError>;
    async fn is_console_admin(&self, user: &UserId) -> Result<bool, StoreError>;
    /// In the order they were added. Deleting a user removes them here too.
    async fn list_console_admins(&self) -> Result<Vec<ConsoleAdmin>, StoreError>;
    /// Users whose normalized address starts with `prefix` (already
    /// normalized), in address order, strictly after the address `after`.
    /// Read through the address index: it stays fast over millions of users.
    async fn search_users_by_email(
        &self,
        prefix: &str,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<User>, StoreError>;
    async fn console_counts(&self, since: Timestamp) -> Result<ConsoleCounts, StoreError>;
}
