//! Signing in through another identity provider (enterprise SSO and social
//! sign-in): [`begin`] sends the browser to the IdP with code + PKCE S256 +
//! state + nonce; [`finish`] takes the IdP's answer back, proves it, finds or
//! makes the user, and starts a session with `amr` `sso` or `social`.
//!
//! The flow's state lives server-side as a single-use one-time token whose
//! hash covers both `state` (which comes back in the URL) and a secret only
//! the browser that started holds (a cookie the IdP's top-level GET redirect
//! carries): a callback from another browser, a replayed one or an expired
//! one finds nothing. Nothing is created unless every check passed.

use crate::clock::Timestamp;
use crate::context::Context;
use crate::crypto::{MasterKey, SecretHash};
use crate::error::CoreError;
use crate::ids::{ConnectionId, OneTimeTokenId, UserId};
use crate::oauth::OAuthPolicy;
use crate::rng::random_token;
use crate::services::audit::{self, Actor};
use crate::services::connections::{redirect_uri, secrets};
use crate::services::memberships;
use crate::services::roles::MEMBER_ROLE;
use crate::sessions::{self, Device};
use crate::store::{Connection, OneTimePurpose, OneTimeToken, Redemption, Session, StoreError, User, UserIdentity};
use crate::upstream::discovery::{Discovery, Endpoints};
use crate::upstream::id_token::{self, Expected};
use crate::upstream::{fetch_json, OutboundRequest, UpstreamError};
use crate::values::Email;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::{json, Value};
use std::time::Duration;

/// How long a sign-in at the IdP may take before its state expires.
pub const STATE_TTL: Duration = Duration::from_secs(600);

/// Why a sign-in through an IdP did not happen, for the page that says so.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SsoError {
    #[error("this sign-in option does not exist or is turned off")]
    NoConnection,
    /// The IdP answered with an error (`access_denied`: the user said no).
    #[error("the identity provider refused: {error} {description}")]
    Denied { error: String, description: String },
    /// No live state for this browser: expired, used already, or started elsewhere.
    #[error("the sign-in expired, was already used, or was started in another browser")]
    BadState,
    #[error(transparent)]
    Upstream(#[from] UpstreamError),
    /// The IdP gave no address Hallpass may use.
    #[error("{0}")]
    NoEmail(String),
    /// An account has the address, and this connection may not vouch for it.
    #[error("an account with this email address already exists")]
    AccountExists,
    /// A SAML response failed a check (or said the sign-in failed): nothing from it was used.
    #[error("the SAML response was refused: {0}")]
    Saml(hallpass_saml::ResponseError),
    /// This assertion was accepted once already.
    #[error("this SAML assertion was already used")]
    Replayed,
    #[error(transparent)]
    Core(#[from] CoreError),
}

impl From<crate::store::StoreError> for SsoError {
    fn from(err: crate::store::StoreError) -> SsoError {
        SsoError::Core(err.into())
    }
}

/// What the browser is sent to, and the secret it must keep for the return.
#[derive(Debug, Clone)]
pub struct Started {
    pub authorize_url: String,
    pub browser_secret: String,
}

fn state_hash(state: &str, browser_secret: &str) -> SecretHash {
    SecretHash::of(&format!("sso:{state}:{browser_secret}"))
}

fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA256,
        verifier.as_bytes(),
    ))
}

async fn usable(ctx: &Context, id: &ConnectionId) -> Result<Connection, SsoError> {
    match ctx.store.get_connection(id).await? {
        Some(c) if c.enabled && c.kind != crate::store::ConnectionKind::Saml => Ok(c),
        _ => Err(SsoError::NoConnection),
    }
}

/// Starts a sign-in at the connection's IdP; `return_to` is where the
/// sign-in continues afterwards (the pending authorization request).
pub async fn begin(
    ctx: &Context,
    discovery: &Discovery,
    master: &MasterKey,
    issuer: &str,
    connection: &ConnectionId,
    return_to: &str,
    login_hint: Option<&str>,
) -> Result<Started, SsoError> {
    if let Some(saml) = super::saml::usable(ctx, connection).await? {
        return super::saml::begin(ctx, master, issuer, &saml, return_to).await;
    }
    let connection = usable(ctx, connection).await?;
    let now = ctx.clock.now();
    let endpoints = discovery.endpoints(&connection, now).await?;
    let rng = ctx.rng.as_ref();
    let (state, nonce, verifier, browser_secret) = (
        random_token(rng),
        random_token(rng),
        random_token(rng),
        random_token(rng),
    );
    let id = OneTimeTokenId::generate(ctx.clock.as_ref(), rng);
    let token = OneTimeToken {
        // A flow of its own: keyed by its id, so a new flow voids no other.
        email: id.to_string(),
        id,
        purpose: OneTimePurpose::SsoState,
        hash: state_hash(&state, &browser_secret),
        payload: json!({
            "connection_id": connection.id,
            "nonce": nonce,
            "code_verifier": verifier,
            "return_to": return_to,
        }),
        attempts: 0,
        max_attempts: 1,
        created_at: now,
        expires_at: now.plus(STATE_TTL),
        consumed_at: None,
    };
    ctx.store.issue_one_time_token(&token).await?;
    let mut url = url::Url::parse(&endpoints.authorization_endpoint)
        .map_err(|_| UpstreamError::Invalid("the authorization endpoint is not a URL".into()))?;
    {
        let mut query = url.query_pairs_mut();
        query
            .append_pair("response_type", "code")
            .append_pair("client_id", &endpoints.client_id)
            .append_pair("redirect_uri", &redirect_uri(issuer, &connection.id))
            .append_pair("scope", &endpoints.scopes.join(" "))
            .append_pair("state", &state)
            .append_pair("code_challenge", &challenge(&verifier))
            .append_pair("code_challenge_method", "S256");
        if endpoints.openid {
            query.append_pair("nonce", &nonce);
        }
        if let Some(hint) = login_hint.filter(|h| !h.is_empty()) {
            query.append_pair(if endpoints.openid { "login_hint" } else { "login" }, hint);
        }
    }
    Ok(Started {
        authorize_url: url.into(),
        browser_secret,
    })
}

/// The IdP's answer as it came back to `/login/sso/{connection}/callback`.
pub struct Callback<'a> {
    pub connection: &'a str,
    pub params: &'a [(String, String)],
    /// The secret the browser kept since [`begin`], if it sent one.
    pub browser_secret: Option<&'a str>,
    pub device: Device,
}

#[derive(Debug)]
pub struct SsoSignIn {
    pub token: String,
    pub session: Box<Session>,
    pub return_to: String,
    pub user: User,
    pub created: bool,
}

/// What the IdP says about the user.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: Option<String>,
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// A sign-in that did not happen, and where it came from when that is known
/// (the pending authorization request, for a way back to the app).
#[derive(Debug)]
pub struct Failure {
    pub error: SsoError,
    pub return_to: Option<String>,
}

/// Proves the IdP's answer, finds or makes the user, starts the session.
pub async fn finish(
    ctx: &Context,
    oauth: &OAuthPolicy,
    discovery: &Discovery,
    master: &MasterKey,
    callback: Callback<'_>,
) -> Result<SsoSignIn, Failure> {
    let state = param(callback.params, "state").unwrap_or_default();
    // The state is spent first, whatever the answer: a callback works once.
    let hash = state_hash(state, callback.browser_secret.unwrap_or_default());
    let redeemed = ctx
        .store
        .redeem_one_time_token(OneTimePurpose::SsoState, &hash, ctx.clock.now())
        .await
        .map_err(|e| Failure {
            error: e.into(),
            return_to: None,
        })?;
    let return_to = match &redeemed {
        Redemption::Redeemed(flow) => flow.payload["return_to"].as_str().map(str::to_owned),
        _ => None,
    };
    complete(ctx, oauth, discovery, master, callback, redeemed)
        .await
        .map_err(|error| Failure { error, return_to })
}

async fn complete(
    ctx: &Context,
    oauth: &OAuthPolicy,
    discovery: &Discovery,
    master: &MasterKey,
    callback: Callback<'_>,
    redeemed: Redemption,
) -> Result<SsoSignIn, SsoError> {
    let connection_id = ConnectionId::parse(callback.connection).map_err(|_| SsoError::NoConnection)?;
    let now = ctx.clock.now();
    if let Some(error) = param(callback.params, "error") {
        return Err(SsoError::Denied {
            error: error.chars().take(100).collect(),
            description: param(callback.params, "error_description")
                .unwrap_or_default()
                .chars()
                .take(300)
                .collect(),
        });
    }
    let Redemption::Redeemed(flow) = redeemed else {
        return Err(SsoError::BadState);
    };
    if flow.payload["connection_id"].as_str() != Some(connection_id.as_str()) {
        return Err(SsoError::BadState);
    }
    let connection = usable(ctx, &connection_id).await?;
    let endpoints = discovery.endpoints(&connection, now).await?;
    // RFC 9207: an IdP that names itself must be the one asked.
    if let (Some(iss), Some(expected)) = (param(callback.params, "iss"), &endpoints.issuer) {
        if !expected.contains(crate::upstream::presets::TENANT_PLACEHOLDER) && iss != expected {
            return Err(UpstreamError::Invalid(format!("the answer comes from {iss}, not {expected}")).into());
        }
    }
    let code = param(callback.params, "code")
        .filter(|c| !c.is_empty())
        .ok_or_else(|| UpstreamError::Invalid("the answer carries no code".into()))?;
    let client_secret = secrets(master, &connection)?
        .get("client_secret")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let verifier = flow.payload["code_verifier"].as_str().unwrap_or_default();
    let nonce = flow.payload["nonce"].as_str().unwrap_or_default();
    let return_to = flow.payload["return_to"].as_str().unwrap_or("/account").to_owned();
    let redirect = redirect_uri(&oauth.issuer, &connection.id);
    let tokens = exchange(discovery, &endpoints, code, verifier, &redirect, &client_secret).await?;
    let profile = if endpoints.openid {
        oidc_profile(discovery, &connection, &endpoints, &tokens, nonce, now).await?
    } else {
        github_profile(discovery, &endpoints, &tokens).await?
    };
    sign_in_as(ctx, oauth, &connection, &profile, callback.device, return_to).await
}

/// The account rules every upstream sign-in ends in (OIDC, OAuth and SAML alike): find or make
/// the user ([`account`]), make them a member of an enterprise connection's organization, and
/// start the session with `amr` `sso` (enterprise) or `social`.
pub(crate) async fn sign_in_as(
    ctx: &Context,
    oauth: &OAuthPolicy,
    connection: &Connection,
    profile: &Profile,
    device: Device,
    return_to: String,
) -> Result<SsoSignIn, SsoError> {
    let (user, created) = account(ctx, connection, profile).await?;
    let amr = if connection.organization_id.is_some() {
        "sso"
    } else {
        "social"
    };
    if let Some(org) = &connection.organization_id {
        if ctx.store.get_membership(org, &user.id).await?.is_none() {
            let actor = Actor::User(user.id.to_string());
            memberships::put_member(ctx, org, &user.id, Some(vec![MEMBER_ROLE.to_owned()]), &actor).await?;
        }
    }
    let (token, session) = sessions::start(
        ctx,
        oauth,
        &user,
        vec![amr.to_owned()],
        connection.organization_id.clone(),
        device.clone(),
    )
    .await?;
    audit::record_from(
        ctx,
        &Actor::User(user.id.to_string()),
        "user.signed_in",
        Some(user.id.as_str()),
        json!({ "session_id": session.id, "method": amr, "connection_id": connection.id }),
        Some(&device),
    )
    .await;
    Ok(SsoSignIn {
        token,
        session: Box::new(session),
        return_to,
        user,
        created,
    })
}

/// The code for tokens at the IdP's token endpoint (RFC 6749 §4.1.3, with
/// the PKCE verifier), the client authenticated as the IdP supports.
async fn exchange(
    discovery: &Discovery,
    endpoints: &Endpoints,
    code: &str,
    verifier: &str,
    redirect: &str,
    client_secret: &str,
) -> Result<Value, SsoError> {
    let mut form = vec![
        ("grant_type".to_owned(), "authorization_code".to_owned()),
        ("code".to_owned(), code.to_owned()),
        ("redirect_uri".to_owned(), redirect.to_owned()),
        ("code_verifier".to_owned(), verifier.to_owned()),
    ];
    let mut request = OutboundRequest::post_form(&endpoints.token_endpoint, Vec::new());
    if endpoints.secret_in_body() || !endpoints.openid {
        form.push(("client_id".to_owned(), endpoints.client_id.clone()));
        form.push(("client_secret".to_owned(), client_secret.to_owned()));
    } else {
        // RFC 6749 §2.3.1: each part form-encoded before the Basic encoding.
        let enc = |v: &str| url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>();
        let basic = STANDARD.encode(format!("{}:{}", enc(&endpoints.client_id), enc(client_secret)));
        request = request.header("authorization", &format!("Basic {basic}"));
    }
    request.form = form;
    let tokens = fetch_json(discovery.outbound(), request).await?;
    // GitHub answers a refused code with 200 and an `error`.
    if let Some(error) = tokens.get("error").and_then(Value::as_str) {
        let description = tokens
            .get("error_description")
            .and_then(Value::as_str)
            .unwrap_or_default();
        return Err(UpstreamError::Invalid(format!("the code was refused: {error} {description}")).into());
    }
    if tokens.get("access_token").and_then(Value::as_str).is_none() {
        return Err(UpstreamError::Invalid("the token response has no access_token".into()).into());
    }
    Ok(tokens)
}

fn bearer(url: &str, tokens: &Value) -> OutboundRequest {
    let access = tokens.get("access_token").and_then(Value::as_str).unwrap_or_default();
    OutboundRequest::get(url)
        .header("authorization", &format!("Bearer {access}"))
        .header("user-agent", "Hallpass")
}

async fn oidc_profile(
    discovery: &Discovery,
    connection: &Connection,
    endpoints: &Endpoints,
    tokens: &Value,
    nonce: &str,
    now: Timestamp,
) -> Result<Profile, SsoError> {
    let id_token = tokens
        .get("id_token")
        .and_then(Value::as_str)
        .ok_or_else(|| UpstreamError::Invalid("the token response has no id_token".into()))?;
    let kid = id_token::kid(id_token)?;
    let keys = discovery.keys(connection, endpoints, &kid, now).await?;
    let expected = Expected {
        issuer: endpoints.issuer.as_deref().unwrap_or_default(),
        client_id: &endpoints.client_id,
        nonce,
        now,
    };
    let claims = id_token::verify(id_token, &keys, &expected)?;
    let joined = match (&claims.given_name, &claims.family_name) {
        (Some(g), Some(f)) => Some(format!("{g} {f}")),
        (Some(n), None) | (None, Some(n)) => Some(n.clone()),
        (None, None) => None,
    };
    // Entra ID never sends `email_verified`; it vouches for `email` only
    // through `xms_edov`, an optional claim its admin turns on.
    let entra_vouches =
        connection.kind == crate::store::ConnectionKind::Microsoft && id_token::verified(claims.xms_edov.as_ref());
    let mut profile = Profile {
        subject: claims.sub.clone(),
        email: claims.email.clone(),
        email_verified: id_token::verified(claims.email_verified.as_ref()) || entra_vouches,
        name: claims.name.clone().or(joined),
    };
    if profile.email.is_none() {
        if let Some(url) = &endpoints.userinfo_endpoint {
            let info = fetch_json(discovery.outbound(), bearer(url, tokens)).await?;
            // OpenID Connect Core §5.3.2: userinfo about someone else is ignored.
            if info.get("sub").and_then(Value::as_str) != Some(profile.subject.as_str()) {
                return Err(UpstreamError::Invalid("userinfo describes another subject".into()).into());
            }
            profile.email = info.get("email").and_then(Value::as_str).map(str::to_owned);
            profile.email_verified = id_token::verified(info.get("email_verified"));
            if profile.name.is_none() {
                profile.name = info.get("name").and_then(Value::as_str).map(str::to_owned);
            }
        }
    }
    // Entra ID work accounts often carry the address only as the username.
    if profile.email.is_none() {
        profile.email = claims.preferred_username.filter(|u| Email::parse(u).is_ok());
        profile.email_verified = false;
    }
    Ok(profile)
}

/// GitHub: `GET /user` for the account, `GET /user/emails` for its primary
/// address, used only if GitHub has verified it.
async fn github_profile(discovery: &Discovery, endpoints: &Endpoints, tokens: &Value) -> Result<Profile, SsoError> {
    let base = endpoints
        .userinfo_endpoint
        .as_deref()
        .ok_or_else(|| UpstreamError::Invalid("no user endpoint".into()))?;
    let user = fetch_json(discovery.outbound(), bearer(base, tokens)).await?;
    let subject = match user.get("id") {
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        _ => return Err(UpstreamError::Invalid("the GitHub user has no id".into()).into()),
    };
    let emails = fetch_json(discovery.outbound(), bearer(&format!("{base}/emails"), tokens)).await?;
    let primary = emails.as_array().and_then(|list| {
        list.iter().find(|e| {
            e.get("primary").and_then(Value::as_bool) == Some(true)
                && e.get("verified").and_then(Value::as_bool) == Some(true)
        })
    });
    let Some(email) = primary.and_then(|e| e.get("email")).and_then(Value::as_str) else {
        return Err(SsoError::NoEmail(
            "Your GitHub account has no verified primary email address. Verify it at GitHub, then try again.".into(),
        ));
    };
    let text = |k: &str| {
        user.get(k)
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    Ok(Profile {
        subject,
        email: Some(email.to_owned()),
        email_verified: true,
        name: text("name").or_else(|| text("login")),
    })
}

/// The user this identity belongs to: by link, else by email where the
/// connection may vouch for the address (an enterprise connection for its
/// own domains, a social one that says it verified it), else a new one.
async fn account(ctx: &Context, connection: &Connection, profile: &Profile) -> Result<(User, bool), SsoError> {
    if let Some(identity) = ctx.store.find_identity(&connection.id, &profile.subject).await? {
        if let Some(user) = ctx.store.get_user(&identity.user_id).await? {
            return Ok((user, false));
        }
    }
    let Some(email) = profile.email.as_deref().and_then(|e| Email::parse(e).ok()) else {
        return Err(SsoError::NoEmail(
            "The identity provider did not share a usable email address.".into(),
        ));
    };
    let vouches = match &connection.organization_id {
        Some(_) => connection.domains.iter().any(|d| d == email.domain()),
        None => profile.email_verified,
    };
    let now = ctx.clock.now();
    let existing = ctx.store.find_user_by_email(&email).await?;
    let (mut user, created) = match existing {
        Some(user) if vouches => (user, false),
        Some(_) => return Err(SsoError::AccountExists),
        // An account made from an address nobody proved would be waiting,
        // linked to this IdP's subject, for the address's owner to sign in
        // to later (pre-account takeover): no account without proof.
        None if !vouches => {
            return Err(SsoError::NoEmail(match connection.organization_id {
                Some(_) => "The identity provider gave an address outside the organization's domains.".into(),
                None => "The identity provider did not confirm your email address, so it cannot open an account here. Confirm it there, or sign up with your email address.".into(),
            }))
        }
        None => {
            let user = User {
                id: UserId::generate(ctx.clock.as_ref(), ctx.rng.as_ref()),
                email: email.clone(),
                email_verified: vouches,
                name: profile.name.clone().map(|n| n.chars().take(200).collect()),
                password_hash: None,
                external_id: None,
                metadata: json!({}),
                created_at: now,
                updated_at: now,
            };
            match ctx.store.insert_user(&user).await {
                Ok(()) => (user, true),
                // The same person's first sign-in in another tab made the
                // account a moment ago: this one joins it.
                Err(StoreError::Conflict(_)) => match ctx.store.find_user_by_email(&email).await? {
                    Some(user) => (user, false),
                    None => return Err(StoreError::Conflict("email").into()),
                },
                Err(err) => return Err(err.into()),
            }
        }
    };
    if vouches && !user.email_verified {
        user.email_verified = true;
        user.updated_at = now;
        ctx.store.update_user(&user).await?;
    }
    let identity = UserIdentity {
        connection_id: connection.id.clone(),
        subject: profile.subject.clone(),
        user_id: user.id.clone(),
        created_at: now,
    };
    match ctx.store.link_identity(&identity).await {
        Ok(()) => {}
        // Linked by a sign-in that ran beside this one: fine if to this user.
        Err(StoreError::Conflict(_)) => match ctx.store.find_identity(&connection.id, &profile.subject).await? {
            Some(linked) if linked.user_id == user.id => return Ok((user, created)),
            _ => return Err(SsoError::AccountExists),
        },
        Err(err) => return Err(err.into()),
    }
    let actor = Actor::User(user.id.to_string());
    let details = json!({ "connection_id": connection.id, "subject": profile.subject, "email": email.as_str() });
    if created {
        audit::record(ctx, &actor, "user.created", Some(user.id.as_str()), details.clone()).await;
    }
    audit::record(ctx, &actor, "user.identity_linked", Some(user.id.as_str()), details).await;
    Ok((user, created))
}
