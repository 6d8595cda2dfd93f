//! Token introspection (RFC 7662) and revocation (RFC 7009).

use super::{access_tokens, ErrorCode, OAuthError, OAuthPolicy};
use crate::context::Context;
use crate::crypto::SecretHash;
use crate::services::keys::KeySet;
use crate::store::{Client, ClientKind};
use hallpass_proto::oauth::IntrospectionResponse;

/// Refresh tokens carry this prefix, so a token is looked up in one place only.
pub const REFRESH_PREFIX: &str = "hpr_";

/// What an authenticated client may learn about a token: only about its own
/// tokens (or any, with `hallpass:admin`); anything else is simply inactive.
pub async fn introspect(
    ctx: &Context,
    keys: &KeySet,
    policy: &OAuthPolicy,
    caller: &Client,
    token: &str,
) -> Result<IntrospectionResponse, OAuthError> {
    if caller.kind == ClientKind::Public {
        return Err(OAuthError::invalid_client(
            "introspection needs a confidential client's credentials",
        ));
    }
    let may_see = |client_id: &str| {
        client_id == caller.id.as_str() || caller.granted_scopes.iter().any(|s| s == "hallpass:admin")
    };
    if token.starts_with(REFRESH_PREFIX) {
        let now = ctx.clock.now();
        let Some(family) = ctx.store.find_refresh_family(&SecretHash::of(token), now).await? else {
            return Ok(IntrospectionResponse::default());
        };
        if !may_see(family.client_id.as_str()) {
            return Ok(IntrospectionResponse::default());
        }
        return Ok(IntrospectionResponse {
            active: true,
            scope: Some(family.scope),
            client_id: Some(family.client_id.to_string()),
            sub: Some(family.user_id.to_string()),
            token_type: Some("refresh_token".into()),
            iat: Some(family.created_at.0),
            iss: Some(policy.issuer.clone()),
            sid: Some(family.session_id.to_string()),
            oid: family.organization_id.map(|o| o.to_string()),
            ..IntrospectionResponse::default()
        });
    }
    let Some(claims) = access_tokens::verify(ctx, keys, policy, token).await? else {
        return Ok(IntrospectionResponse::default());
    };
    if !may_see(&claims.client_id) {
        return Ok(IntrospectionResponse::default());
    }
    Ok(IntrospectionResponse {
        active: true,
        scope: Some(claims.scope),
        client_id: Some(claims.client_id),
        sub: Some(claims.sub),
        token_type: Some("Bearer".into()),
        exp: Some(claims.exp),
        iat: Some(claims.iat),
        iss: Some(claims.iss),
        aud: Some(claims.aud),
        sid: claims.sid,
        oid: claims.oid,
    })
}

/// Revokes a refresh token's whole family. Unknown tokens are not an error
/// (RFC 7009 §2.2); access tokens cannot be revoked one by one (they are
/// short-lived, and ending the session stops them at introspection).
pub async fn revoke(
    ctx: &Context,
    keys: &KeySet,
    policy: &OAuthPolicy,
    caller: &Client,
    token: &str,
) -> Result<(), OAuthError> {
    if token.starts_with(REFRESH_PREFIX) {
        let hash = SecretHash::of(token);
        let now = ctx.clock.now();
        if let Some(family) = ctx.store.find_refresh_family(&hash, now).await? {
            if family.client_id == caller.id {
                ctx.store.revoke_refresh_family(&hash, now).await?;
            }
        }
        return Ok(());
    }
    if access_tokens::verify(ctx, keys, policy, token).await?.is_some() {
        return Err(OAuthError::new(
            ErrorCode::UnsupportedTokenType,
            "access tokens expire on their own; revoke the refresh token or end the session",
        ));
    }
    Ok(())
}
