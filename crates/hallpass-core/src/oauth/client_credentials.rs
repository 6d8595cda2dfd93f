//! The `client_credentials` grant (RFC 6749 §4.4): a machine acting for itself.

use super::resource as resources;
use super::tokens;
use super::{ErrorCode, OAuthError, OAuthPolicy, Scope};
use crate::context::Context;
use crate::services::keys::KeySet;
use crate::store::{Client, ClientKind};
use hallpass_proto::oauth::TokenResponse;

pub async fn grant(
    ctx: &Context,
    keys: &KeySet,
    policy: &OAuthPolicy,
    client: &Client,
    requested_scope: Option<&str>,
    requested_resource: Option<&str>,
) -> Result<TokenResponse, OAuthError> {
    if client.kind != ClientKind::Confidential {
        return Err(OAuthError::new(
            ErrorCode::UnauthorizedClient,
            "a public client cannot use client_credentials",
        ));
    }
    if client.registration.is_third_party() {
        return Err(OAuthError::new(
            ErrorCode::UnauthorizedClient,
            "a client that registered itself cannot use client_credentials",
        ));
    }
    if client.granted_scopes.is_empty() {
        return Err(OAuthError::new(
            ErrorCode::UnauthorizedClient,
            "this client holds no scopes of its own; grant some with `hallpass clients create --scope`",
        ));
    }
    let resource = match requested_resource {
        Some(identifier) => Some(resources::named(ctx, identifier).await?),
        None => None,
    };
    // For a resource, only its own scopes among those the client holds.
    let granted = resources::token_scope(&Scope::from_list(&client.granted_scopes), resource.as_ref());
    if granted.is_empty() {
        return Err(OAuthError::new(
            ErrorCode::InvalidScope,
            "the client holds none of this resource's scopes",
        ));
    }
    let scope = match requested_scope {
        Some(requested) => {
            let requested = Scope::parse(requested)?;
            if requested.is_empty() {
                granted
            } else if requested.is_subset_of(&granted) {
                requested
            } else {
                return Err(OAuthError::new(
                    ErrorCode::InvalidScope,
                    "the client was not granted every requested scope",
                ));
            }
        }
        None => granted,
    };
    tokens::client_token(ctx, keys, policy, client, &scope, resource.as_ref())
}
