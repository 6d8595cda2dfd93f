//! Users: creation and listing, shared by the CLI, the API and sign-up.

use super::audit::{self, Actor};
use super::passwords::{check_new_password, PasswordPolicy};
use crate::context::Context;
use crate::error::CoreError;
use crate::ids::UserId;
use crate::rng::random_bytes;
use crate::store::User;
use crate::values::Email;
use serde_json::json;

#[derive(Debug, Clone, Default)]
pub struct NewUser {
    pub email: String,
    pub name: Option<String>,
    pub password: Option<String>,
    pub email_verified: bool,
}

pub async fn create_user(
    ctx: &Context,
    new: NewUser,
    passwords: &PasswordPolicy,
    actor: &Actor,
) -> Result<User, CoreError> {
    let email = Email::parse(&new.email).map_err(|e| CoreError::invalid("email", e.to_string()))?;
    let name = new.name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    if name.as_ref().is_some_and(|n| n.chars().count() > 200) {
        return Err(CoreError::invalid("name", "must be at most 200 characters"));
    }
    let password_hash = match new.password {
        Some(password) => {
            check_new_password(&password)?;
            let salt = random_bytes::<16>(ctx.rng.as_ref());
            Some(passwords.hash_in(&ctx.hashing, &password, &salt).await?)
        }
        None => None,
    };
    let now = ctx.clock.now();
    let user = User {
        id: UserId::generate(ctx.clock.as_ref(), ctx.rng.as_ref()),
        email,
        email_verified: new.email_verified,
        name,
        password_hash,
        external_id: None,
        metadata: json!({}),
        created_at: now,
        updated_at: now,
    };
    ctx.store.insert_user(&user).await?;
    audit::record(
        ctx,
        actor,
        "user.created",
        Some(user.id.as_str()),
        json!({ "email": user.email.as_str() }),
    )
    .await;
    Ok(user)
}

pub async fn list_users(ctx: &Context, after: Option<&UserId>, limit: u32) -> Result<Vec<User>, CoreError> {
    Ok(ctx.store.list_users(after, limit.clamp(1, 200)).await?)
}

pub async fn find_user_by_email(ctx: &Context, email: &str) -> Result<Option<User>, CoreError> {
    let email = Email::parse(email).map_err(|e| CoreError::invalid("email", e.to_string()))?;
    Ok(ctx.store.find_user_by_email(&email).await?)
}

/// Fields an operator may change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserChanges {
    pub name: Option<String>,
    pub email_verified: Option<bool>,
    pub external_id: Option<String>,
    pub metadata: Option<serde_json::Value>,
}

fn view(user: &User) -> serde_json::Value {
    json!({
        "email": user.email.as_str(),
        "email_verified": user.email_verified,
        "name": user.name,
        "external_id": user.external_id,
        "metadata": user.metadata,
    })
}

pub async fn get_user(ctx: &Context, id: &UserId) -> Result<User, CoreError> {
    ctx.store.get_user(id).await?.ok_or(CoreError::NotFound("user"))
}

pub async fn update_user(ctx: &Context, id: &UserId, changes: UserChanges, actor: &Actor) -> Result<User, CoreError> {
    let before = get_user(ctx, id).await?;
    let mut user = before.clone();
    if let Some(name) = changes.name {
        let name = name.trim().to_owned();
        if name.chars().count() > 200 {
            return Err(CoreError::invalid("name", "must be at most 200 characters"));
        }
        user.name = Some(name).filter(|n| !n.is_empty());
    }
    if let Some(verified) = changes.email_verified {
        user.email_verified = verified;
    }
    if let Some(external_id) = changes.external_id {
        let external_id = external_id.trim().to_owned();
        if external_id.len() > 200 {
            return Err(CoreError::invalid("external_id", "must be at most 200 characters"));
        }
        user.external_id = Some(external_id).filter(|e| !e.is_empty());
    }
    if let Some(metadata) = changes.metadata {
        user.metadata = super::organizations::metadata(Some(metadata))?;
    }
    user.updated_at = ctx.clock.now();
    ctx.store.update_user(&user).await?;
    audit::record(
        ctx,
        actor,
        "user.updated",
        Some(user.id.as_str()),
        json!({ "before": view(&before), "after": view(&user) }),
    )
    .await;
    Ok(user)
}

/// Deletes the user with their sessions and memberships. The caller ends
/// the sessions first (to tell apps on the back channel).
pub async fn delete_user(ctx: &Context, id: &UserId, actor: &Actor) -> Result<(), CoreError> {
    let before = get_user(ctx, id).await?;
    if !ctx.store.delete_user(id).await? {
        return Err(CoreError::NotFound("user"));
    }
    audit::record(
        ctx,
        actor,
        "user.deleted",
        Some(id.as_str()),
        json!({ "before": view(&before), "after": null }),
    )
    .await;
    Ok(())
}
