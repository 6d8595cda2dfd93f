//! Session policy: the global limits come from the configuration; an
//! organization may set its own, which may only tighten them. An
//! organization's limits apply whenever a session is used in it: at
//! `/oauth/authorize` (idle and absolute: a session past them signs in
//! again) and at every refresh of a token issued in it (absolute: a refresh
//! is itself activity, so idleness is judged at authorize).

use super::audit::{self, Actor};
use crate::context::Context;
use crate::error::CoreError;
use crate::ids::OrgId;
use crate::oauth::OAuthPolicy;
use crate::store::{Session, SessionLimits};
use serde_json::json;

/// The shortest limits anyone may set: below them a user could not finish a sign-in.
const MIN_IDLE_SECS: u32 = 60;
const MIN_ABSOLUTE_SECS: u32 = 300;

pub fn global(policy: &OAuthPolicy) -> SessionLimits {
    let secs = |d: std::time::Duration| u32::try_from(d.as_secs()).unwrap_or(u32::MAX);
    SessionLimits {
        idle_secs: secs(policy.session_idle),
        absolute_secs: secs(policy.session_absolute),
    }
}

fn view(limits: Option<SessionLimits>) -> serde_json::Value {
    limits.map_or(
        serde_json::Value::Null,
        |l| json!({ "idle_timeout_secs": l.idle_secs, "absolute_timeout_secs": l.absolute_secs }),
    )
}

pub async fn for_organization(ctx: &Context, org: &OrgId) -> Result<Option<SessionLimits>, CoreError> {
    if ctx.store.get_organization(org).await?.is_none() {
        return Err(CoreError::NotFound("organization"));
    }
    Ok(ctx.store.get_organization_session_limits(org).await?)
}

pub async fn set_for_organization(
    ctx: &Context,
    policy: &OAuthPolicy,
    org: &OrgId,
    limits: SessionLimits,
    actor: &Actor,
) -> Result<SessionLimits, CoreError> {
    let global = global(policy);
    if limits.idle_secs < MIN_IDLE_SECS || limits.idle_secs > global.idle_secs {
        return Err(CoreError::invalid(
            "idle_timeout_secs",
            format!(
                "must be between {MIN_IDLE_SECS} and the global {} (an organization may only tighten)",
                global.idle_secs
            ),
        ));
    }
    if limits.absolute_secs < MIN_ABSOLUTE_SECS || limits.absolute_secs > global.absolute_secs {
        return Err(CoreError::invalid(
            "absolute_timeout_secs",
            format!(
                "must be between {MIN_ABSOLUTE_SECS} and the global {} (an organization may only tighten)",
                global.absolute_secs
            ),
        ));
    }
    let before = for_organization(ctx, org).await?;
    ctx.store
        .put_organization_session_limits(org, limits, ctx.clock.now())
        .await?;
    audit::record(
        ctx,
        actor,
        "organization.session_policy_updated",
        None,
        json!({ "organization_id": org, "before": view(before), "after": view(Some(limits)) }),
    )
    .await;
    Ok(limits)
}

pub async fn clear_for_organization(ctx: &Context, org: &OrgId, actor: &Actor) -> Result<(), CoreError> {
    let before = for_organization(ctx, org).await?;
    if !ctx.store.delete_organization_session_limits(org).await? {
        return Err(CoreError::NotFound("session policy"));
    }
    audit::record(
        ctx,
        actor,
        "organization.session_policy_updated",
        None,
        json!({ "organization_id": org, "before": view(before), "after": null }),
    )
    .await;
    Ok(())
}

/// Whether `session` is within `org`'s own limits (if it has any) at `now`;
/// with `idle`, inactivity counts too.
pub async fn allows(ctx: &Context, org: &OrgId, session: &Session, idle: bool) -> Result<bool, CoreError> {
    let Some(limits) = ctx.store.get_organization_session_limits(org).await? else {
        return Ok(true);
    };
    let now = ctx.clock.now().0;
    let young = now < session.auth_time.0 + i64::from(limits.absolute_secs);
    let active = !idle || now < session.last_active_at.0 + i64::from(limits.idle_secs);
    Ok(young && active)
}
