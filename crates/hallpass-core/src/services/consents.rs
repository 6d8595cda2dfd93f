//! What users allowed third-party clients to do, as `/account` shows it, and
//! taking it back: withdrawing a consent ends that client's refresh tokens
//! for the user in the same store transaction, so it cannot keep access.

use super::audit::{self, Actor};
use crate::context::Context;
use crate::error::CoreError;
use crate::ids::{ClientId, UserId};
use crate::oauth::authorize::client_domain;
use serde_json::json;

/// One remembered consent, with the names a person recognises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentView {
    pub client_id: String,
    pub client_name: String,
    pub domain: Option<String>,
    /// The resource's identifier; `None` for Hallpass itself.
    pub resource: Option<String>,
    pub resource_name: Option<String>,
    pub scopes: Vec<String>,
    pub granted_at: crate::clock::Timestamp,
}

pub async fn list_for_user(ctx: &Context, user: &UserId) -> Result<Vec<ConsentView>, CoreError> {
    let mut views = Vec::new();
    for consent in ctx.store.list_user_consents(user).await? {
        let Some(client) = ctx.store.get_client(&consent.client_id).await? else {
            continue;
        };
        let resource_name = match &consent.resource {
            Some(identifier) => ctx.store.find_resource_by_identifier(identifier).await?.map(|r| r.name),
            None => None,
        };
        views.push(ConsentView {
            client_id: client.id.to_string(),
            domain: client_domain(&client),
            client_name: client.name,
            resource: consent.resource,
            resource_name,
            scopes: consent.scopes,
            granted_at: consent.granted_at,
        });
    }
    Ok(views)
}

/// Takes the consent back and ends the client's refresh tokens for the user.
pub async fn withdraw(
    ctx: &Context,
    user: &UserId,
    client: &str,
    resource: Option<&str>,
    actor: &Actor,
) -> Result<(), CoreError> {
    let client = ClientId::parse(client).map_err(|_| CoreError::NotFound("consent"))?;
    let before = ctx
        .store
        .find_consent(user, &client, resource)
        .await?
        .ok_or(CoreError::NotFound("consent"))?;
    if !ctx
        .store
        .withdraw_consent(user, &client, resource, ctx.clock.now())
        .await?
    {
        return Err(CoreError::NotFound("consent"));
    }
    let details = json!({ "client_id": client, "resource": resource, "before": before.scopes, "after": null });
    audit::record(ctx, actor, "consent.withdrawn", Some(user.as_str()), details).await;
    Ok(())
}
