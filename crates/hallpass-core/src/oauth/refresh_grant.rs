//! The `refresh_token` grant (RFC 6749 §6): rotation on every use, a short
//! grace window for concurrent tabs, and reuse after it ends the session.
//!
//! Everything that may refuse a refresh (scope, user, session policy) is
//! checked before the token is rotated: a refused request leaves the token
//! as it was, so the client's retry is not mistaken for theft.

use super::resource as resources;
use super::rotation::{self, Rotation};
use super::tokens::{self, UserGrant};
use super::{ErrorCode, OAuthError, OAuthPolicy, Scope};
use crate::context::Context;
use crate::crypto::SecretHash;
use crate::ids::OrgId;
use crate::services::keys::KeySet;
use crate::sessions;
use crate::store::{
    Access, Client, MembershipStatus, RefreshRotation, RefreshToCheck, Resource, RotateRefresh, Session, User,
};
use hallpass_proto::oauth::TokenResponse;

pub async fn refresh(
    ctx: &Context,
    keys: &KeySet,
    policy: &OAuthPolicy,
    client: &Client,
    refresh_token: &str,
    requested_scope: Option<&str>,
    requested_resource: Option<&str>,
) -> Result<TokenResponse, OAuthError> {
    let now = ctx.clock.now();
    let presented = SecretHash::of(refresh_token);
    let read = ctx.store.find_presented_refresh(&presented).await?;
    let found = read.as_ref().map(|r| &r.presented);
    let preview = rotation::decide(found, &client.id, now, policy.refresh_grace);
    let checked = match (&preview, read) {
        (Rotation::Unknown, _) | (_, None) => return Err(unknown()),
        (Rotation::Revoked, _) => return Err(revoked()),
        (Rotation::Expired, _) => return Err(expired()),
        // Reuse still goes to the store, which ends the session.
        (Rotation::Reuse, _) => None,
        (Rotation::Rotate | Rotation::Resend(_), Some(read)) => {
            Some(check(ctx, read, requested_scope, requested_resource).await?)
        }
    };
    let (replacement, replacement_hash) = tokens::new_refresh_token(ctx);
    let request = RotateRefresh {
        presented,
        client_id: client.id.clone(),
        replacement: replacement_hash,
        replacement_sealed: rotation::seal_successor(ctx.rng.as_ref(), refresh_token, &replacement),
        replacement_expires_at: now.plus(policy.refresh_token_ttl),
        now,
        idle_expires_at: now.plus(policy.session_idle),
        grace: policy.refresh_grace,
    };
    let (session, successor) = match ctx.store.rotate_refresh_token(&request).await? {
        RefreshRotation::Rotated { session, .. } => (session, replacement),
        RefreshRotation::RotatedInGrace {
            session,
            successor_sealed,
            ..
        } => {
            let successor = rotation::open_successor(refresh_token, &successor_sealed)
                .ok_or_else(|| OAuthError::server_error(&"a kept refresh token could not be opened"))?;
            (session, successor)
        }
        RefreshRotation::ReuseDetected { family } => {
            tracing::warn!(session_id = %family.session_id, client_id = %family.client_id, "refresh token reused after rotation; session ended");
            sessions::ended_elsewhere(ctx, &family.session_id).await?;
            return Err(OAuthError::invalid_grant(
                "the refresh token was already used; the session has been ended",
            ));
        }
        RefreshRotation::Revoked => return Err(revoked()),
        RefreshRotation::Expired => return Err(expired()),
        RefreshRotation::Unknown => return Err(unknown()),
    };
    // The checks ran on what the unlocked read saw; the rotation re-judged
    // the token under lock, and whatever it answered was handled above.
    let Some(checked) = checked else { return Err(unknown()) };
    let grant = UserGrant {
        client,
        user: &checked.user,
        session: &session,
        scope: &checked.scope,
        organization: checked.organization.as_ref(),
        access: checked.access,
        nonce: None,
        resource: checked.resource.as_ref(),
    };
    tokens::user_tokens(ctx, keys, policy, grant, Some(successor))
}

/// What a refresh may be granted, decided before anything is written.
struct Checked {
    user: User,
    scope: Scope,
    organization: Option<OrgId>,
    access: Access,
    resource: Option<Resource>,
}

async fn check(
    ctx: &Context,
    read: RefreshToCheck,
    requested_scope: Option<&str>,
    requested_resource: Option<&str>,
) -> Result<Checked, OAuthError> {
    let found = &read.presented;
    let family = &found.family;
    // The family keeps its resource (RFC 8707 §2.2); it cannot be switched.
    resources::check_same(requested_resource, family.resource.as_deref())?;
    let resource = resources::bound(ctx, family.resource.as_deref()).await?;
    let granted = Scope::parse(&family.scope)?;
    let scope = match requested_scope {
        Some(requested) => {
            let requested = Scope::parse(requested)?;
            if !requested.is_subset_of(&granted) {
                return Err(OAuthError::new(
                    ErrorCode::InvalidScope,
                    "a refresh may only narrow the scope originally granted",
                ));
            }
            requested
        }
        None => granted,
    };
    let user = read
        .user
        .ok_or_else(|| OAuthError::invalid_grant("the user no longer exists"))?;
    if let Some(org) = &family.organization_id {
        // The organization's directory deactivated the user (SCIM): no more
        // tokens in that organization until it restores them.
        let membership = ctx.store.get_membership(org, &user.id).await?;
        if membership.is_some_and(|m| m.status == MembershipStatus::Suspended) {
            return Err(OAuthError::invalid_grant(
                "the user's membership in the organization is suspended",
            ));
        }
    }
    let (organization, access) = tokens::current_membership(ctx, family.organization_id.as_ref(), &user).await?;
    if let (Some(org), Some(session)) = (&organization, &found.session) {
        if !allowed_by_policy(ctx, org, session).await? {
            return Err(OAuthError::invalid_grant(
                "the organization's session policy requires signing in again",
            ));
        }
    }
    Ok(Checked {
        user,
        scope,
        organization,
        access,
        resource,
    })
}

async fn allowed_by_policy(ctx: &Context, org: &OrgId, session: &Session) -> Result<bool, OAuthError> {
    Ok(crate::services::session_policy::allows(ctx, org, session, false).await?)
}

fn unknown() -> OAuthError {
    OAuthError::invalid_grant("the refresh token is not valid for this client")
}

fn revoked() -> OAuthError {
    OAuthError::invalid_grant("the session has ended or the token was revoked")
}

fn expired() -> OAuthError {
    OAuthError::invalid_grant("the refresh token has expired")
}
