//! Memberships: a user in an organization, with roles. The first member of
//! an organization becomes its admin; later members get the default role
//! unless roles are given.

use super::audit::{self, Actor};
use super::roles::{ADMIN_ROLE, MEMBER_ROLE};
use crate::context::Context;
use crate::error::CoreError;
use crate::ids::{OrgId, RoleId, UserId};
use crate::store::{Membership, MembershipStatus};
use serde_json::{json, Value};

pub fn view(m: &Membership) -> Value {
    json!({
        "organization_id": m.organization_id.as_str(),
        "user_id": m.user_id.as_str(),
        "status": m.status.as_str(),
        "role_ids": m.role_ids.iter().map(RoleId::as_str).collect::<Vec<_>>(),
    })
}

/// Role names as seen from `org` (its custom roles first) → ids.
async fn role_ids(ctx: &Context, org: &OrgId, names: &[String]) -> Result<Vec<RoleId>, CoreError> {
    let mut ids = Vec::with_capacity(names.len());
    for name in names {
        match ctx.store.find_role(Some(org), name).await? {
            Some(role) => ids.push(role.id),
            None => return Err(CoreError::invalid("roles", format!("there is no role `{name}`"))),
        }
    }
    ids.sort();
    ids.dedup();
    Ok(ids)
}

async fn existing(ctx: &Context, org: &OrgId, user: &UserId) -> Result<(), CoreError> {
    if ctx.store.get_organization(org).await?.is_none() {
        return Err(CoreError::NotFound("organization"));
    }
    if ctx.store.get_user(user).await?.is_none() {
        return Err(CoreError::NotFound("user"));
    }
    Ok(())
}

/// Adds `user` to `org` (active), or changes an existing membership's roles.
/// Without `roles`, a new member gets `admin` if they are the first, else `member`.
pub async fn put_member(
    ctx: &Context,
    org: &OrgId,
    user: &UserId,
    roles: Option<Vec<String>>,
    actor: &Actor,
) -> Result<Membership, CoreError> {
    existing(ctx, org, user).await?;
    let before = ctx.store.get_membership(org, user).await?;
    let names = match (roles, &before) {
        (Some(names), _) => names,
        (None, Some(_)) => return before.ok_or(CoreError::NotFound("membership")),
        (None, None) => {
            let first = ctx.store.list_organization_memberships(org, None, 1).await?.is_empty();
            vec![if first { ADMIN_ROLE } else { MEMBER_ROLE }.to_owned()]
        }
    };
    let now = ctx.clock.now();
    let membership = Membership {
        organization_id: org.clone(),
        user_id: user.clone(),
        status: MembershipStatus::Active,
        role_ids: role_ids(ctx, org, &names).await?,
        created_at: before.as_ref().map_or(now, |b| b.created_at),
        updated_at: now,
    };
    ctx.store.put_membership(&membership).await?;
    audit::record(
        ctx,
        actor,
        if before.is_some() {
            "membership.updated"
        } else {
            "membership.created"
        },
        Some(user.as_str()),
        json!({ "before": before.as_ref().map(view), "after": view(&membership) }),
    )
    .await;
    Ok(membership)
}

pub async fn remove_member(ctx: &Context, org: &OrgId, user: &UserId, actor: &Actor) -> Result<(), CoreError> {
    let before = ctx
        .store
        .get_membership(org, user)
        .await?
        .ok_or(CoreError::NotFound("membership"))?;
    ctx.store.delete_membership(org, user).await?;
    audit::record(
        ctx,
        actor,
        "membership.deleted",
        Some(user.as_str()),
        json!({ "before": view(&before), "after": null }),
    )
    .await;
    Ok(())
}

pub async fn list_members(
    ctx: &Context,
    org: &OrgId,
    after: Option<&UserId>,
    limit: u32,
) -> Result<Vec<Membership>, CoreError> {
    if ctx.store.get_organization(org).await?.is_none() {
        return Err(CoreError::NotFound("organization"));
    }
    Ok(ctx
        .store
        .list_organization_memberships(org, after, limit.clamp(1, 200))
        .await?)
}

pub async fn list_user_memberships(ctx: &Context, user: &UserId) -> Result<Vec<Membership>, CoreError> {
    if ctx.store.get_user(user).await?.is_none() {
        return Err(CoreError::NotFound("user"));
    }
    Ok(ctx.store.list_user_memberships(user).await?)
}
