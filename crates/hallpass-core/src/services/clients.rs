//! Applications (OAuth clients): registration, listing, secrets.

use super::audit::{self, Actor};
use crate::context::Context;
use crate::crypto::{Algorithm, SecretHash};
use crate::error::CoreError;
use crate::ids::{ClientId, SecretId};
use crate::rng::random_token;
use crate::store::{Client, ClientKind, ClientSecret, Registration};
use crate::values::{RedirectUri, UriPolicy};
use serde_json::json;

/// What an operator asks for when registering an application.
#[derive(Debug, Clone)]
pub struct NewClient {
    pub name: String,
    pub kind: ClientKind,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub initiate_login_uri: Option<String>,
    pub backchannel_logout_uri: Option<String>,
    pub native: bool,
    pub granted_scopes: Vec<String>,
    pub access_token_ttl_secs: Option<u32>,
    pub id_token_algorithm: Algorithm,
}

impl NewClient {
    pub fn confidential(name: &str) -> NewClient {
        NewClient {
            name: name.to_owned(),
            kind: ClientKind::Confidential,
            redirect_uris: Vec::new(),
            post_logout_redirect_uris: Vec::new(),
            initiate_login_uri: None,
            backchannel_logout_uri: None,
            native: false,
            granted_scopes: Vec::new(),
            access_token_ttl_secs: None,
            id_token_algorithm: Algorithm::Es256,
        }
    }
}

/// A registered client with its first secret, shown this once.
#[derive(Debug, Clone)]
pub struct CreatedClient {
    pub client: Client,
    pub secret: Option<String>,
}

/// The longest access-token lifetime a client may ask for: one day.
pub const MAX_ACCESS_TOKEN_TTL_SECS: u32 = 86_400;

fn parse_uris(field: &'static str, uris: &[String], policy: UriPolicy) -> Result<Vec<RedirectUri>, CoreError> {
    let mut parsed: Vec<RedirectUri> = Vec::with_capacity(uris.len());
    for uri in uris {
        let uri = RedirectUri::parse(uri, policy).map_err(|e| CoreError::invalid(field, e.to_string()))?;
        if !parsed.contains(&uri) {
            parsed.push(uri);
        }
    }
    Ok(parsed)
}

/// An endpoint the app serves (initiate-login, back-channel logout): like a
/// redirect URI, but a query is allowed.
fn parse_app_endpoint(field: &'static str, uri: Option<&str>, policy: UriPolicy) -> Result<Option<String>, CoreError> {
    let Some(uri) = uri else { return Ok(None) };
    let without_query = uri.split_once('?').map_or(uri, |(base, _)| base);
    RedirectUri::parse(without_query, policy).map_err(|e| CoreError::invalid(field, e.to_string()))?;
    if uri.contains('#') {
        return Err(CoreError::invalid(field, "it must not have a fragment"));
    }
    Ok(Some(uri.to_owned()))
}

fn new_secret(ctx: &Context, client_id: &ClientId) -> (String, ClientSecret) {
    let plaintext = format!("hps_{}", random_token(ctx.rng.as_ref()));
    let secret = ClientSecret {
        id: SecretId::generate(ctx.clock.as_ref(), ctx.rng.as_ref()),
        client_id: client_id.clone(),
        hash: SecretHash::of(&plaintext),
        created_at: ctx.clock.now(),
    };
    (plaintext, secret)
}

pub async fn create_client(
    ctx: &Context,
    new: NewClient,
    policy: UriPolicy,
    actor: &Actor,
) -> Result<CreatedClient, CoreError> {
    let name = check_name(&new.name)?;
    // Native apps may use http loopback redirects in any mode (RFC 8252 §7.3).
    let redirect_policy = UriPolicy {
        allow_http_loopback: policy.allow_http_loopback || new.native,
    };
    let redirect_uris = parse_uris("redirect_uri", &new.redirect_uris, redirect_policy)?;
    let post_logout_redirect_uris = parse_uris(
        "post_logout_redirect_uri",
        &new.post_logout_redirect_uris,
        redirect_policy,
    )?;
    if redirect_uris.is_empty() && new.granted_scopes.is_empty() {
        return Err(CoreError::invalid(
            "redirect_uri",
            "give at least one, or grant scopes for a machine-to-machine client",
        ));
    }
    if new.kind == ClientKind::Public && !new.granted_scopes.is_empty() {
        return Err(CoreError::invalid(
            "scopes",
            "a public client cannot hold scopes of its own: it has no secret",
        ));
    }
    if let Some(ttl) = new.access_token_ttl_secs {
        if !(60..=MAX_ACCESS_TOKEN_TTL_SECS).contains(&ttl) {
            return Err(CoreError::invalid(
                "access_token_ttl",
                "must be between 60 and 86400 seconds",
            ));
        }
    }
    for scope in &new.granted_scopes {
        if scope.is_empty() || scope.chars().any(|c| c.is_whitespace() || c == '"' || c == '\\') {
            return Err(CoreError::invalid(
                "scopes",
                format!("`{scope}` is not a valid scope name"),
            ));
        }
    }
    let now = ctx.clock.now();
    let client = Client {
        id: ClientId::generate(ctx.clock.as_ref(), ctx.rng.as_ref()),
        name,
        kind: new.kind,
        redirect_uris,
        post_logout_redirect_uris,
        initiate_login_uri: parse_app_endpoint("initiate_login_uri", new.initiate_login_uri.as_deref(), policy)?,
        backchannel_logout_uri: parse_app_endpoint(
            "backchannel_logout_uri",
            new.backchannel_logout_uri.as_deref(),
            policy,
        )?,
        native: new.native,
        granted_scopes: new.granted_scopes,
        access_token_ttl_secs: new.access_token_ttl_secs,
        id_token_algorithm: new.id_token_algorithm,
        registration: Registration::Admin,
        registration_token_hash: None,
        client_uri: None,
        created_at: now,
        updated_at: now,
    };
    let secret = (client.kind == ClientKind::Confidential).then(|| new_secret(ctx, &client.id));
    ctx.store
        .insert_client(&client, secret.as_ref().map(|(_, s)| s))
        .await?;
    audit::record(
        ctx,
        actor,
        "client.created",
        None,
        json!({ "client_id": client.id, "name": client.name }),
    )
    .await;
    Ok(CreatedClient {
        client,
        secret: secret.map(|(plaintext, _)| plaintext),
    })
}

pub async fn get_client(ctx: &Context, id: &ClientId) -> Result<Client, CoreError> {
    ctx.store.get_client(id).await?.ok_or(CoreError::NotFound("client"))
}

pub async fn list_clients(ctx: &Context, after: Option<&ClientId>, limit: u32) -> Result<Vec<Client>, CoreError> {
    Ok(ctx.store.list_clients(after, limit.clamp(1, 200)).await?)
}

pub async fn delete_client(ctx: &Context, id: &ClientId, actor: &Actor) -> Result<(), CoreError> {
    if !ctx.store.delete_client(id).await? {
        return Err(CoreError::NotFound("client"));
    }
    audit::record(ctx, actor, "client.deleted", None, json!({ "client_id": id })).await;
    Ok(())
}

/// Rotates: adds a new secret and keeps the newest existing one working
/// beside it (a client holds at most two), so apps can switch without downtime.
/// Drop the old one with [`delete_client_secret`] once every app uses the new.
pub async fn rotate_client_secret(
    ctx: &Context,
    id: &ClientId,
    actor: &Actor,
) -> Result<(SecretId, String), CoreError> {
    let client = get_client(ctx, id).await?;
    if client.kind == ClientKind::Public {
        return Err(CoreError::invalid("client", "a public client has no secrets"));
    }
    let mut existing = ctx.store.list_client_secrets(id).await?;
    existing.sort_by_key(|s| (s.created_at, s.id.clone()));
    if existing.len() >= 2 {
        let oldest = &existing[0];
        ctx.store.delete_client_secret(id, &oldest.id).await?;
        let details = json!({ "client_id": id, "secret_id": oldest.id });
        audit::record(ctx, actor, "client.secret_deleted", None, details).await;
    }
    let (plaintext, secret) = new_secret(ctx, id);
    ctx.store.add_client_secret(&secret).await?;
    audit::record(
        ctx,
        actor,
        "client.secret_added",
        None,
        json!({ "client_id": id, "secret_id": secret.id }),
    )
    .await;
    Ok((secret.id, plaintext))
}

pub async fn delete_client_secret(
    ctx: &Context,
    id: &ClientId,
    secret: &SecretId,
    actor: &Actor,
) -> Result<(), CoreError> {
    let secrets = list_client_secrets(ctx, id).await?;
    if !secrets.iter().any(|s| &s.id == secret) {
        return Err(CoreError::NotFound("client secret"));
    }
    if secrets.len() == 1 {
        return Err(CoreError::invalid(
            "secret",
            "this is the client's only secret; rotate first",
        ));
    }
    ctx.store.delete_client_secret(id, secret).await?;
    audit::record(
        ctx,
        actor,
        "client.secret_deleted",
        None,
        json!({ "client_id": id, "secret_id": secret }),
    )
    .await;
    Ok(())
}

pub async fn list_client_secrets(ctx: &Context, id: &ClientId) -> Result<Vec<ClientSecret>, CoreError> {
    get_client(ctx, id).await?;
    Ok(ctx.store.list_client_secrets(id).await?)
}

/// Changes to an application; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ClientUpdate {
    pub name: Option<String>,
    pub redirect_uris: Option<Vec<String>>,
    pub post_logout_redirect_uris: Option<Vec<String>>,
    /// `Some(None)` removes it.
    pub initiate_login_uri: Option<Option<String>>,
    pub backchannel_logout_uri: Option<Option<String>>,
    pub access_token_ttl_secs: Option<Option<u32>>,
    pub id_token_algorithm: Option<Algorithm>,
}

pub async fn update_client(
    ctx: &Context,
    id: &ClientId,
    update: ClientUpdate,
    policy: UriPolicy,
    actor: &Actor,
) -> Result<Client, CoreError> {
    let before = get_client(ctx, id).await?;
    let mut client = before.clone();
    let redirect_policy = UriPolicy {
        allow_http_loopback: policy.allow_http_loopback || client.native,
    };
    if let Some(name) = update.name {
        client.name = check_name(&name)?;
    }
    if let Some(uris) = update.redirect_uris {
        client.redirect_uris = parse_uris("redirect_uri", &uris, redirect_policy)?;
    }
    if let Some(uris) = update.post_logout_redirect_uris {
        client.post_logout_redirect_uris = parse_uris("post_logout_redirect_uri", &uris, redirect_policy)?;
    }
    if let Some(uri) = update.initiate_login_uri {
        client.initiate_login_uri = parse_app_endpoint("initiate_login_uri", uri.as_deref(), policy)?;
    }
    if let Some(uri) = update.backchannel_logout_uri {
        client.backchannel_logout_uri = parse_app_endpoint("backchannel_logout_uri", uri.as_deref(), policy)?;
    }
    if let Some(ttl) = update.access_token_ttl_secs {
        check_ttl(ttl)?;
        client.access_token_ttl_secs = ttl;
    }
    if let Some(algorithm) = update.id_token_algorithm {
        client.id_token_algorithm = algorithm;
    }
    if client.redirect_uris.is_empty() && client.granted_scopes.is_empty() {
        return Err(CoreError::invalid(
            "redirect_uri",
            "a client without scopes of its own needs at least one",
        ));
    }
    client.updated_at = ctx.clock.now();
    ctx.store.update_client(&client).await?;
    let changes = json!({ "client_id": id, "before": summary(&before), "after": summary(&client) });
    audit::record(ctx, actor, "client.updated", None, changes).await;
    Ok(client)
}

/// The settings of a client, for audit records (before and after a change).
fn summary(client: &Client) -> serde_json::Value {
    json!({
        "name": client.name,
        "redirect_uris": client.redirect_uris.iter().map(RedirectUri::as_str).collect::<Vec<_>>(),
        "post_logout_redirect_uris": client.post_logout_redirect_uris.iter().map(RedirectUri::as_str).collect::<Vec<_>>(),
        "initiate_login_uri": client.initiate_login_uri,
        "backchannel_logout_uri": client.backchannel_logout_uri,
        "access_token_ttl_secs": client.access_token_ttl_secs,
        "id_token_algorithm": client.id_token_algorithm.as_str(),
    })
}

pub(crate) fn check_name(name: &str) -> Result<String, CoreError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(CoreError::invalid("name", "must be 1 to 200 characters"));
    }
    Ok(name.to_owned())
}

pub(crate) fn check_ttl(ttl: Option<u32>) -> Result<(), CoreError> {
    match ttl {
        Some(ttl) if !(60..=MAX_ACCESS_TOKEN_TTL_SECS).contains(&ttl) => Err(CoreError::invalid(
            "access_token_ttl",
            "must be between 60 and 86400 seconds",
        )),
        _ => Ok(()),
    }
}
