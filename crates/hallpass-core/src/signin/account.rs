//! What a signed-in user may change about themselves.

use crate::context::Context;
use crate::error::CoreError;
use crate::ids::{SessionId, UserId};
use crate::rng::random_bytes;
use crate::services::audit::{self, Actor};
use crate::services::passwords::{check_new_password, PasswordPolicy};
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
        if !passwords.verify(current, hash) {
            return Err(CoreError::invalid("current_password", "is not right"));
        }
    }
    check_new_password(new)?;
    user.password_hash = Some(passwords.hash(new, &random_bytes::<16>(ctx.rng.as_ref()))?);
    let now = ctx.clock.now();
    user.updated_at = now;
    ctx.store.update_user(&user).await?;
    for session in ctx.store.list_user_sessions(&user.id).await? {
        if session.id != current_session.id && session.is_live(now) {
            ctx.store.end_session(&session.id, "password_changed", now).await?;
        }
    }
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

/// The user's live sessions, newest first.
pub async fn live_sessions(ctx: &Context, id: &UserId) -> Result<Vec<Session>, CoreError> {
    let now = ctx.clock.now();
    Ok(ctx
        .store
        .list_user_sessions(id)
        .await?
        .into_iter()
        .filter(|s| s.is_live(now))
        .collect())
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
    let ended = ctx.store.end_session(&session.id, "revoked", ctx.clock.now()).await?;
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
