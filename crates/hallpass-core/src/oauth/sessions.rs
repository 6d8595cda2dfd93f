//! Browser sessions as the provider sees them: started at sign-in, found by
//! the cookie's token, live or not.

use super::OAuthPolicy;
use crate::context::Context;
use crate::crypto::SecretHash;
use crate::error::CoreError;
use crate::ids::{OrgId, SessionId, UserId};
use crate::rng::random_token;
use crate::store::{Session, User};

/// Where a sign-in came from, for the session list and the audit trail.
#[derive(Debug, Clone, Default)]
pub struct Device {
    pub user_agent: Option<String>,
    pub ip: Option<String>,
}

/// Starts a new session (a new id and token at every sign-in: no fixation).
/// Returns the cookie token, which only the browser keeps.
pub async fn start_session(
    ctx: &Context,
    policy: &OAuthPolicy,
    user: &User,
    amr: Vec<String>,
    organization: Option<OrgId>,
    device: Device,
) -> Result<(String, Session), CoreError> {
    let now = ctx.clock.now();
    let token = random_token(ctx.rng.as_ref());
    let absolute = now.plus(policy.session_absolute);
    let session = Session {
        id: SessionId::generate(ctx.clock.as_ref(), ctx.rng.as_ref()),
        token_hash: SecretHash::of(&token),
        user_id: user.id.clone(),
        organization_id: organization,
        amr,
        auth_time: now,
        created_at: now,
        last_active_at: now,
        idle_expires_at: now.plus(policy.session_idle).min(absolute),
        absolute_expires_at: absolute,
        ended_at: None,
        end_reason: None,
        user_agent: device.user_agent.map(|ua| ua.chars().take(512).collect()),
        ip: device.ip,
    };
    ctx.store.insert_session(&session).await?;
    Ok((token, session))
}

/// The live session a cookie token names, if any.
pub async fn live_session(ctx: &Context, cookie_token: &str) -> Result<Option<Session>, CoreError> {
    let session = ctx.store.find_session_by_token(&SecretHash::of(cookie_token)).await?;
    Ok(session.filter(|s| s.is_live(ctx.clock.now())))
}

/// Ends every live session of `user` (`reason`: `revoked`, `user_deleted`);
/// gives the sessions this ended, for back-channel notices.
pub async fn end_user_sessions(ctx: &Context, user: &UserId, reason: &str) -> Result<Vec<Session>, CoreError> {
    let now = ctx.clock.now();
    let mut ended = Vec::new();
    for session in ctx.store.list_user_sessions(user).await? {
        if session.is_live(now) {
            if let Some(done) = ctx.store.end_session(&session.id, reason, now).await? {
                ended.push(done);
            }
        }
    }
    Ok(ended)
}
