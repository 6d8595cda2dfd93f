//! What a signed-in user may change about themselves.

use crate::context::Context;
use crate::error::CoreError;
use crate::ids::{SessionId, UserId};
use crate::rng::random_bytes;
use crate::services::audit::{self, Actor};
use crate::services::passwords::{check_new_password, PasswordPolicy};
use crate::sessions::{self, EndReason};
use crate::store::{Session, User};
use serde_json::json;

async fn user(ctx: &Context, id: &UserId) -> Result<User, CoreError> {
    ctx.store.get_user(id).await?.ok_or(CoreError::NotFound("user"))
}

pub async fn change_name(ctx: &Context, id: &UserId, name: &str) -> Result<User, CoreError> {
    let name = name.trim();
    if name.chars().count() > 200 {
        return Err(CoreError::invalid("name", "must be at most 200 characters"));
    }
    let mut user = user(ctx, id).await?;
    let before = user.name.clone();
    user.name = (!name.is_empty()).then(|| name.to_owned());
    user.updated_at = ctx.clock.now();
    ctx.store.update_user(&user).await?;
    let details = json!({ "before": before, "after": user.name });
    audit::record(
        ctx,
        &Actor::User(id.to_string()),
        "user.name_changed",
        Some(id.as_str()),
        details,
    )
    .await;
    Ok(user)
}

/// Changes the password (the current one is required if there is one) and
/// ends every other session of the user; the one in use stays.
pub async fn change_password(
    ctx: &Context,
    passwords: &PasswordPolicy,
    current_session: &Session,
    current: &str,
    new: &str,
) -> Result<(), CoreError> {
    let mut user = user(ctx, &current_session.user_id).await?;
    if let Some(hash) = &user.password_hash {
        if !passwords.verify_in(&ctx.hashing, current, hash).await {
            return Err(CoreError::invalid("current_password", "is not right"));
        }
    }
    check_new_password(new)?;
    let salt = random_bytes::<16>(ctx.rng.as_ref());
    user.password_hash = Some(passwords.hash_in(&ctx.hashing, new, &salt).await?);
    let now = ctx.clock.now();
    user.updated_at = now;
    ctx.store.update_user(&user).await?;
    sessions::end_for_user(ctx, &user.id, Some(&current_session.id), EndReason::PasswordChanged).await?;
    let actor = Actor::User(user.id.to_string());
    audit::record(
        ctx,
        &actor,
        "user.password_changed",
        Some(user.id.as_str()),
        json!({ "via": "account" }),
    )
    .await;
    Ok(())
}

/// Ends one of `owner`'s sessions (asked by the user or an admin); `Ok(Some)`
/// with it if this ended it.
pub async fn revoke_session(
    ctx: &Context,
    owner: &UserId,
    id: &SessionId,
    actor: &Actor,
) -> Result<Option<Session>, CoreError> {
    let session = ctx
        .store
        .get_session(id)
        .await?
        .filter(|s| &s.user_id == owner)
        .ok_or(CoreError::NotFound("session"))?;
    let ended = sessions::end(ctx, &session.id, EndReason::Revoked).await?;
    if ended.is_some() {
        audit::record(
            ctx,
            actor,
            "session.revoked",
            Some(owner.as_str()),
            json!({ "session_id": id }),
        )
        .await;
    }
    Ok(ended)
}
