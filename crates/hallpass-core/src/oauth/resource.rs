//! Resource indicators (RFC 8707): a `resource` parameter names the API or
//! MCP server an access token is for. The token's `aud` is then the
//! resource's identifier and its `scope` only that resource's scopes.

use super::{OAuthError, Scope, USER_SCOPES};
use crate::context::Context;
use crate::store::Resource;

/// The registered resource a `resource` parameter names; anything else is
/// `invalid_target` (RFC 8707 §2: an absolute URI without a fragment, known here).
pub async fn named(ctx: &Context, identifier: &str) -> Result<Resource, OAuthError> {
    if identifier.is_empty() || identifier.contains('#') || url::Url::parse(identifier).is_err() {
        return Err(OAuthError::invalid_target(
            "resource must be an absolute URI without a fragment",
        ));
    }
    ctx.store.find_resource_by_identifier(identifier).await?.ok_or_else(|| {
        OAuthError::invalid_target(format!(
            "`{identifier}` is not a resource this server issues tokens for"
        ))
    })
}

/// The resource a grant is bound to, read afresh: a resource deleted since
/// the grant ends it (`invalid_target`).
pub async fn bound(ctx: &Context, identifier: Option<&str>) -> Result<Option<Resource>, OAuthError> {
    match identifier {
        None => Ok(None),
        Some(identifier) => named(ctx, identifier).await.map(Some),
    }
}

/// A token request may repeat the resource of its grant, but not ask another.
pub fn check_same(asked: Option<&str>, granted: Option<&str>) -> Result<(), OAuthError> {
    match asked {
        Some(asked) if Some(asked) != granted => {
            Err(OAuthError::invalid_target("the grant was not issued for this resource"))
        }
        _ => Ok(()),
    }
}

/// The scope an access token carries: for a resource, only its own scopes
/// among those granted; otherwise the granted scope as is.
pub fn token_scope(granted: &Scope, resource: Option<&Resource>) -> Scope {
    match resource {
        None => granted.clone(),
        Some(resource) => granted.filtered(|t| resource.scopes.iter().any(|s| s == t)),
    }
}

/// Whether an authorization request may ask for this scope token.
pub fn may_ask(token: &str, resource: Option<&Resource>) -> bool {
    USER_SCOPES.contains(&token) || resource.is_some_and(|r| r.scopes.iter().any(|s| s == token))
}
