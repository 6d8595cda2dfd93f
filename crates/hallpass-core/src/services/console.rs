//! The admin console's own operations: who may open it, the built-in client
//! it signs in with, a one-time sign-in link for a new admin, finding users
//! by the start of their address, and the overview's counts. Everything else
//! the console shows or changes goes through the same services as the API.

use super::audit::{self, Actor};
use crate::context::Context;
use crate::crypto::{Algorithm, SecretHash};
use crate::error::CoreError;
use crate::ids::{ClientId, OneTimeTokenId, UserId};
use crate::rng::random_token;
use crate::store::{
    Client, ClientKind, ConsoleAdmin, ConsoleCounts, OneTimePurpose, OneTimeToken, Registration, StoreError, User,
};
use crate::values::{Email, RedirectUri};
use serde_json::json;
use std::time::Duration;

/// The console's own client: fixed, so every node and every start finds the same one.
pub const CLIENT_ID: &str = "cli_0000000000000000000c0n501e";
pub const CLIENT_NAME: &str = "Hallpass admin console";

/// How long the link `hallpass admins add --create` prints stays good.
pub const SIGN_IN_LINK_TTL: Duration = Duration::from_secs(3600);

/// Where the link leaves the new admin once signed in.
pub const CONSOLE_PATH: &str = "/admin";

pub fn client_id() -> ClientId {
    ClientId::from_trusted(CLIENT_ID.to_owned())
}

async fn user_by_email(ctx: &Context, email: &str) -> Result<User, CoreError> {
    let email = Email::parse(email).map_err(|e| CoreError::invalid("email", e.to_string()))?;
    ctx.store
        .find_user_by_email(&email)
        .await?
        .ok_or(CoreError::NotFound("user"))
}

/// Makes an existing user a console admin. Adding one twice changes nothing.
pub async fn add_admin(ctx: &Context, email: &str, actor: &Actor) -> Result<User, CoreError> {
    let user = user_by_email(ctx, email).await?;
    let added = ctx
        .store
        .add_console_admin(&user.id, ctx.clock.now())
        .await
        .map_err(|e| match e {
            StoreError::NotFound => CoreError::NotFound("user"),
            other => other.into(),
        })?;
    if added {
        audit::record(
            ctx,
            actor,
            "console_admin.added",
            Some(user.id.as_str()),
            json!({ "before": { "admin": false }, "after": { "admin": true }, "email": user.email.as_str() }),
        )
        .await;
    }
    Ok(user)
}

pub async fn remove_admin(ctx: &Context, email: &str, actor: &Actor) -> Result<User, CoreError> {
    let user = user_by_email(ctx, email).await?;
    if !ctx.store.remove_console_admin(&user.id).await? {
        return Err(CoreError::NotFound("console admin"));
    }
    audit::record(
        ctx,
        actor,
        "console_admin.removed",
        Some(user.id.as_str()),
        json!({ "before": { "admin": true }, "after": { "admin": false }, "email": user.email.as_str() }),
    )
    .await;
    Ok(user)
}

pub async fn list_admins(ctx: &Context) -> Result<Vec<ConsoleAdmin>, CoreError> {
    Ok(ctx.store.list_console_admins().await?)
}

pub async fn is_admin(ctx: &Context, user: &UserId) -> Result<bool, CoreError> {
    Ok(ctx.store.is_console_admin(user).await?)
}

/// A single-use sign-in link's token for `user` (redeemed at `/login/link`
/// in any browser), leading to the console. Only its hash is stored.
pub async fn sign_in_link_token(ctx: &Context, user: &User, actor: &Actor) -> Result<String, CoreError> {
    let token = random_token(ctx.rng.as_ref());
    let now = ctx.clock.now();
    ctx.store
        .issue_one_time_token(&OneTimeToken {
            id: OneTimeTokenId::generate(ctx.clock.as_ref(), ctx.rng.as_ref()),
            purpose: OneTimePurpose::MagicLink,
            email: user.email.normalized().to_owned(),
            hash: SecretHash::of(&token),
            payload: json!({ "user_id": user.id, "return_to": CONSOLE_PATH }),
            attempts: 0,
            max_attempts: 1,
            created_at: now,
            expires_at: now.plus(SIGN_IN_LINK_TTL),
            consumed_at: None,
        })
        .await?;
    audit::record(
        ctx,
        actor,
        "user.sign_in_link_issued",
        Some(user.id.as_str()),
        json!({}),
    )
    .await;
    Ok(token)
}

/// Registers (or points at `redirect_uri`) the console's own client: public,
/// PKCE, first-party, so admins sign in through the hosted pages like anyone.
pub async fn ensure_client(ctx: &Context, redirect_uri: RedirectUri) -> Result<(), CoreError> {
    let id = client_id();
    let now = ctx.clock.now();
    match ctx.store.get_client(&id).await? {
        Some(client) if client.redirect_uris == [redirect_uri.clone()] => Ok(()),
        Some(mut client) => {
            client.redirect_uris = vec![redirect_uri];
            client.updated_at = now;
            Ok(ctx.store.update_client(&client).await?)
        }
        None => {
            let client = Client {
                id,
                name: CLIENT_NAME.to_owned(),
                kind: ClientKind::Public,
                redirect_uris: vec![redirect_uri],
                post_logout_redirect_uris: Vec::new(),
                initiate_login_uri: None,
                backchannel_logout_uri: None,
                native: false,
                granted_scopes: Vec::new(),
                access_token_ttl_secs: None,
                id_token_algorithm: Algorithm::Es256,
                registration: Registration::Admin,
                registration_token_hash: None,
                client_uri: None,
                created_at: now,
                updated_at: now,
            };
            match ctx.store.insert_client(&client, None).await {
                // Another node made it first.
                Ok(()) | Err(StoreError::Conflict(_)) => Ok(()),
                Err(err) => Err(err.into()),
            }
        }
    }
}

/// The largest page of users the search returns.
pub const MAX_SEARCH_PAGE: u32 = 100;

/// Users whose address starts with `prefix` (any case), in address order,
/// after the address `after`.
pub async fn search_users(
    ctx: &Context,
    prefix: &str,
    after: Option<&str>,
    limit: u32,
) -> Result<Vec<User>, CoreError> {
    let prefix = prefix.trim().to_lowercase();
    if prefix.len() > Email::MAX_LEN {
        return Err(CoreError::invalid("email", "is longer than an address can be"));
    }
    let after = after.map(str::to_lowercase);
    Ok(ctx
        .store
        .search_users_by_email(&prefix, after.as_deref(), limit.clamp(1, MAX_SEARCH_PAGE))
        .await?)
}

/// The overview: users, organizations, applications, sign-ins in the last day.
pub async fn overview(ctx: &Context) -> Result<ConsoleCounts, CoreError> {
    let since = crate::clock::Timestamp(ctx.clock.now().0 - 86_400);
    Ok(ctx.store.console_counts(since).await?)
}
