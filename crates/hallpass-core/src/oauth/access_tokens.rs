//! Checking Hallpass's own access tokens (userinfo, introspection): the
//! signature against a published key, the type, issuer and lifetime, and that
//! the session behind a user's token is still live, so a logout or a revoked
//! session shows at once even though the JWT has not expired.

use super::OAuthPolicy;
use crate::context::Context;
use crate::crypto::jws;
use crate::error::CoreError;
use crate::ids::SessionId;
use crate::services::keys::KeySet;
use hallpass_proto::claims::AccessTokenClaims;

/// Seconds of clock difference tolerated on `nbf`.
const SKEW: i64 = 60;

pub async fn verify(
    ctx: &Context,
    keys: &KeySet,
    policy: &OAuthPolicy,
    token: &str,
) -> Result<Option<AccessTokenClaims>, CoreError> {
    let Ok(parsed) = jws::parse(token) else { return Ok(None) };
    let Ok(claims) = parsed.verify::<AccessTokenClaims>(keys.verifiers(), Some("at+jwt")) else {
        return Ok(None);
    };
    let now = ctx.clock.now().0;
    if claims.iss != policy.issuer || claims.exp <= now || claims.nbf > now + SKEW {
        return Ok(None);
    }
    if let Some(sid) = &claims.sid {
        let live = match SessionId::parse(sid) {
            Ok(id) => ctx
                .store
                .get_session(&id)
                .await?
                .is_some_and(|s| s.is_live(ctx.clock.now())),
            Err(_) => false,
        };
        if !live {
            return Ok(None);
        }
    }
    Ok(Some(claims))
}
