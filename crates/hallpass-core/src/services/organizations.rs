//! Organizations (workspaces): creation, changes, listing. Every change is
//! audited with the record before and after.

use super::audit::{self, Actor};
use crate::context::Context;
use crate::error::CoreError;
use crate::ids::OrgId;
use crate::store::Organization;
use crate::values::Slug;
use serde_json::{json, Value};

/// Metadata is for the app's own keys: a JSON object of at most this many bytes.
const MAX_METADATA_BYTES: usize = 8 * 1024;

#[derive(Debug, Clone, Default)]
pub struct NewOrganization {
    pub name: String,
    /// Derived from the name when not given.
    pub slug: Option<String>,
    pub external_id: Option<String>,
    pub metadata: Option<Value>,
}

/// Fields to change; `None` leaves a field as it is. `external_id:
/// Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct OrganizationChanges {
    pub name: Option<String>,
    pub slug: Option<String>,
    pub external_id: Option<Option<String>>,
    pub metadata: Option<Value>,
}

pub fn view(org: &Organization) -> Value {
    json!({
        "id": org.id.as_str(),
        "name": org.name,
        "slug": org.slug.as_str(),
        "external_id": org.external_id,
        "metadata": org.metadata,
    })
}

fn name(value: &str) -> Result<String, CoreError> {
    let name = value.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(CoreError::invalid("name", "must be 1 to 200 characters"));
    }
    Ok(name.to_owned())
}

fn slug(value: &str) -> Result<Slug, CoreError> {
    Slug::parse(value).map_err(|e| CoreError::invalid("slug", e.to_string()))
}

fn external_id(value: Option<String>) -> Result<Option<String>, CoreError> {
    match value.map(|v| v.trim().to_owned()) {
        Some(v) if v.is_empty() || v.len() > 200 => {
            Err(CoreError::invalid("external_id", "must be 1 to 200 characters"))
        }
        other => Ok(other),
    }
}

pub fn metadata(value: Option<Value>) -> Result<Value, CoreError> {
    let value = value.unwrap_or_else(|| json!({}));
    if !value.is_object() {
        return Err(CoreError::invalid("metadata", "must be a JSON object"));
    }
    if value.to_string().len() > MAX_METADATA_BYTES {
        return Err(CoreError::invalid(
            "metadata",
            format!("must be at most {MAX_METADATA_BYTES} bytes"),
        ));
    }
    Ok(value)
}

pub async fn create_organization(
    ctx: &Context,
    new: NewOrganization,
    actor: &Actor,
) -> Result<Organization, CoreError> {
    let name = name(&new.name)?;
    let slug = match new.slug {
        Some(given) => slug(&given)?,
        None => Slug::from_name(&name)
            .ok_or_else(|| CoreError::invalid("slug", "cannot be derived from the name; give one"))?,
    };
    let now = ctx.clock.now();
    let org = Organization {
        id: OrgId::generate(ctx.clock.as_ref(), ctx.rng.as_ref()),
        name,
        slug,
        external_id: external_id(new.external_id)?,
        metadata: metadata(new.metadata)?,
        created_at: now,
        updated_at: now,
    };
    ctx.store.insert_organization(&org).await?;
    audit::record(ctx, actor, "organization.created", None, json!({ "after": view(&org) })).await;
    Ok(org)
}

pub async fn get_organization(ctx: &Context, id: &OrgId) -> Result<Organization, CoreError> {
    ctx.store
        .get_organization(id)
        .await?
        .ok_or(CoreError::NotFound("organization"))
}

pub async fn list_organizations(
    ctx: &Context,
    after: Option<&OrgId>,
    limit: u32,
) -> Result<Vec<Organization>, CoreError> {
    Ok(ctx.store.list_organizations(after, limit.clamp(1, 200)).await?)
}

pub async fn update_organization(
    ctx: &Context,
    id: &OrgId,
    changes: OrganizationChanges,
    actor: &Actor,
) -> Result<Organization, CoreError> {
    let before = get_organization(ctx, id).await?;
    let mut org = before.clone();
    if let Some(value) = changes.name {
        org.name = name(&value)?;
    }
    if let Some(value) = changes.slug {
        org.slug = slug(&value)?;
    }
    if let Some(value) = changes.external_id {
        org.external_id = external_id(value)?;
    }
    if let Some(value) = changes.metadata {
        org.metadata = metadata(Some(value))?;
    }
    org.updated_at = ctx.clock.now();
    ctx.store.update_organization(&org).await?;
    audit::record(
        ctx,
        actor,
        "organization.updated",
        None,
        json!({ "before": view(&before), "after": view(&org) }),
    )
    .await;
    Ok(org)
}
