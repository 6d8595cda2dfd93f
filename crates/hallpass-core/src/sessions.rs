//! Sessions have one home: started at sign-in, found by the cookie's token,
//! ended for one reason or another. Every way a session ends goes through
//! [`end`] or [`end_for_user`], which tell the apps through the context's
//! [`SessionNotifier`] (back-channel logout), so no caller can forget to.

use crate::context::Context;
use crate::crypto::SecretHash;
use crate::error::CoreError;
use crate::ids::{OrgId, SessionId, UserId};
use crate::oauth::OAuthPolicy;
use crate::rng::random_token;
use crate::store::{Session, User};
use async_trait::async_trait;

/// Where a sign-in came from, for the session list and the audit trail.
#[derive(Debug, Clone, Default)]
pub struct Device {
    pub user_agent: Option<String>,
    pub ip: Option<String>,
}

/// Why a session ended; stored with it and shown in the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    Logout,
    /// Ended by its user from the account page, or by an admin.
    Revoked,
    PasswordChanged,
    PasswordReset,
    /// A replaced refresh token came back: the session is presumed stolen.
    RefreshReuse,
    UserDeleted,
    /// The organization's directory deactivated or removed the user (SCIM).
    Deprovisioned,
}

impl EndReason {
    pub fn as_str(self) -> &'static str {
        match self {
            EndReason::Logout => "logout",
            EndReason::Revoked => "revoked",
            EndReason::PasswordChanged => "password_changed",
            EndReason::PasswordReset => "password_reset",
            EndReason::RefreshReuse => "refresh_reuse",
            EndReason::UserDeleted => "user_deleted",
            EndReason::Deprovisioned => "deprovisioned",
        }
    }
}

/// Tells the apps that sessions ended. Called once the sessions are ended
/// and while their rows (and the clients that got tokens in them) can still
/// be read. The server's implementation sends back-channel logout tokens.
#[async_trait]
pub trait SessionNotifier: Send + Sync + std::fmt::Debug {
    async fn sessions_ended(&self, ctx: &Context, ended: &[Session]);
}

/// For contexts with nobody to tell: tools that never end a session.
#[derive(Debug, Default)]
pub struct NobodyToTell;

#[async_trait]
impl SessionNotifier for NobodyToTell {
    async fn sessions_ended(&self, _: &Context, _: &[Session]) {}
}

/// Starts a new session (a new id and token at every sign-in: no fixation).
/// Returns the cookie token, which only the browser keeps.
pub async fn start(
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
pub async fn live(ctx: &Context, cookie_token: &str) -> Result<Option<Session>, CoreError> {
    let session = ctx.store.find_session_by_token(&SecretHash::of(cookie_token)).await?;
    Ok(session.filter(|s| s.is_live(ctx.clock.now())))
}

/// The user's live sessions, newest first.
pub async fn live_for_user(ctx: &Context, id: &UserId) -> Result<Vec<Session>, CoreError> {
    let now = ctx.clock.now();
    let mut sessions = ctx.store.list_user_sessions(id).await?;
    sessions.retain(|s| s.is_live(now));
    Ok(sessions)
}

/// Ends one session and tells its apps; `Some` with it if this ended it.
pub async fn end(ctx: &Context, id: &SessionId, reason: EndReason) -> Result<Option<Session>, CoreError> {
    let ended = ctx.store.end_session(id, reason.as_str(), ctx.clock.now()).await?;
    if let Some(session) = &ended {
        ctx.notifier.sessions_ended(ctx, std::slice::from_ref(session)).await;
    }
    Ok(ended)
}

/// Ends every live session of `user` but `except` in one store operation,
/// tells their apps, and gives them back.
pub async fn end_for_user(
    ctx: &Context,
    user: &UserId,
    except: Option<&SessionId>,
    reason: EndReason,
) -> Result<Vec<Session>, CoreError> {
    let ended = ctx
        .store
        .end_user_sessions(user, except, reason.as_str(), ctx.clock.now())
        .await?;
    if !ended.is_empty() {
        ctx.notifier.sessions_ended(ctx, &ended).await;
    }
    Ok(ended)
}

/// Tells the apps of a session that a store ended inside another operation
/// (refresh-token reuse ends it in the rotation's transaction).
pub async fn ended_elsewhere(ctx: &Context, id: &SessionId) -> Result<(), CoreError> {
    if let Some(session) = ctx.store.get_session(id).await? {
        ctx.notifier.sessions_ended(ctx, &[session]).await;
    }
    Ok(())
}
