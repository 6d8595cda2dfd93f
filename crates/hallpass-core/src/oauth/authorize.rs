//! The authorization endpoint (RFC 6749 §4.1.1, OpenID Connect Core §3.1.2).
//!
//! Until the client and its redirect URI are known to be genuine, errors are
//! shown to the user and never redirected (no open redirect). After that,
//! every error goes back to the client with `error`, `error_description`,
//! `state` and `iss` (RFC 9207).

use super::metadata_document::{client_id_of, is_url_client_id};
use super::{resource as resources, ErrorCode, OAuthPolicy, Scope};
use crate::context::Context;
use crate::crypto::SecretHash;
use crate::error::CoreError;
use crate::ids::{ClientId, ConnectionId, OrgId, UserId};
use crate::rng::random_token;
use crate::services::audit::{self, Actor};
use crate::store::{AuthorizationCode, Client, ClientKind, Consent, MembershipStatus, Organization, Resource, Session};
use std::collections::HashMap;
use url::{Host, Url};

/// What the endpoint does next.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Show an error page; do not redirect: the client or redirect URI is not trusted.
    Refuse(String),
    /// Send the browser back to the client: a code, or an error.
    Redirect(String),
    /// The user must sign in (or up) on the hosted page first, then come
    /// back; straight at an upstream IdP when `connection` says which (from
    /// `connection_id`, `organization_id`, `domain_hint` or `login_hint`).
    SignIn {
        signup: bool,
        login_hint: Option<String>,
        connection: Option<ConnectionId>,
    },
    /// A third-party client: the user must say yes (or no) to what it asks.
    /// The answer comes back through [`answer_consent`] with the same request.
    Consent(Box<ConsentRequest>),
    /// The user belongs to several organizations (or `prompt=select_account`):
    /// they pick one, then the request comes back with `organization_id`.
    PickOrganization(Vec<Organization>),
}

/// What the consent page shows: who asks, for what, as whom.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsentRequest {
    pub client: Client,
    /// The client's domain: its `client_uri`'s host, else its redirect URI's.
    pub domain: Option<String>,
    pub resource: Option<Resource>,
    pub scopes: Vec<String>,
}

/// The parameters after validation.
#[derive(Debug, Clone)]
struct Request {
    client: Client,
    redirect_uri: String,
    state: Option<String>,
    scope: Scope,
    nonce: Option<String>,
    code_challenge: Option<String>,
    prompt: Vec<String>,
    max_age: Option<u64>,
    login_hint: Option<String>,
    organization_id: Option<OrgId>,
    connection_id: Option<ConnectionId>,
    domain_hint: Option<String>,
    /// RFC 8707: the API or MCP server the tokens are for.
    resource: Option<Resource>,
}

const KNOWN_PROMPTS: [&str; 5] = ["none", "login", "create", "select_account", "consent"];

pub async fn authorize(
    ctx: &Context,
    policy: &OAuthPolicy,
    pairs: &[(String, String)],
    session: Option<Session>,
) -> Result<Outcome, CoreError> {
    run(ctx, policy, pairs, session, None).await
}

/// The user's answer on the consent page, with the request that asked: the
/// request is validated again from scratch (nothing on the page is trusted),
/// then a yes is remembered and a code issued; a no goes back to the client
/// as `access_denied`.
pub async fn answer_consent(
    ctx: &Context,
    policy: &OAuthPolicy,
    pairs: &[(String, String)],
    session: Option<Session>,
    allow: bool,
) -> Result<Outcome, CoreError> {
    run(ctx, policy, pairs, session, Some(allow)).await
}

async fn run(
    ctx: &Context,
    policy: &OAuthPolicy,
    pairs: &[(String, String)],
    session: Option<Session>,
    answer: Option<bool>,
) -> Result<Outcome, CoreError> {
    let mut params: HashMap<&str, &str> = HashMap::new();
    let mut repeated: Vec<&str> = Vec::new();
    for (name, value) in pairs {
        if params.insert(name.as_str(), value.as_str()).is_some() && !repeated.contains(&name.as_str()) {
            repeated.push(name.as_str());
        }
    }
    for trusted in ["client_id", "redirect_uri"] {
        if repeated.contains(&trusted) {
            return Ok(Outcome::Refuse(format!("The request gives {trusted} more than once.")));
        }
    }
    let Some(client_id) = params.get("client_id").filter(|v| !v.is_empty()) else {
        return Ok(Outcome::Refuse(
            "The request does not say which application it is for (no client_id).".into(),
        ));
    };
    let client = match ClientId::parse(client_id) {
        Ok(id) => ctx.store.get_client(&id).await?,
        // A metadata document, fetched by the caller (`MetadataDocuments::resolve`) just before.
        Err(_) if is_url_client_id(client_id) => ctx.store.get_client(&client_id_of(client_id)).await?,
        Err(_) => None,
    };
    let Some(client) = client else {
        return Ok(Outcome::Refuse(format!(
            "No application here has the id “{client_id}”. The link may be old or mistyped."
        )));
    };
    let Some(redirect_uri) = params.get("redirect_uri").filter(|v| !v.is_empty()) else {
        return Ok(Outcome::Refuse(
            "The request does not say where to return (no redirect_uri).".into(),
        ));
    };
    if !is_registered(&client, redirect_uri) {
        return Ok(Outcome::Refuse(format!(
            "{} may not return to “{redirect_uri}”: the address must match a registered one exactly.",
            client.name
        )));
    }
    let state = params.get("state").map(|s| s.to_string());
    let back = |code: ErrorCode, description: &str| {
        Ok(Outcome::Redirect(error_redirect(
            redirect_uri,
            &policy.issuer,
            code,
            description,
            state.as_deref(),
        )))
    };
    if repeated.contains(&"resource") {
        return back(
            ErrorCode::InvalidTarget,
            "ask for one resource per request: tokens here are for one audience",
        );
    }
    if let Some(name) = repeated.first() {
        return back(ErrorCode::InvalidRequest, &format!("`{name}` is given more than once"));
    }
    let mut request = match validate(policy, &params, client, redirect_uri, state.clone()) {
        Ok(request) => request,
        Err((code, description)) => return back(code, &description),
    };
    if let Some(identifier) = params.get("resource") {
        match resources::named(ctx, identifier).await {
            Ok(resource) => request.resource = Some(resource),
            Err(err) => return back(err.code, &err.description),
        }
    }
    if request.scope.is_empty() {
        match &request.resource {
            // No scope asked: all of the resource's (RFC 6749 §3.3 default).
            Some(resource) => request.scope = Scope::from_list(&resource.scopes),
            None => {
                return back(
                    ErrorCode::InvalidScope,
                    "scope is required, e.g. `openid profile email`",
                )
            }
        }
    }
    if let Some(unknown) = request
        .scope
        .tokens()
        .iter()
        .find(|t| !resources::may_ask(t, request.resource.as_ref()))
    {
        return back(ErrorCode::InvalidScope, &format!("unknown scope `{unknown}`"));
    }
    decide(ctx, policy, request, session, answer).await
}

fn validate(
    policy: &OAuthPolicy,
    params: &HashMap<&str, &str>,
    client: Client,
    redirect_uri: &str,
    state: Option<String>,
) -> Result<Request, (ErrorCode, String)> {
    let invalid = |message: &str| Err((ErrorCode::InvalidRequest, message.to_owned()));
    match params.get("response_type").copied() {
        Some("code") => {}
        None | Some("") => return invalid("response_type is required"),
        Some(other) => {
            return Err((
                ErrorCode::UnsupportedResponseType,
                format!("response_type `{other}` is not supported; use `code`"),
            ))
        }
    }
    if params.contains_key("request") || params.contains_key("request_uri") {
        return invalid("request objects are not supported");
    }
    if let Some(mode) = params.get("response_mode").filter(|m| **m != "query") {
        return Err((
            ErrorCode::InvalidRequest,
            format!("response_mode `{mode}` is not supported; use `query`"),
        ));
    }
    let scope = Scope::parse(params.get("scope").copied().unwrap_or_default()).map_err(|e| (e.code, e.description))?;
    let challenge = params.get("code_challenge").filter(|c| !c.is_empty());
    let method = params.get("code_challenge_method").filter(|m| !m.is_empty());
    let code_challenge = match (challenge, method) {
        (Some(c), Some(&"S256")) if is_s256_challenge(c) => Some(c.to_string()),
        (Some(_), Some(&"S256")) => {
            return invalid("code_challenge must be the 43-character base64url SHA-256 of the verifier")
        }
        (Some(_), Some(m)) => {
            return Err((
                ErrorCode::InvalidRequest,
                format!("code_challenge_method `{m}` is not supported; use S256"),
            ))
        }
        (Some(_), None) => {
            return invalid("code_challenge_method is required and must be S256 (plain is not accepted)")
        }
        (None, Some(_)) => return invalid("code_challenge_method without code_challenge"),
        (None, None) if client.kind == ClientKind::Public => {
            return invalid("PKCE is required for public clients: send code_challenge with S256")
        }
        (None, None) if policy.require_pkce => {
            return invalid("PKCE is required: send code_challenge with code_challenge_method=S256")
        }
        (None, None) => None,
    };
    let prompt: Vec<String> = params
        .get("prompt")
        .map(|p| p.split(' ').filter(|s| !s.is_empty()).map(String::from).collect())
        .unwrap_or_default();
    if let Some(unknown) = prompt.iter().find(|p| !KNOWN_PROMPTS.contains(&p.as_str())) {
        return Err((
            ErrorCode::InvalidRequest,
            format!("prompt `{unknown}` is not supported"),
        ));
    }
    if prompt.iter().any(|p| p == "none") && prompt.len() > 1 {
        return invalid("prompt=none cannot be combined with other values");
    }
    let max_age = match params.get("max_age").filter(|v| !v.is_empty()) {
        Some(v) => Some(v.parse::<u64>().map_err(|_| {
            (
                ErrorCode::InvalidRequest,
                "max_age must be a whole number of seconds".to_owned(),
            )
        })?),
        None => None,
    };
    let organization_id = match params.get("organization_id").filter(|v| !v.is_empty()) {
        Some(v) => Some(OrgId::parse(v).map_err(|e| (ErrorCode::InvalidRequest, e.to_string()))?),
        None => None,
    };
    let nonce = params.get("nonce").filter(|n| !n.is_empty()).map(|n| n.to_string());
    if nonce.as_ref().is_some_and(|n| n.len() > 512) || state.as_ref().is_some_and(|s| s.len() > 2048) {
        return invalid("state or nonce is too long");
    }
    let connection_id = match params.get("connection_id").filter(|v| !v.is_empty()) {
        Some(v) => Some(ConnectionId::parse(v).map_err(|e| (ErrorCode::InvalidRequest, e.to_string()))?),
        None => None,
    };
    let domain_hint = params
        .get("domain_hint")
        .filter(|h| !h.is_empty() && h.len() <= 253)
        .map(|h| h.trim().trim_end_matches('.').to_ascii_lowercase());
    let login_hint = params
        .get("login_hint")
        .filter(|h| !h.is_empty() && h.len() <= 320)
        .map(|h| h.to_string());
    Ok(Request {
        client,
        redirect_uri: redirect_uri.to_owned(),
        state,
        scope,
        nonce,
        code_challenge,
        prompt,
        max_age,
        login_hint,
        organization_id,
        connection_id,
        domain_hint,
        resource: None,
    })
}

/// The upstream IdP the request points at, if any: `connection_id` (it must
/// exist and be enabled), else the organization's enabled connection, else
/// the connection claiming `domain_hint`'s or `login_hint`'s domain.
async fn upstream(ctx: &Context, request: &Request) -> Result<Result<Option<ConnectionId>, String>, CoreError> {
    if let Some(id) = &request.connection_id {
        return Ok(match ctx.store.get_connection(id).await? {
            Some(c) if c.enabled => Ok(Some(c.id)),
            _ => Err(format!("there is no enabled connection `{id}`")),
        });
    }
    if let Some(org) = &request.organization_id {
        let found = ctx
            .store
            .list_connections(Some(org))
            .await?
            .into_iter()
            .find(|c| c.enabled);
        if let Some(c) = found {
            return Ok(Ok(Some(c.id)));
        }
    }
    let hinted = request.domain_hint.clone().or_else(|| {
        let hint = request.login_hint.as_deref()?;
        crate::values::Email::parse(hint).ok().map(|e| e.domain().to_owned())
    });
    if let Some(domain) = hinted {
        if let Some(c) = ctx.store.find_connection_by_domain(&domain).await? {
            return Ok(Ok(c.enabled.then_some(c.id)));
        }
    }
    Ok(Ok(None))
}

async fn decide(
    ctx: &Context,
    policy: &OAuthPolicy,
    request: Request,
    session: Option<Session>,
    answer: Option<bool>,
) -> Result<Outcome, CoreError> {
    let back = |code: ErrorCode, description: &str| {
        Outcome::Redirect(error_redirect(
            &request.redirect_uri,
            &policy.issuer,
            code,
            description,
            request.state.as_deref(),
        ))
    };
    let has = |p: &str| request.prompt.iter().any(|x| x == p);
    let hinted = request.connection_id.is_some()
        || request.organization_id.is_some()
        || request.domain_hint.is_some()
        || request.login_hint.is_some();
    let connection = if hinted {
        match upstream(ctx, &request).await? {
            Ok(found) => found,
            Err(description) => return Ok(back(ErrorCode::InvalidRequest, &description)),
        }
    } else {
        None
    };
    let sign_in = |signup| Outcome::SignIn {
        signup,
        login_hint: request.login_hint.clone(),
        connection: if signup { None } else { connection.clone() },
    };
    if has("create") {
        return Ok(sign_in(true));
    }
    if has("login") {
        return Ok(sign_in(false));
    }
    let now = ctx.clock.now();
    let fresh = |s: &Session| {
        request
            .max_age
            .is_none_or(|age| now.0 - s.auth_time.0 <= i64::try_from(age).unwrap_or(i64::MAX))
    };
    let Some(session) = session.filter(|s| s.is_live(now) && fresh(s)) else {
        if has("none") {
            return Ok(back(ErrorCode::LoginRequired, "the user is not signed in"));
        }
        return Ok(sign_in(false));
    };
    let organization = match request.organization_id.clone() {
        Some(org) => {
            if ctx.store.get_organization(&org).await?.is_none() {
                return Ok(back(
                    ErrorCode::InvalidRequest,
                    &format!("there is no organization `{org}`"),
                ));
            }
            if ctx.store.member_access(&org, &session.user_id).await?.is_none() {
                // An organization with SSO lets its IdP decide (which makes
                // the user a member), rather than refusing a signed-in outsider.
                if connection.is_some() && !has("none") {
                    return Ok(sign_in(false));
                }
                return Ok(back(
                    ErrorCode::AccessDenied,
                    "the user is not an active member of the requested organization",
                ));
            }
            Some(org)
        }
        None => {
            let mine = active_organizations(ctx, &session.user_id).await?;
            let remembered = session
                .organization_id
                .clone()
                .filter(|o| mine.iter().any(|m| &m.id == o));
            if has("select_account") && !mine.is_empty() || remembered.is_none() && mine.len() > 1 {
                if has("none") {
                    return Ok(back(
                        ErrorCode::AccountSelectionRequired,
                        "the user must choose an organization",
                    ));
                }
                return Ok(Outcome::PickOrganization(mine));
            }
            remembered.or_else(|| mine.first().filter(|_| mine.len() == 1).map(|o| o.id.clone()))
        }
    };
    // An organization's own session limits (which only tighten) apply here.
    if let Some(org) = &organization {
        if !crate::services::session_policy::allows(ctx, org, &session, true).await? {
            if has("none") {
                return Ok(back(
                    ErrorCode::LoginRequired,
                    "the organization's session policy requires signing in again",
                ));
            }
            return Ok(sign_in(false));
        }
    }
    if request.client.registration.is_third_party() {
        let resource = request.resource.as_ref().map(|r| r.identifier.as_str());
        match answer {
            Some(false) => return Ok(back(ErrorCode::AccessDenied, "the user did not allow the request")),
            Some(true) => remember_consent(ctx, &session, &request.client, resource, &request.scope).await?,
            None => {
                let remembered = ctx
                    .store
                    .find_consent(&session.user_id, &request.client.id, resource)
                    .await?;
                let covered = remembered.is_some_and(|c| request.scope.tokens().iter().all(|t| c.scopes.contains(t)));
                if has("consent") || !covered {
                    if has("none") {
                        return Ok(back(
                            ErrorCode::ConsentRequired,
                            "the user must allow this application first",
                        ));
                    }
                    return Ok(Outcome::Consent(Box::new(ConsentRequest {
                        domain: client_domain(&request.client),
                        client: request.client.clone(),
                        resource: request.resource.clone(),
                        scopes: request.scope.tokens().to_vec(),
                    })));
                }
            }
        }
    }
    let code = random_token(ctx.rng.as_ref());
    let record = AuthorizationCode {
        hash: SecretHash::of(&code),
        client_id: request.client.id.clone(),
        user_id: session.user_id.clone(),
        session_id: session.id.clone(),
        redirect_uri: request.redirect_uri.clone(),
        scope: request.scope.to_string(),
        nonce: request.nonce.clone(),
        code_challenge: request.code_challenge.clone(),
        organization_id: organization,
        resource: request.resource.as_ref().map(|r| r.identifier.clone()),
        auth_time: session.auth_time,
        created_at: now,
        expires_at: now.plus(policy.code_ttl),
    };
    ctx.store.insert_authorization_code(&record).await?;
    let mut pairs = vec![("code", code.as_str())];
    if let Some(state) = &request.state {
        pairs.push(("state", state));
    }
    pairs.push(("iss", &policy.issuer));
    Ok(Outcome::Redirect(with_query(&request.redirect_uri, &pairs)))
}

/// Keeps what the user allowed, with what they had allowed before, and audits it.
async fn remember_consent(
    ctx: &Context,
    session: &Session,
    client: &Client,
    resource: Option<&str>,
    scope: &Scope,
) -> Result<(), CoreError> {
    let before = ctx.store.find_consent(&session.user_id, &client.id, resource).await?;
    let mut scopes = before.as_ref().map(|c| c.scopes.clone()).unwrap_or_default();
    for token in scope.tokens() {
        if !scopes.contains(token) {
            scopes.push(token.clone());
        }
    }
    let consent = Consent {
        user_id: session.user_id.clone(),
        client_id: client.id.clone(),
        resource: resource.map(str::to_owned),
        scopes,
        granted_at: ctx.clock.now(),
    };
    ctx.store.put_consent(&consent).await?;
    let details = serde_json::json!({
        "client_id": client.id,
        "resource": resource,
        "before": before.map(|c| c.scopes),
        "after": consent.scopes,
    });
    let actor = Actor::User(session.user_id.to_string());
    audit::record(ctx, &actor, "consent.granted", Some(session.user_id.as_str()), details).await;
    Ok(())
}

/// Where a client says it lives, for the consent page.
pub fn client_domain(client: &Client) -> Option<String> {
    let own = (client.registration == crate::store::Registration::MetadataDocument).then(|| client.id.as_str());
    own.into_iter()
        .chain(client.client_uri.iter().map(String::as_str))
        .chain(client.redirect_uris.iter().map(|u| u.as_str()))
        .find_map(|u| Url::parse(u).ok()?.host_str().map(str::to_owned))
}

/// Exact match; for native clients, a loopback IP redirect matches on any port (RFC 8252 §7.3).
/// Only the port may differ: the URI asked for must already be in canonical
/// form, so spellings that a URL parser forgives (`http:/127.0.0.1:`,
/// `127.0.1`, `/a/../callback`) match nothing.
pub fn is_registered(client: &Client, redirect_uri: &str) -> bool {
    if client.redirect_uris.iter().any(|r| r.as_str() == redirect_uri) {
        return true;
    }
    if !client.native {
        return false;
    }
    let Ok(asked) = Url::parse(redirect_uri) else {
        return false;
    };
    if asked.as_str() != redirect_uri {
        return false;
    }
    if asked.scheme() != "http"
        || !matches!(asked.host(), Some(Host::Ipv4(ip)) if ip.is_loopback())
            && !matches!(asked.host(), Some(Host::Ipv6(ip)) if ip.is_loopback())
    {
        return false;
    }
    client
        .redirect_uris
        .iter()
        .filter_map(|r| Url::parse(r.as_str()).ok())
        .any(|mut registered| {
            let _ = registered.set_port(asked.port());
            registered == asked
        })
}

fn is_s256_challenge(challenge: &str) -> bool {
    challenge.len() == 43
        && challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

pub fn error_redirect(
    redirect_uri: &str,
    issuer: &str,
    code: ErrorCode,
    description: &str,
    state: Option<&str>,
) -> String {
    let mut pairs = vec![("error", code.as_str()), ("error_description", description)];
    if let Some(state) = state {
        pairs.push(("state", state));
    }
    pairs.push(("iss", issuer));
    with_query(redirect_uri, &pairs)
}

fn with_query(base: &str, pairs: &[(&str, &str)]) -> String {
    match Url::parse(base) {
        Ok(mut url) => {
            url.query_pairs_mut().extend_pairs(pairs);
            url.into()
        }
        Err(_) => base.to_owned(),
    }
}

/// The organizations where the user is an active member, by name.
async fn active_organizations(ctx: &Context, user: &UserId) -> Result<Vec<Organization>, CoreError> {
    let mut organizations = Vec::new();
    for membership in ctx.store.list_user_memberships(user).await? {
        if membership.status != MembershipStatus::Active {
            continue;
        }
        if let Some(org) = ctx.store.get_organization(&membership.organization_id).await? {
            organizations.push(org);
        }
    }
    organizations.sort_by_key(|o| o.name.to_lowercase());
    Ok(organizations)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Timestamp;
    use crate::crypto::Algorithm;
    use crate::store::Registration;
    use crate::values::{RedirectUri, UriPolicy};

    fn native(registered: &str) -> Client {
        let policy = UriPolicy {
            allow_http_loopback: true,
        };
        Client {
            id: ClientId::from_trusted("cli_01j00000000000000000000000".into()),
            name: "native".into(),
            kind: ClientKind::Public,
            redirect_uris: vec![RedirectUri::parse(registered, policy).unwrap()],
            post_logout_redirect_uris: Vec::new(),
            initiate_login_uri: None,
            backchannel_logout_uri: None,
            native: true,
            granted_scopes: Vec::new(),
            access_token_ttl_secs: None,
            id_token_algorithm: Algorithm::Es256,
            registration: Registration::Admin,
            registration_token_hash: None,
            client_uri: None,
            created_at: Timestamp(0),
            updated_at: Timestamp(0),
        }
    }

    #[test]
    fn a_native_loopback_uri_may_differ_in_its_port_only() {
        let client = native("http://127.0.0.1/callback");
        assert!(is_registered(&client, "http://127.0.0.1/callback"));
        assert!(is_registered(&client, "http://127.0.0.1:53312/callback"));
        for other in [
            "http://127.0.0.1:53312/other",
            "http://localhost:53312/callback",
            "http://127.0.0.1:53312/x/../callback",
            "http:/127.0.0.1:53312/callback",
            "HTTP://127.0.0.1:53312/callback",
        ] {
            assert!(!is_registered(&client, other), "{other}");
        }
    }

    /// Found by the `redirect_uri` fuzz target: a registered `127.0.1` (which
    /// parsers read as 127.0.0.1) matched the malformed `http:/127.0.0.1:`.
    #[test]
    fn forgiving_spellings_of_a_loopback_uri_match_nothing() {
        let client = native("http://127.0.1:300");
        assert!(!is_registered(&client, "http:/127.0.0.1:"));
        assert!(
            is_registered(&client, "http://127.0.1:300"),
            "the registered text itself still matches"
        );
    }
}
