//! Roles and permissions. Environment roles apply in every organization; an
//! organization may add custom roles of its own. Permissions are written
//! `resource:action`.

use super::audit::{self, Actor};
use crate::context::Context;
use crate::error::CoreError;
use crate::ids::{OrgId, RoleId};
use crate::store::Role;
use serde_json::{json, Value};

/// The role the first member of a new organization gets.
pub const ADMIN_ROLE: &str = "admin";
/// The role other new members get unless told otherwise.
pub const MEMBER_ROLE: &str = "member";

#[derive(Debug, Clone, Default)]
pub struct NewRole {
    pub organization_id: Option<OrgId>,
    pub name: String,
    pub description: Option<String>,
    pub permissions: Vec<String>,
}

pub fn view(role: &Role) -> Value {
    json!({
        "id": role.id.as_str(),
        "organization_id": role.organization_id.as_ref().map(OrgId::as_str),
        "name": role.name,
        "description": role.description,
        "permissions": role.permissions,
    })
}

fn is_part(part: &str) -> bool {
    !part.is_empty()
        && part.len() <= 64
        && part
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-' || b == b'.')
}

/// `resource:action`, each part lowercase letters, digits, `_`, `-` or `.`.
pub fn check_permission(permission: &str) -> Result<(), CoreError> {
    match permission.split_once(':') {
        Some((resource, action)) if is_part(resource) && is_part(action) => Ok(()),
        _ => Err(CoreError::invalid(
            "permissions",
            format!("`{permission}` is not written `resource:action` (lowercase letters, digits, _ - .)"),
        )),
    }
}

pub async fn create_role(ctx: &Context, new: NewRole, actor: &Actor) -> Result<Role, CoreError> {
    if !is_part(&new.name) {
        return Err(CoreError::invalid(
            "name",
            "must be 1 to 64 lowercase letters, digits, `_`, `-` or `.`",
        ));
    }
    if new.description.as_ref().is_some_and(|d| d.chars().count() > 500) {
        return Err(CoreError::invalid("description", "must be at most 500 characters"));
    }
    let mut permissions = new.permissions;
    for permission in &permissions {
        check_permission(permission)?;
    }
    permissions.sort();
    permissions.dedup();
    if let Some(org) = &new.organization_id {
        if ctx.store.get_organization(org).await?.is_none() {
            return Err(CoreError::NotFound("organization"));
        }
    }
    let role = Role {
        id: RoleId::generate(ctx.clock.as_ref(), ctx.rng.as_ref()),
        organization_id: new.organization_id,
        name: new.name,
        description: new.description.filter(|d| !d.trim().is_empty()),
        permissions,
        created_at: ctx.clock.now(),
    };
    ctx.store.insert_role(&role).await?;
    audit::record(ctx, actor, "role.created", None, json!({ "after": view(&role) })).await;
    Ok(role)
}

/// The environment's roles, and `organization`'s custom ones if given.
pub async fn list_roles(ctx: &Context, organization: Option<&OrgId>) -> Result<Vec<Role>, CoreError> {
    if let Some(org) = organization {
        if ctx.store.get_organization(org).await?.is_none() {
            return Err(CoreError::NotFound("organization"));
        }
    }
    Ok(ctx.store.list_roles(organization).await?)
}

/// Creates the built-in environment roles if they are missing: `admin`
/// (manages the organization and its members) and `member` (no permission
/// until the operator gives it some).
pub async fn ensure_default_roles(ctx: &Context) -> Result<(), CoreError> {
    let defaults = [
        (
            ADMIN_ROLE,
            "Manages the organization and its members",
            vec!["organization:manage", "members:manage"],
        ),
        (MEMBER_ROLE, "A member of the organization", vec![]),
    ];
    for (name, description, permissions) in defaults {
        if ctx.store.find_role(None, name).await?.is_some() {
            continue;
        }
        let new = NewRole {
            organization_id: None,
            name: name.to_owned(),
            description: Some(description.to_owned()),
            permissions: permissions.into_iter().map(str::to_owned).collect(),
        };
        match create_role(ctx, new, &Actor::Cli).await {
            // Another node created it at the same moment.
            Ok(_) | Err(CoreError::Conflict(_)) => {}
            Err(err) => return Err(err),
        }
    }
    Ok(())
}
