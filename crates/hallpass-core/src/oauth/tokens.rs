//! Minting the tokens a grant hands out: the access token (RFC 9068), the ID
//! token (OpenID Connect Core §2) and opaque refresh tokens.

use super::{resource as resources, OAuthError, OAuthPolicy, Scope};
use crate::clock::Timestamp;
use crate::context::Context;
use crate::crypto::jws;
use crate::crypto::{SecretHash, SigningKey};
use crate::ids::{FamilyId, OrgId};
use crate::rng::{random_bytes, random_token};
use crate::services::keys::KeySet;
use crate::store::{Access, Client, RefreshFamily, Resource, Session, StoreError, User};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hallpass_proto::claims::{AccessTokenClaims, IdTokenClaims};
use hallpass_proto::oauth::TokenResponse;
use std::sync::Arc;
use std::time::Duration;

/// The resource's own lifetime, else the client's, else the configured one.
pub fn access_token_ttl(policy: &OAuthPolicy, client: &Client, resource: Option<&Resource>) -> Duration {
    resource
        .and_then(|r| r.access_token_ttl_secs)
        .or(client.access_token_ttl_secs)
        .map_or(policy.access_token_ttl, |s| Duration::from_secs(u64::from(s)))
}

/// Who an access token is for: the resource's identifier, or the client itself.
fn audience(client: &Client, resource: Option<&Resource>) -> String {
    resource.map_or_else(|| client.id.to_string(), |r| r.identifier.clone())
}

fn signer(keys: &KeySet, client: &Client) -> Result<Arc<SigningKey>, OAuthError> {
    keys.signer(client.id_token_algorithm)
        .ok_or_else(|| OAuthError::server_error(&format!("no active {} signing key", client.id_token_algorithm)))
}

fn jti(ctx: &Context) -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<16>(ctx.rng.as_ref()))
}

/// What a user's tokens say about them.
pub struct UserGrant<'a> {
    pub client: &'a Client,
    pub user: &'a User,
    pub session: &'a Session,
    pub scope: &'a Scope,
    pub organization: Option<&'a OrgId>,
    pub access: Access,
    pub nonce: Option<String>,
    /// RFC 8707: the access token is for this resource only.
    pub resource: Option<&'a Resource>,
}

/// Signs an access token and, for `openid`, an ID token bound to it (`at_hash`).
pub fn user_tokens(
    ctx: &Context,
    keys: &KeySet,
    policy: &OAuthPolicy,
    grant: UserGrant<'_>,
    refresh_token: Option<String>,
) -> Result<TokenResponse, OAuthError> {
    let key = signer(keys, grant.client)?;
    let now = ctx.clock.now();
    let ttl = access_token_ttl(policy, grant.client, grant.resource);
    let token_scope = resources::token_scope(grant.scope, grant.resource);
    let access = AccessTokenClaims {
        iss: policy.issuer.clone(),
        sub: grant.user.id.to_string(),
        aud: audience(grant.client, grant.resource),
        client_id: grant.client.id.to_string(),
        exp: now.plus(ttl).0,
        iat: now.0,
        nbf: now.0,
        jti: jti(ctx),
        scope: token_scope.to_string(),
        sid: Some(grant.session.id.to_string()),
        auth_time: Some(grant.session.auth_time.0),
        oid: grant.organization.map(OrgId::to_string),
        roles: grant.access.roles,
        permissions: grant.access.permissions,
    };
    let access_token = jws::sign(&key, "at+jwt", &access).map_err(|e| OAuthError::server_error(&e))?;
    let id_token = if grant.scope.contains("openid") {
        let email = grant.scope.contains("email");
        let claims = IdTokenClaims {
            iss: policy.issuer.clone(),
            sub: grant.user.id.to_string(),
            aud: grant.client.id.to_string(),
            azp: grant.client.id.to_string(),
            exp: now.plus(policy.id_token_ttl).0,
            iat: now.0,
            auth_time: grant.session.auth_time.0,
            nonce: grant.nonce,
            sid: grant.session.id.to_string(),
            amr: grant.session.amr.clone(),
            at_hash: Some(jws::at_hash(key.algorithm(), &access_token)),
            email: email.then(|| grant.user.email.to_string()),
            email_verified: email.then_some(grant.user.email_verified),
            name: if grant.scope.contains("profile") {
                grant.user.name.clone()
            } else {
                None
            },
            oid: grant.organization.map(OrgId::to_string),
        };
        Some(jws::sign(&key, "JWT", &claims).map_err(|e| OAuthError::server_error(&e))?)
    } else {
        None
    };
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer".to_owned(),
        expires_in: ttl.as_secs(),
        refresh_token,
        id_token,
        scope: token_scope.to_string(),
    })
}

/// A machine token: the client is the subject; no user, no session.
pub fn client_token(
    ctx: &Context,
    keys: &KeySet,
    policy: &OAuthPolicy,
    client: &Client,
    scope: &Scope,
    resource: Option<&Resource>,
) -> Result<TokenResponse, OAuthError> {
    let key = signer(keys, client)?;
    let now = ctx.clock.now();
    let ttl = access_token_ttl(policy, client, resource);
    let claims = AccessTokenClaims {
        iss: policy.issuer.clone(),
        sub: client.id.to_string(),
        aud: audience(client, resource),
        client_id: client.id.to_string(),
        exp: now.plus(ttl).0,
        iat: now.0,
        nbf: now.0,
        jti: jti(ctx),
        scope: scope.to_string(),
        sid: None,
        auth_time: None,
        oid: None,
        roles: Vec::new(),
        permissions: Vec::new(),
    };
    let access_token = jws::sign(&key, "at+jwt", &claims).map_err(|e| OAuthError::server_error(&e))?;
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer".to_owned(),
        expires_in: ttl.as_secs(),
        refresh_token: None,
        id_token: None,
        scope: scope.to_string(),
    })
}

/// A fresh opaque refresh token and the hash the store keeps.
pub fn new_refresh_token(ctx: &Context) -> (String, SecretHash) {
    let token = format!("hpr_{}", random_token(ctx.rng.as_ref()));
    let hash = SecretHash::of(&token);
    (token, hash)
}

/// The organization a grant may name and the access it carries, read
/// afresh: a changed membership shows at the next token, and a user who is no
/// longer a member loses the organization (`oid`) with its roles and permissions.
pub async fn current_membership(
    ctx: &Context,
    organization: Option<&OrgId>,
    user: &User,
) -> Result<(Option<OrgId>, Access), StoreError> {
    let Some(org) = organization else {
        return Ok((None, Access::default()));
    };
    Ok(match ctx.store.member_access(org, &user.id).await? {
        Some(access) => (Some(org.clone()), access),
        None => (None, Access::default()),
    })
}

/// A new family for a grant, bound to its session (and code, if any).
pub fn new_family(
    ctx: &Context,
    client: &Client,
    session: &Session,
    scope: &Scope,
    organization: Option<&OrgId>,
    resource: Option<&Resource>,
    code: Option<SecretHash>,
) -> RefreshFamily {
    RefreshFamily {
        id: FamilyId::generate(ctx.clock.as_ref(), ctx.rng.as_ref()),
        session_id: session.id.clone(),
        client_id: client.id.clone(),
        user_id: session.user_id.clone(),
        scope: scope.to_string(),
        organization_id: organization.cloned(),
        resource: resource.map(|r| r.identifier.clone()),
        authorization_code_hash: code,
        created_at: ctx.clock.now(),
        revoked_at: None,
    }
}

/// When a refresh token issued now expires: its own lifetime, never past the session's end.
pub fn refresh_expiry(policy: &OAuthPolicy, now: Timestamp, session: &Session) -> Timestamp {
    now.plus(policy.refresh_token_ttl).min(session.absolute_expires_at)
}
