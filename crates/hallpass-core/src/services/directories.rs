//! SCIM directories: where an organization's identity provider provisions
//! its people (see `provisioning`). A directory has a bearer token, shown
//! once and kept as its SHA-256, and maps group names to roles.

use super::audit::{self, Actor};
use crate::context::Context;
use crate::crypto::SecretHash;
use crate::error::CoreError;
use crate::ids::{DirectoryId, OrgId};
use crate::rng::random_token;
use crate::store::Directory;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Bearer tokens start with this, so a leaked one is recognisable.
pub const TOKEN_PREFIX: &str = "hpscim_";

#[derive(Debug, Clone, Default)]
pub struct NewDirectory {
    pub name: String,
    /// Group display name → role name.
    pub group_roles: BTreeMap<String, String>,
}

/// What the audit trail records of a directory (never its token).
pub fn view(d: &Directory) -> Value {
    json!({
        "id": d.id,
        "organization_id": d.organization_id,
        "name": d.name,
        "group_roles": d.group_roles,
    })
}

fn new_token(ctx: &Context) -> (String, SecretHash) {
    let token = format!("{TOKEN_PREFIX}{}", random_token(ctx.rng.as_ref()));
    let hash = SecretHash::of(&token);
    (token, hash)
}

/// Creates a directory; returns it with its bearer token, which is not kept.
pub async fn create(
    ctx: &Context,
    org: &OrgId,
    new: NewDirectory,
    actor: &Actor,
) -> Result<(Directory, String), CoreError> {
    if ctx.store.get_organization(org).await?.is_none() {
        return Err(CoreError::NotFound("organization"));
    }
    let name = new.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(CoreError::invalid("name", "must be 1 to 200 characters"));
    }
    for (group, role) in &new.group_roles {
        if group.trim().is_empty() {
            return Err(CoreError::invalid("group_roles", "a group name cannot be empty"));
        }
        if ctx.store.find_role(Some(org), role).await?.is_none() {
            return Err(CoreError::invalid("group_roles", format!("there is no role `{role}`")));
        }
    }
    let (token, token_hash) = new_token(ctx);
    let now = ctx.clock.now();
    let directory = Directory {
        id: DirectoryId::generate(ctx.clock.as_ref(), ctx.rng.as_ref()),
        organization_id: org.clone(),
        name,
        token_hash,
        group_roles: new.group_roles,
        created_at: now,
        updated_at: now,
    };
    ctx.store.insert_directory(&directory).await?;
    audit::record(
        ctx,
        actor,
        "directory.created",
        None,
        json!({ "before": null, "after": view(&directory) }),
    )
    .await;
    Ok((directory, token))
}

pub async fn get(ctx: &Context, id: &DirectoryId) -> Result<Directory, CoreError> {
    ctx.store
        .get_directory(id)
        .await?
        .ok_or(CoreError::NotFound("directory"))
}

pub async fn list(
    ctx: &Context,
    org: &OrgId,
    after: Option<&DirectoryId>,
    limit: u32,
) -> Result<Vec<Directory>, CoreError> {
    if ctx.store.get_organization(org).await?.is_none() {
        return Err(CoreError::NotFound("organization"));
    }
    Ok(ctx.store.list_directories(org, after, limit.clamp(1, 200)).await?)
}

/// A new bearer token; the old one stops working at once.
pub async fn replace_token(ctx: &Context, id: &DirectoryId, actor: &Actor) -> Result<(Directory, String), CoreError> {
    let before = get(ctx, id).await?;
    let (token, hash) = new_token(ctx);
    if !ctx.store.replace_directory_token(id, &hash, ctx.clock.now()).await? {
        return Err(CoreError::NotFound("directory"));
    }
    audit::record(
        ctx,
        actor,
        "directory.token_replaced",
        None,
        json!({ "directory_id": before.id }),
    )
    .await;
    Ok((get(ctx, id).await?, token))
}

/// Removes the directory and what it wrote; the users and memberships it
/// made stay (remove them through the directory first to deprovision).
pub async fn delete(ctx: &Context, id: &DirectoryId, actor: &Actor) -> Result<(), CoreError> {
    let before = get(ctx, id).await?;
    if !ctx.store.delete_directory(id).await? {
        return Err(CoreError::NotFound("directory"));
    }
    audit::record(
        ctx,
        actor,
        "directory.deleted",
        None,
        json!({ "before": view(&before), "after": null }),
    )
    .await;
    Ok(())
}

/// The directory `dir_id` names, if `bearer` is its token; `None` otherwise
/// (an unknown directory, a wrong token, another directory's token).
pub async fn authenticate(ctx: &Context, dir_id: &str, bearer: &str) -> Result<Option<Directory>, CoreError> {
    if !bearer.starts_with(TOKEN_PREFIX) {
        return Ok(None);
    }
    let found = ctx.store.find_directory_by_token(&SecretHash::of(bearer)).await?;
    Ok(found.filter(|d| d.id.as_str() == dir_id))
}
