//! Resources: the APIs and MCP servers access tokens may be issued for
//! (RFC 8707). Each has an identifier (a URL, the tokens' `aud`) and the
//! scopes it understands.

use super::audit::{self, Actor};
use super::clients::{self, check_name};
use crate::context::Context;
use crate::error::CoreError;
use crate::ids::ResourceId;
use crate::oauth::{Scope, USER_SCOPES};
use crate::store::Resource;
use serde_json::json;
use url::{Host, Url};

/// What an operator asks for when registering a resource.
#[derive(Debug, Clone, Default)]
pub struct NewResource {
    pub identifier: String,
    pub name: String,
    pub scopes: Vec<String>,
    pub access_token_ttl_secs: Option<u32>,
}

/// Changes to a resource; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ResourceUpdate {
    pub identifier: Option<String>,
    pub name: Option<String>,
    pub scopes: Option<Vec<String>>,
    /// `Some(None)` removes the override.
    pub access_token_ttl_secs: Option<Option<u32>>,
}

/// An identifier is an absolute URL without a fragment (RFC 8707 §2): https,
/// or http on a loopback host (a local MCP server), written exactly as clients
/// will send it in `resource`.
pub fn check_identifier(identifier: &str) -> Result<String, CoreError> {
    let invalid = |message: &str| Err(CoreError::invalid("identifier", message));
    let Ok(url) = Url::parse(identifier) else {
        return invalid("must be an absolute URL, e.g. https://api.example.com/mcp");
    };
    if identifier.contains('#') {
        return invalid("must not have a fragment (RFC 8707)");
    }
    if identifier.len() > 2048 || !url.username().is_empty() || url.password().is_some() {
        return invalid("must be at most 2048 characters, without user information");
    }
    let loopback = match url.host() {
        Some(Host::Domain(d)) => d == "localhost",
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" if url.host().is_some() => Ok(identifier.to_owned()),
        "http" if loopback => Ok(identifier.to_owned()),
        _ => invalid("must be an https URL (http only on a loopback host)"),
    }
}

fn check_scopes(scopes: &[String]) -> Result<Vec<String>, CoreError> {
    let mut checked: Vec<String> = Vec::with_capacity(scopes.len());
    for scope in scopes {
        let valid = Scope::parse(scope).is_ok_and(|parsed| parsed.tokens() == [scope.as_str()]);
        if !valid {
            return Err(CoreError::invalid(
                "scopes",
                format!("`{scope}` is not a valid scope name"),
            ));
        }
        if scope.starts_with("hallpass:") || USER_SCOPES.contains(&scope.as_str()) {
            return Err(CoreError::invalid(
                "scopes",
                format!("`{scope}` is Hallpass's own scope, not a resource's"),
            ));
        }
        if !checked.contains(scope) {
            checked.push(scope.clone());
        }
    }
    if checked.len() > 100 {
        return Err(CoreError::invalid("scopes", "at most 100"));
    }
    Ok(checked)
}

fn check_ttl(ttl: Option<u32>) -> Result<Option<u32>, CoreError> {
    clients::check_ttl(ttl).map(|()| ttl)
}

/// The settings of a resource, for audit records (before and after a change).
fn summary(resource: &Resource) -> serde_json::Value {
    json!({
        "identifier": resource.identifier,
        "name": resource.name,
        "scopes": resource.scopes,
        "access_token_ttl_secs": resource.access_token_ttl_secs,
    })
}

pub async fn create_resource(ctx: &Context, new: NewResource, actor: &Actor) -> Result<Resource, CoreError> {
    let now = ctx.clock.now();
    let resource = Resource {
        id: ResourceId::generate(ctx.clock.as_ref(), ctx.rng.as_ref()),
        identifier: check_identifier(&new.identifier)?,
        name: check_name(&new.name)?,
        scopes: check_scopes(&new.scopes)?,
        access_token_ttl_secs: check_ttl(new.access_token_ttl_secs)?,
        created_at: now,
        updated_at: now,
    };
    ctx.store.insert_resource(&resource).await?;
    let details = json!({ "resource_id": resource.id, "before": null, "after": summary(&resource) });
    audit::record(ctx, actor, "resource.created", None, details).await;
    Ok(resource)
}

pub async fn get_resource(ctx: &Context, id: &ResourceId) -> Result<Resource, CoreError> {
    ctx.store.get_resource(id).await?.ok_or(CoreError::NotFound("resource"))
}

pub async fn list_resources(ctx: &Context, after: Option<&ResourceId>, limit: u32) -> Result<Vec<Resource>, CoreError> {
    Ok(ctx.store.list_resources(after, limit.clamp(1, 200)).await?)
}

pub async fn update_resource(
    ctx: &Context,
    id: &ResourceId,
    update: ResourceUpdate,
    actor: &Actor,
) -> Result<Resource, CoreError> {
    let before = get_resource(ctx, id).await?;
    let mut resource = before.clone();
    if let Some(identifier) = update.identifier {
        resource.identifier = check_identifier(&identifier)?;
    }
    if let Some(name) = update.name {
        resource.name = check_name(&name)?;
    }
    if let Some(scopes) = update.scopes {
        resource.scopes = check_scopes(&scopes)?;
    }
    if let Some(ttl) = update.access_token_ttl_secs {
        resource.access_token_ttl_secs = check_ttl(ttl)?;
    }
    resource.updated_at = ctx.clock.now();
    ctx.store.update_resource(&resource).await.map_err(|e| match e {
        crate::store::StoreError::NotFound => CoreError::NotFound("resource"),
        other => other.into(),
    })?;
    let details = json!({ "resource_id": id, "before": summary(&before), "after": summary(&resource) });
    audit::record(ctx, actor, "resource.updated", None, details).await;
    Ok(resource)
}

pub async fn delete_resource(ctx: &Context, id: &ResourceId, actor: &Actor) -> Result<(), CoreError> {
    let before = get_resource(ctx, id).await?;
    if !ctx.store.delete_resource(id).await? {
        return Err(CoreError::NotFound("resource"));
    }
    let details = json!({ "resource_id": id, "before": summary(&before), "after": null });
    audit::record(ctx, actor, "resource.deleted", None, details).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_https_or_loopback_http_urls_without_fragment() {
        assert!(check_identifier("https://api.example.com/mcp").is_ok());
        assert!(check_identifier("http://localhost:3001/mcp").is_ok());
        assert!(check_identifier("http://127.0.0.1:3001/mcp").is_ok());
        for bad in [
            "api.example.com",
            "http://api.example.com/mcp",
            "https://api.example.com/mcp#x",
            "urn:example:api",
            "https://u:p@api.example.com/",
        ] {
            assert!(check_identifier(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn resource_scopes_are_not_hallpass_or_user_scopes() {
        assert!(check_scopes(&["mcp:tools".into()]).is_ok());
        assert!(check_scopes(&["hallpass:admin".into()]).is_err());
        assert!(check_scopes(&["openid".into()]).is_err());
        assert!(check_scopes(&["a b".into()]).is_err());
    }
}
