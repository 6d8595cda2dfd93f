//! The UserInfo endpoint (OpenID Connect Core §5.3).

use super::{access_tokens, OAuthPolicy};
use crate::context::Context;
use crate::error::CoreError;
use crate::ids::UserId;
use crate::services::keys::KeySet;
use hallpass_proto::oauth::UserInfo;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserInfoError {
    /// Missing, malformed, expired or revoked token (401, `invalid_token`).
    InvalidToken,
    /// A valid token without the `openid` scope, or a machine token (403).
    InsufficientScope,
}

pub async fn userinfo(
    ctx: &Context,
    keys: &KeySet,
    policy: &OAuthPolicy,
    token: &str,
) -> Result<Result<UserInfo, UserInfoError>, CoreError> {
    let Some(claims) = access_tokens::verify(ctx, keys, policy, token).await? else {
        return Ok(Err(UserInfoError::InvalidToken));
    };
    let scopes: Vec<&str> = claims.scope.split(' ').collect();
    if claims.sid.is_none() || !scopes.contains(&"openid") {
        return Ok(Err(UserInfoError::InsufficientScope));
    }
    let user = match UserId::parse(&claims.sub) {
        Ok(id) => ctx.store.get_user(&id).await?,
        Err(_) => None,
    };
    let Some(user) = user else {
        return Ok(Err(UserInfoError::InvalidToken));
    };
    let email = scopes.contains(&"email");
    Ok(Ok(UserInfo {
        sub: user.id.to_string(),
        email: email.then(|| user.email.to_string()),
        email_verified: email.then_some(user.email_verified),
        name: if scopes.contains(&"profile") {
            user.name.clone()
        } else {
            None
        },
    }))
}
