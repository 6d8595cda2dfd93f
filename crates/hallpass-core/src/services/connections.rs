//! Connections to upstream identity providers: enterprise SSO (per
//! organization, claiming email domains) and social sign-in (environment-wide).
//! A connection's non-secret settings are plain JSON (`config`), its secrets
//! JSON sealed under the master key with the connection id as associated data,
//! like signing keys; neither the API nor the audit trail ever shows them.
//! SAML is one more `ConnectionKind` with its own settings in the same columns
//! (`saml_settings`).

use super::audit::{self, Actor};
use super::saml_settings::{self, SamlFields};
use crate::context::Context;
use crate::crypto::MasterKey;
use crate::error::CoreError;
use crate::ids::{ConnectionId, OrgId};
use crate::store::{Connection, ConnectionKind};
use crate::upstream::presets;
use serde_json::{json, Map, Value};

/// The fields of a create or a change; `None` leaves a field as it is (or,
/// at creation, takes the default).
#[derive(Debug, Clone, Default)]
pub struct ConnectionFields {
    /// `oidc`, `google`, `microsoft`, `github` or `saml`. Creation only.
    pub kind: Option<String>,
    pub name: Option<String>,
    pub domains: Option<Vec<String>>,
    pub enabled: Option<bool>,
    pub sso_required: Option<bool>,
    pub issuer: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub scopes: Option<Vec<String>>,
    pub authorization_endpoint: Option<String>,
    pub token_endpoint: Option<String>,
    pub userinfo_endpoint: Option<String>,
    pub jwks_uri: Option<String>,
    /// The settings of a SAML connection.
    pub saml: SamlFields,
}

/// The settings of an OIDC or OAuth connection, as kept in `config`.
pub const ENDPOINTS: [&str; 4] = [
    "authorization_endpoint",
    "token_endpoint",
    "userinfo_endpoint",
    "jwks_uri",
];

/// Where the IdP sends the browser back: what an admin registers there.
pub fn redirect_uri(issuer: &str, id: &ConnectionId) -> String {
    format!("{issuer}/login/sso/{id}/callback")
}

/// The record as the audit trail shows it: everything but the secrets.
pub fn view(c: &Connection) -> Value {
    json!({
        "id": c.id.as_str(),
        "type": c.kind.as_str(),
        "organization_id": c.organization_id.as_ref().map(OrgId::as_str),
        "name": c.name,
        "domains": c.domains,
        "enabled": c.enabled,
        "sso_required": c.sso_required,
        "config": c.config,
    })
}

/// `client_secret`, a SAML connection's `sp_private_key`, opened.
pub fn secrets(master: &MasterKey, c: &Connection) -> Result<Map<String, Value>, CoreError> {
    let Some(sealed) = &c.sealed_secrets else {
        return Ok(Map::new());
    };
    let plain = master
        .open(sealed, c.id.as_str())
        .map_err(|_| CoreError::Key(format!("the master key cannot open the secrets of connection {}", c.id)))?;
    match serde_json::from_slice(&plain) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(CoreError::Key(format!(
            "the secrets of connection {} are damaged",
            c.id
        ))),
    }
}

fn seal(ctx: &Context, master: &MasterKey, id: &ConnectionId, secrets: &Map<String, Value>) -> Option<Vec<u8>> {
    (!secrets.is_empty()).then(|| {
        let plain = Value::Object(secrets.clone()).to_string();
        master.seal(ctx.rng.as_ref(), plain.as_bytes(), id.as_str())
    })
}

fn name(value: &str) -> Result<String, CoreError> {
    let name = value.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(CoreError::invalid("name", "must be 1 to 100 characters"));
    }
    Ok(name.to_owned())
}

fn domains(values: Vec<String>) -> Result<Vec<String>, CoreError> {
    let mut out: Vec<String> = Vec::with_capacity(values.len());
    for value in values {
        let domain = value.trim().trim_end_matches('.').to_ascii_lowercase();
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        };
        if domain.len() > 253 || !domain.contains('.') || !domain.split('.').all(label_ok) {
            return Err(CoreError::invalid(
                "domains",
                format!("`{value}` is not a domain name like example.com"),
            ));
        }
        if !out.contains(&domain) {
            out.push(domain);
        }
    }
    out.sort();
    Ok(out)
}

/// An endpoint must be https, or http on a loopback host (tests, local IdPs).
pub fn endpoint(field: &'static str, value: &str) -> Result<String, CoreError> {
    let url = url::Url::parse(value.trim()).map_err(|_| CoreError::invalid(field, "must be an absolute URL"))?;
    let loopback = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => return Err(CoreError::invalid(field, "must be an https URL")),
    }
    if url.fragment().is_some() {
        return Err(CoreError::invalid(field, "must not have a fragment"));
    }
    Ok(value.trim().trim_end_matches('/').to_owned())
}

fn text(field: &'static str, value: &str, max: usize) -> Result<String, CoreError> {
    let value = value.trim();
    if value.is_empty() || value.len() > max {
        return Err(CoreError::invalid(field, format!("must be 1 to {max} characters")));
    }
    Ok(value.to_owned())
}

fn scopes(values: Vec<String>) -> Result<Vec<String>, CoreError> {
    let mut out = Vec::new();
    for value in values.iter().flat_map(|v| v.split(' ')).filter(|v| !v.is_empty()) {
        if !value.bytes().all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\') {
            return Err(CoreError::invalid("scopes", format!("`{value}` is not a scope token")));
        }
        if !out.iter().any(|s| s == value) {
            out.push(value.to_owned());
        }
    }
    Ok(out)
}

/// Applies `fields` to `config` and `secrets`, checking each value.
fn apply(
    kind: ConnectionKind,
    fields: &ConnectionFields,
    config: &mut Map<String, Value>,
    secrets: &mut Map<String, Value>,
) -> Result<(), CoreError> {
    if kind == ConnectionKind::Saml {
        return apply_saml(fields, config, secrets);
    }
    if let Some(field) = fields.saml.first_given() {
        return Err(CoreError::invalid(field, "is a setting of SAML connections only"));
    }
    if let Some(issuer) = &fields.issuer {
        if kind == ConnectionKind::Github {
            return Err(CoreError::invalid(
                "issuer",
                "GitHub is OAuth 2.0, not OpenID Connect: it has no issuer",
            ));
        }
        config.insert("issuer".into(), endpoint("issuer", issuer)?.into());
    }
    if let Some(id) = &fields.client_id {
        config.insert("client_id".into(), text("client_id", id, 500)?.into());
    }
    if let Some(secret) = &fields.client_secret {
        secrets.insert("client_secret".into(), text("client_secret", secret, 2000)?.into());
    }
    if let Some(list) = &fields.scopes {
        config.insert("scopes".into(), json!(scopes(list.clone())?));
    }
    let given = [
        &fields.authorization_endpoint,
        &fields.token_endpoint,
        &fields.userinfo_endpoint,
        &fields.jwks_uri,
    ];
    for (field, value) in ENDPOINTS.into_iter().zip(given) {
        if let Some(value) = value {
            config.insert(field.into(), endpoint(field, value)?.into());
        }
    }
    Ok(())
}

/// A SAML connection takes only its own settings (and the common ones).
fn apply_saml(
    fields: &ConnectionFields,
    config: &mut Map<String, Value>,
    secrets: &mut Map<String, Value>,
) -> Result<(), CoreError> {
    let oidc_only = [
        ("issuer", fields.issuer.is_some()),
        ("client_id", fields.client_id.is_some()),
        ("client_secret", fields.client_secret.is_some()),
        ("scopes", fields.scopes.is_some()),
        ("authorization_endpoint", fields.authorization_endpoint.is_some()),
        ("token_endpoint", fields.token_endpoint.is_some()),
        ("userinfo_endpoint", fields.userinfo_endpoint.is_some()),
        ("jwks_uri", fields.jwks_uri.is_some()),
    ];
    if let Some((field, _)) = oidc_only.iter().find(|(_, given)| *given) {
        return Err(CoreError::invalid(field, "is not a setting of a SAML connection"));
    }
    saml_settings::apply(&fields.saml, config, secrets)
}

/// The client named for IdP-initiated sign-in must exist and say where its sign-in starts.
async fn check_saml(ctx: &Context, c: &Connection) -> Result<(), CoreError> {
    if c.organization_id.is_none() {
        return Err(CoreError::invalid(
            "type",
            "a SAML connection belongs to an organization: POST /api/v1/organizations/{id}/connections",
        ));
    }
    if let Some(client) = saml_settings::idp_initiated_client(c) {
        let found = ctx.store.get_client(&client).await?;
        match found {
            None => return Err(CoreError::invalid("idp_initiated_client_id", "names no client")),
            Some(client) if client.initiate_login_uri.is_none() => {
                return Err(CoreError::invalid(
                    "idp_initiated_client_id",
                    "names a client without an initiate_login_uri, where users who start at the IdP would land",
                ))
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// The rules of a complete connection, whichever way it got there.
async fn check(ctx: &Context, c: &Connection, secrets: &Map<String, Value>) -> Result<(), CoreError> {
    if c.kind == ConnectionKind::Saml {
        return check_saml(ctx, c).await;
    }
    let has = |k: &str| c.config.get(k).and_then(Value::as_str).is_some();
    if !has("client_id") {
        return Err(CoreError::invalid("client_id", "is required"));
    }
    if !secrets.contains_key("client_secret") {
        return Err(CoreError::invalid("client_secret", "is required"));
    }
    let preset = presets::for_kind(c.kind);
    if !has("issuer") && preset.issuer.is_none() && c.kind != ConnectionKind::Github {
        return Err(CoreError::invalid(
            "issuer",
            "is required for an OpenID Connect connection",
        ));
    }
    if c.organization_id.is_none() && !c.domains.is_empty() {
        return Err(CoreError::invalid(
            "domains",
            "only an organization's (enterprise) connection claims domains",
        ));
    }
    if c.organization_id.is_none() && c.sso_required {
        return Err(CoreError::invalid(
            "sso_required",
            "only an organization's (enterprise) connection can require SSO",
        ));
    }
    Ok(())
}

pub async fn create_connection(
    ctx: &Context,
    master: &MasterKey,
    organization: Option<&OrgId>,
    fields: ConnectionFields,
    actor: &Actor,
) -> Result<Connection, CoreError> {
    if let Some(org) = organization {
        if ctx.store.get_organization(org).await?.is_none() {
            return Err(CoreError::NotFound("organization"));
        }
    }
    let kind = match fields.kind.as_deref() {
        None | Some("") => {
            return Err(CoreError::invalid(
                "type",
                "is required: oidc, saml, google, microsoft or github",
            ))
        }
        Some(other) => ConnectionKind::parse(other).ok_or_else(|| {
            CoreError::invalid(
                "type",
                format!("`{other}` is not a connection type: oidc, saml, google, microsoft or github"),
            )
        })?,
    };
    let (mut config, mut secrets) = (Map::new(), Map::new());
    apply(kind, &fields, &mut config, &mut secrets)?;
    let now = ctx.clock.now();
    let id = ConnectionId::generate(ctx.clock.as_ref(), ctx.rng.as_ref());
    let connection = Connection {
        sealed_secrets: seal(ctx, master, &id, &secrets),
        id,
        kind,
        organization_id: organization.cloned(),
        name: name(fields.name.as_deref().unwrap_or_default())?,
        domains: domains(fields.domains.unwrap_or_default())?,
        enabled: fields.enabled.unwrap_or(true),
        sso_required: fields.sso_required.unwrap_or(false),
        config: Value::Object(config),
        created_at: now,
        updated_at: now,
    };
    check(ctx, &connection, &secrets).await?;
    ctx.store.insert_connection(&connection).await?;
    audit::record(
        ctx,
        actor,
        "connection.created",
        None,
        json!({ "after": view(&connection) }),
    )
    .await;
    Ok(connection)
}

pub async fn get_connection(ctx: &Context, id: &ConnectionId) -> Result<Connection, CoreError> {
    ctx.store
        .get_connection(id)
        .await?
        .ok_or(CoreError::NotFound("connection"))
}

/// An organization's connections, or (`None`) the social ones.
pub async fn list_connections(ctx: &Context, organization: Option<&OrgId>) -> Result<Vec<Connection>, CoreError> {
    if let Some(org) = organization {
        if ctx.store.get_organization(org).await?.is_none() {
            return Err(CoreError::NotFound("organization"));
        }
    }
    Ok(ctx.store.list_connections(organization).await?)
}

pub async fn update_connection(
    ctx: &Context,
    master: &MasterKey,
    id: &ConnectionId,
    fields: ConnectionFields,
    actor: &Actor,
) -> Result<Connection, CoreError> {
    let before = get_connection(ctx, id).await?;
    if fields.kind.as_deref().is_some_and(|k| k != before.kind.as_str()) {
        return Err(CoreError::invalid("type", "cannot be changed; make a new connection"));
    }
    let mut config = before.config.as_object().cloned().unwrap_or_default();
    let mut secrets = secrets(master, &before)?;
    apply(before.kind, &fields, &mut config, &mut secrets)?;
    let mut after = before.clone();
    if let Some(value) = &fields.name {
        after.name = name(value)?;
    }
    if let Some(values) = fields.domains {
        after.domains = domains(values)?;
    }
    after.enabled = fields.enabled.unwrap_or(before.enabled);
    after.sso_required = fields.sso_required.unwrap_or(before.sso_required);
    after.config = Value::Object(config);
    let secret_changed = fields.client_secret.is_some() || fields.saml.sp_private_key.is_some();
    if secret_changed {
        after.sealed_secrets = seal(ctx, master, id, &secrets);
    }
    after.updated_at = ctx.clock.now();
    check(ctx, &after, &secrets).await?;
    ctx.store.update_connection(&after).await?;
    audit::record(
        ctx,
        actor,
        "connection.updated",
        None,
        json!({ "before": view(&before), "after": view(&after), "secret_changed": secret_changed }),
    )
    .await;
    Ok(after)
}

pub async fn delete_connection(ctx: &Context, id: &ConnectionId, actor: &Actor) -> Result<(), CoreError> {
    let before = get_connection(ctx, id).await?;
    if !ctx.store.delete_connection(id).await? {
        return Err(CoreError::NotFound("connection"));
    }
    audit::record(
        ctx,
        actor,
        "connection.deleted",
        None,
        json!({ "before": view(&before) }),
    )
    .await;
    Ok(())
}

/// Whether `user`'s organizations require them to sign in through SSO: the
/// name of the first such organization's connection, if any.
pub async fn sso_required_for(ctx: &Context, user: &crate::ids::UserId) -> Result<Option<Connection>, CoreError> {
    for membership in ctx.store.list_user_memberships(user).await? {
        let connections = ctx.store.list_connections(Some(&membership.organization_id)).await?;
        if let Some(c) = connections.into_iter().find(|c| c.sso_required && c.enabled) {
            return Ok(Some(c));
        }
    }
    Ok(None)
}

/// What the hosted sign-in page offers beyond passwords and codes.
#[derive(Debug, Clone, Default)]
pub struct SignInOptions {
    /// Enabled social connections, for "Continue with …" buttons.
    pub social: Vec<Connection>,
    /// Whether any enabled enterprise connection exists: the page asks for the email first.
    pub enterprise: bool,
}

pub async fn sign_in_options(ctx: &Context) -> Result<SignInOptions, CoreError> {
    let all = ctx.store.list_all_connections().await?;
    let usable = |c: &&Connection| c.enabled;
    Ok(SignInOptions {
        enterprise: all.iter().filter(usable).any(|c| c.organization_id.is_some()),
        social: all
            .iter()
            .filter(usable)
            .filter(|c| c.organization_id.is_none())
            .cloned()
            .collect(),
    })
}
