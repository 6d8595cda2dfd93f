//! Dynamic client registration (RFC 7591) and its management protocol
//! (RFC 7592). Clients that register themselves are third-party: public
//! (`none`, with PKCE) or `client_secret_basic`, https or loopback redirect
//! URIs only, never `hallpass:` scopes, never client_credentials. Their users
//! are asked for consent. A registration access token (stored hashed) lets
//! the client read, change and delete its own registration.

use super::Scope;
use crate::context::Context;
use crate::crypto::{Algorithm, SecretHash};
use crate::error::CoreError;
use crate::ids::{ClientId, SecretId};
use crate::rng::random_token;
use crate::services::audit::{self, Actor};
use crate::store::{Client, ClientKind, ClientSecret, Registration};
use crate::values::{RedirectUri, UriPolicy};
use hallpass_proto::oauth::{ClientMetadata, RegisteredClient};
use serde_json::json;
use url::{Host, Url};

/// Why a registration request is refused (RFC 7591 §3.2.2, RFC 7592 §2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistrationError {
    InvalidRedirectUri(String),
    InvalidClientMetadata(String),
    /// The registration access token is missing, wrong, or its client is gone (401).
    InvalidToken,
    Server(String),
}

impl RegistrationError {
    pub fn code(&self) -> &'static str {
        match self {
            RegistrationError::InvalidRedirectUri(_) => "invalid_redirect_uri",
            RegistrationError::InvalidClientMetadata(_) => "invalid_client_metadata",
            RegistrationError::InvalidToken => "invalid_token",
            RegistrationError::Server(_) => "server_error",
        }
    }

    pub fn description(&self) -> &str {
        match self {
            RegistrationError::InvalidRedirectUri(d) | RegistrationError::InvalidClientMetadata(d) => d,
            RegistrationError::InvalidToken => "the registration access token is not valid for this client",
            RegistrationError::Server(_) => "the server could not complete the request; try again",
        }
    }
}

impl From<CoreError> for RegistrationError {
    fn from(err: CoreError) -> Self {
        tracing::error!(%err, "client registration failed on the server");
        RegistrationError::Server(err.to_string())
    }
}

impl From<crate::store::StoreError> for RegistrationError {
    fn from(err: crate::store::StoreError) -> Self {
        CoreError::from(err).into()
    }
}

fn metadata_error(description: impl Into<String>) -> RegistrationError {
    RegistrationError::InvalidClientMetadata(description.into())
}

/// `localhost`, 127.0.0.0/8 or ::1.
pub fn is_loopback_host(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// A third-party client's redirect URIs: https, or http on a loopback host
/// (a native app or a local agent, RFC 8252 §7.3); nothing else.
pub fn third_party_redirect_uris(uris: &[String]) -> Result<(Vec<RedirectUri>, bool), RegistrationError> {
    if uris.is_empty() {
        return Err(RegistrationError::InvalidRedirectUri(
            "redirect_uris is required: at least one https or loopback URI".into(),
        ));
    }
    if uris.len() > 10 {
        return Err(RegistrationError::InvalidRedirectUri("at most 10 redirect_uris".into()));
    }
    let mut parsed: Vec<RedirectUri> = Vec::new();
    let mut loopback = false;
    for uri in uris {
        let refused = |reason: &str| RegistrationError::InvalidRedirectUri(format!("`{uri}`: {reason}"));
        let url = Url::parse(uri).map_err(|_| refused("not an absolute URI"))?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback_host(&url) => loopback = true,
            _ => {
                return Err(refused(
                    "a third-party client may use https, or http on a loopback host, only",
                ))
            }
        }
        let checked = RedirectUri::parse(
            uri,
            UriPolicy {
                allow_http_loopback: true,
            },
        )
        .map_err(|e| RegistrationError::InvalidRedirectUri(e.to_string()))?;
        if !parsed.contains(&checked) {
            parsed.push(checked);
        }
    }
    Ok((parsed, loopback))
}

/// What a valid request asks for, checked.
struct Checked {
    name: String,
    kind: ClientKind,
    redirect_uris: Vec<RedirectUri>,
    loopback: bool,
    client_uri: Option<String>,
    grant_types: Vec<String>,
}

fn check(metadata: &ClientMetadata) -> Result<Checked, RegistrationError> {
    let (redirect_uris, loopback) = third_party_redirect_uris(&metadata.redirect_uris)?;
    let kind = match metadata.token_endpoint_auth_method.as_deref() {
        None | Some("client_secret_basic") => ClientKind::Confidential,
        Some("none") => ClientKind::Public,
        Some(other) => {
            return Err(metadata_error(format!(
                "token_endpoint_auth_method `{other}` is not offered to registered clients; use `none` or `client_secret_basic`"
            )))
        }
    };
    let grant_types = metadata
        .grant_types
        .clone()
        .unwrap_or_else(|| vec!["authorization_code".into(), "refresh_token".into()]);
    if let Some(other) = grant_types
        .iter()
        .find(|g| !matches!(g.as_str(), "authorization_code" | "refresh_token"))
    {
        return Err(metadata_error(format!(
            "grant_type `{other}` is not offered to registered clients (authorization_code and refresh_token are)"
        )));
    }
    if !grant_types.iter().any(|g| g == "authorization_code") {
        return Err(metadata_error("grant_types must include authorization_code"));
    }
    if let Some(types) = &metadata.response_types {
        if types.iter().any(|t| t != "code") {
            return Err(metadata_error("response_types may only be `code`"));
        }
    }
    if let Some(scope) = &metadata.scope {
        let scope = Scope::parse(scope).map_err(|e| metadata_error(e.description))?;
        if let Some(admin) = scope.tokens().iter().find(|t| t.starts_with("hallpass:")) {
            return Err(metadata_error(format!(
                "`{admin}` is a management scope; registered clients cannot hold it"
            )));
        }
    }
    let client_uri = match metadata.client_uri.as_deref().filter(|u| !u.is_empty()) {
        Some(uri) => match Url::parse(uri) {
            Ok(url) if url.scheme() == "https" || url.scheme() == "http" && is_loopback_host(&url) => {
                Some(uri.to_owned())
            }
            _ => return Err(metadata_error("client_uri must be an https URL")),
        },
        None => None,
    };
    let name = metadata
        .client_name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .or_else(|| {
            redirect_uris
                .first()
                .and_then(|u| Url::parse(u.as_str()).ok()?.host_str().map(str::to_owned))
        })
        .unwrap_or_else(|| "Unnamed application".into());
    if name.chars().count() > 200 {
        return Err(metadata_error("client_name must be at most 200 characters"));
    }
    Ok(Checked {
        name,
        kind,
        redirect_uris,
        loopback,
        client_uri,
        grant_types,
    })
}

fn answer(issuer: &str, client: &Client, grant_types: Vec<String>) -> RegisteredClient {
    RegisteredClient {
        client_id: client.id.to_string(),
        client_secret: None,
        client_id_issued_at: client.created_at.0,
        client_secret_expires_at: (client.kind == ClientKind::Confidential).then_some(0),
        registration_access_token: None,
        registration_client_uri: format!("{issuer}/oauth/register/{}", client.id),
        redirect_uris: client.redirect_uris.iter().map(|u| u.as_str().to_owned()).collect(),
        token_endpoint_auth_method: match client.kind {
            ClientKind::Confidential => "client_secret_basic".into(),
            ClientKind::Public => "none".into(),
        },
        grant_types,
        response_types: vec!["code".into()],
        client_name: client.name.clone(),
        client_uri: client.client_uri.clone(),
    }
}

fn summary(client: &Client) -> serde_json::Value {
    json!({
        "name": client.name,
        "client_type": client.kind.as_str(),
        "redirect_uris": client.redirect_uris.iter().map(RedirectUri::as_str).collect::<Vec<_>>(),
        "client_uri": client.client_uri,
    })
}

/// RFC 7591 §3: registers the client and answers with its id, its secret
/// (confidential clients) and its registration access token, each shown once.
pub async fn register(
    ctx: &Context,
    issuer: &str,
    metadata: &ClientMetadata,
) -> Result<RegisteredClient, RegistrationError> {
    let checked = check(metadata)?;
    let now = ctx.clock.now();
    let token = format!("hpreg_{}", random_token(ctx.rng.as_ref()));
    let client = Client {
        id: ClientId::generate(ctx.clock.as_ref(), ctx.rng.as_ref()),
        name: checked.name,
        kind: checked.kind,
        redirect_uris: checked.redirect_uris,
        post_logout_redirect_uris: Vec::new(),
        initiate_login_uri: None,
        backchannel_logout_uri: None,
        native: checked.loopback,
        granted_scopes: Vec::new(),
        access_token_ttl_secs: None,
        id_token_algorithm: Algorithm::Es256,
        registration: Registration::Dynamic,
        registration_token_hash: Some(SecretHash::of(&token)),
        client_uri: checked.client_uri,
        created_at: now,
        updated_at: now,
    };
    let secret = (client.kind == ClientKind::Confidential).then(|| {
        let plaintext = format!("hps_{}", random_token(ctx.rng.as_ref()));
        let record = ClientSecret {
            id: SecretId::generate(ctx.clock.as_ref(), ctx.rng.as_ref()),
            client_id: client.id.clone(),
            hash: SecretHash::of(&plaintext),
            created_at: now,
        };
        (plaintext, record)
    });
    ctx.store
        .insert_client(&client, secret.as_ref().map(|(_, s)| s))
        .await?;
    let details = json!({ "client_id": client.id, "before": null, "after": summary(&client) });
    audit::record(ctx, &Actor::Anonymous, "client.registered", None, details).await;
    let mut out = answer(issuer, &client, checked.grant_types);
    out.client_secret = secret.map(|(plaintext, _)| plaintext);
    out.registration_access_token = Some(token);
    Ok(out)
}

/// The dynamically registered client the token opens, or `InvalidToken`.
async fn authorized(ctx: &Context, client_id: &str, token: Option<&str>) -> Result<Client, RegistrationError> {
    let (Ok(id), Some(token)) = (ClientId::parse(client_id), token) else {
        return Err(RegistrationError::InvalidToken);
    };
    let client = ctx
        .store
        .get_client(&id)
        .await?
        .ok_or(RegistrationError::InvalidToken)?;
    match client.registration_token_hash {
        Some(hash) if hash == SecretHash::of(token) => Ok(client),
        _ => Err(RegistrationError::InvalidToken),
    }
}

const GRANTS: [&str; 2] = ["authorization_code", "refresh_token"];

/// RFC 7592 §2.1.
pub async fn read(
    ctx: &Context,
    issuer: &str,
    client_id: &str,
    token: Option<&str>,
) -> Result<RegisteredClient, RegistrationError> {
    let client = authorized(ctx, client_id, token).await?;
    Ok(answer(issuer, &client, GRANTS.map(String::from).to_vec()))
}

/// RFC 7592 §2.2: the request carries the whole metadata, which replaces
/// what was registered. The kind of client (its authentication) cannot change.
pub async fn update(
    ctx: &Context,
    issuer: &str,
    client_id: &str,
    token: Option<&str>,
    metadata: &ClientMetadata,
) -> Result<RegisteredClient, RegistrationError> {
    let before = authorized(ctx, client_id, token).await?;
    if metadata.client_id.as_deref() != Some(client_id) {
        return Err(metadata_error(
            "client_id must be repeated in the body and match the URL",
        ));
    }
    let checked = check(metadata)?;
    if checked.kind != before.kind {
        return Err(metadata_error(
            "token_endpoint_auth_method cannot change; register a new client instead",
        ));
    }
    let mut client = before.clone();
    client.name = checked.name;
    client.redirect_uris = checked.redirect_uris;
    client.native = checked.loopback;
    client.client_uri = checked.client_uri;
    client.updated_at = ctx.clock.now();
    ctx.store.update_client(&client).await?;
    let details = json!({ "client_id": client.id, "before": summary(&before), "after": summary(&client) });
    audit::record(
        ctx,
        &Actor::Client(client.id.to_string()),
        "client.updated",
        None,
        details,
    )
    .await;
    Ok(answer(issuer, &client, checked.grant_types))
}

/// RFC 7592 §2.3: the client, its secrets and its grants are gone.
pub async fn delete(ctx: &Context, client_id: &str, token: Option<&str>) -> Result<ClientId, RegistrationError> {
    let client = authorized(ctx, client_id, token).await?;
    ctx.store.delete_client(&client.id).await?;
    let details = json!({ "client_id": client.id, "before": summary(&client), "after": null });
    audit::record(
        ctx,
        &Actor::Client(client.id.to_string()),
        "client.deleted",
        None,
        details,
    )
    .await;
    Ok(client.id)
}
