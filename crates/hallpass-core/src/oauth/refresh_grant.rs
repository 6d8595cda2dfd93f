//! The `refresh_token` grant (RFC 6749 §6): rotation on every use, a short
//! grace window for concurrent tabs, and reuse after it ends the session.

use super::tokens::{self, UserGrant};
use super::{ErrorCode, OAuthError, OAuthPolicy, Scope};
use crate::context::Context;
use crate::crypto::SecretHash;
use crate::services::keys::KeySet;
use crate::store::{Access, Client, RefreshRotation, RotateRefresh};
use hallpass_proto::oauth::TokenResponse;

pub async fn refresh(
    ctx: &Context,
    keys: &KeySet,
    policy: &OAuthPolicy,
    client: &Client,
    refresh_token: &str,
    requested_scope: Option<&str>,
) -> Result<TokenResponse, OAuthError> {
    let now = ctx.clock.now();
    let (replacement, replacement_hash) = tokens::new_refresh_token(ctx);
    let request = RotateRefresh {
        presented: SecretHash::of(refresh_token),
        client_id: client.id.clone(),
        replacement: replacement_hash,
        replacement_expires_at: now.plus(policy.refresh_token_ttl),
        now,
        idle_expires_at: now.plus(policy.session_idle),
        grace: policy.refresh_grace,
    };
    let (family, session) = match ctx.store.rotate_refresh_token(&request).await? {
        RefreshRotation::Rotated { family, session } | RefreshRotation::RotatedInGrace { family, session } => {
            (family, session)
        }
        RefreshRotation::ReuseDetected { family } => {
            tracing::warn!(session_id = %family.session_id, client_id = %family.client_id, "refresh token reused after rotation; session ended");
            return Err(OAuthError::invalid_grant(
                "the refresh token was already used; the session has been ended",
            ));
        }
        RefreshRotation::Revoked => {
            return Err(OAuthError::invalid_grant(
                "the session has ended or the token was revoked",
            ))
        }
        RefreshRotation::Expired => return Err(OAuthError::invalid_grant("the refresh token has expired")),
        RefreshRotation::Unknown => {
            return Err(OAuthError::invalid_grant(
                "the refresh token is not valid for this client",
            ))
        }
    };
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
    let user = ctx
        .store
        .get_user(&family.user_id)
        .await?
        .ok_or_else(|| OAuthError::invalid_grant("the user no longer exists"))?;
    // Roles are read afresh, so a changed membership shows at the next
    // refresh; a user who is no longer a member loses the organization
    // (`oid`) along with its roles and permissions.
    let membership = match &family.organization_id {
        Some(org) => ctx
            .store
            .member_access(org, &user.id)
            .await?
            .map(|access| (org, access)),
        None => None,
    };
    let (organization, access) = match membership {
        Some((org, access)) => (Some(org), access),
        None => (None, Access::default()),
    };
    if let Some(org) = organization {
        if !crate::services::session_policy::allows(ctx, org, &session, false).await? {
            return Err(OAuthError::invalid_grant(
                "the organization's session policy requires signing in again",
            ));
        }
    }
    let grant = UserGrant {
        client,
        user: &user,
        session: &session,
        scope: &scope,
        organization,
        access,
        nonce: None,
    };
    tokens::user_tokens(ctx, keys, policy, grant, Some(replacement))
}
