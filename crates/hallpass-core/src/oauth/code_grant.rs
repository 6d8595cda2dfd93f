//! The `authorization_code` grant (RFC 6749 §4.1.3, PKCE per RFC 7636).

use super::resource as resources;
use super::tokens::{self, UserGrant};
use super::{OAuthError, OAuthPolicy, Scope};
use crate::context::Context;
use crate::crypto::SecretHash;
use crate::services::keys::KeySet;
use crate::store::{AuthorizationCode, Client, CodeRedemption};
use aws_lc_rs::digest::{digest, SHA256};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hallpass_proto::oauth::TokenResponse;

pub struct CodeExchange {
    pub code: String,
    pub redirect_uri: Option<String>,
    pub code_verifier: Option<String>,
    /// RFC 8707 §2.2: may repeat the resource the code was issued for.
    pub resource: Option<String>,
}

pub async fn exchange(
    ctx: &Context,
    keys: &KeySet,
    policy: &OAuthPolicy,
    client: &Client,
    request: CodeExchange,
) -> Result<TokenResponse, OAuthError> {
    let now = ctx.clock.now();
    let code = match ctx
        .store
        .consume_authorization_code(&SecretHash::of(&request.code), now)
        .await?
    {
        CodeRedemption::Redeemed(code) => code,
        CodeRedemption::Replayed(code) => {
            tracing::warn!(client_id = %code.client_id, session_id = %code.session_id, "authorization code replayed; tokens issued from it are revoked");
            return Err(OAuthError::invalid_grant(
                "the code has already been used; tokens issued from it are revoked",
            ));
        }
        CodeRedemption::Expired => return Err(OAuthError::invalid_grant("the code has expired")),
        CodeRedemption::Unknown => return Err(OAuthError::invalid_grant("the code is not valid")),
    };
    check_binding(&code, client, &request)?;
    resources::check_same(request.resource.as_deref(), code.resource.as_deref())?;
    let resource = resources::bound(ctx, code.resource.as_deref()).await?;
    let session = ctx
        .store
        .get_session(&code.session_id)
        .await?
        .filter(|s| s.is_live(now))
        .ok_or_else(|| OAuthError::invalid_grant("the sign-in session behind this code has ended"))?;
    let user = ctx
        .store
        .get_user(&code.user_id)
        .await?
        .ok_or_else(|| OAuthError::invalid_grant("the user behind this code no longer exists"))?;
    let scope = Scope::parse(&code.scope)?;
    let (organization, access) = tokens::current_membership(ctx, code.organization_id.as_ref(), &user).await?;
    let refresh_token = if scope.contains("offline_access") {
        let (token, hash) = tokens::new_refresh_token(ctx);
        let family = tokens::new_family(
            ctx,
            client,
            &session,
            &scope,
            organization.as_ref(),
            resource.as_ref(),
            Some(code.hash),
        );
        let expires = tokens::refresh_expiry(policy, now, &session);
        ctx.store.insert_refresh_family(&family, &hash, expires).await?;
        Some(token)
    } else {
        None
    };
    let grant = UserGrant {
        client,
        user: &user,
        session: &session,
        scope: &scope,
        organization: organization.as_ref(),
        access,
        nonce: code.nonce.clone(),
        resource: resource.as_ref(),
    };
    tokens::user_tokens(ctx, keys, policy, grant, refresh_token)
}

/// The token request must repeat what the authorization request bound the code to.
fn check_binding(code: &AuthorizationCode, client: &Client, request: &CodeExchange) -> Result<(), OAuthError> {
    if code.client_id != client.id {
        return Err(OAuthError::invalid_grant("the code was issued to another client"));
    }
    if request.redirect_uri.as_deref() != Some(code.redirect_uri.as_str()) {
        return Err(OAuthError::invalid_grant(
            "redirect_uri must be the one sent to the authorization endpoint",
        ));
    }
    match (&code.code_challenge, &request.code_verifier) {
        (Some(challenge), Some(verifier)) => {
            if !is_valid_verifier(verifier) {
                return Err(OAuthError::invalid_request(
                    "code_verifier must be 43 to 128 characters of [A-Za-z0-9-._~]",
                ));
            }
            let computed = URL_SAFE_NO_PAD.encode(digest(&SHA256, verifier.as_bytes()));
            if !constant_time_eq(computed.as_bytes(), challenge.as_bytes()) {
                return Err(OAuthError::invalid_grant(
                    "code_verifier does not match the code_challenge",
                ));
            }
            Ok(())
        }
        (Some(_), None) => Err(OAuthError::invalid_grant(
            "code_verifier is required: the authorization request used PKCE",
        )),
        // RFC 9700 §2.1.1: a verifier without a challenge is a downgrade attempt.
        (None, Some(_)) => Err(OAuthError::invalid_grant(
            "code_verifier sent, but the authorization request had no code_challenge",
        )),
        (None, None) => Ok(()),
    }
}

pub fn is_valid_verifier(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
