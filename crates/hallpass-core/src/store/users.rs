use super::StoreError;
use crate::clock::Timestamp;
use crate::ids::UserId;
use crate::values::Email;
use async_trait::async_trait;

#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub email_verified: bool,
    pub name: Option<String>,
    /// PHC string (Argon2id); `None` for users who never set a password.
    pub password_hash: Option<String>,
    pub external_id: Option<String>,
    pub metadata: serde_json::Value,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[async_trait]
pub trait UserStore: Send + Sync {
    /// `Conflict("email")` when the address (compared case-insensitively) is taken,
    /// `Conflict("external_id")` likewise.
    async fn insert_user(&self, user: &User) -> Result<(), StoreError>;
    async fn get_user(&self, id: &UserId) -> Result<Option<User>, StoreError>;
    async fn find_user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError>;
    /// Users in id (creation) order, strictly after `after`.
    async fn list_users(&self, after: Option<&UserId>, limit: u32) -> Result<Vec<User>, StoreError>;
    /// Replaces every field but `id` and `created_at`. `NotFound` if the user is gone.
    async fn update_user(&self, user: &User) -> Result<(), StoreError>;
    async fn count_users(&self) -> Result<u64, StoreError>;
    /// Removes the user with their sessions, grants and memberships. `true` if one was removed.
    async fn delete_user(&self, id: &UserId) -> Result<bool, StoreError>;
}
