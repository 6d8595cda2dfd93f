//! Signing in through a SAML identity provider, in three steps, because the IdP answers with a
//! cross-site POST that carries none of the browser's SameSite cookies:
//!
//! 1. [`begin`] (a top-level GET in the browser): an AuthnRequest over HTTP-Redirect. Its ID,
//!    the connection and where to return are stored server-side as a one-time token found by
//!    `RelayState`, together with the hash of a secret only the browser's (Lax) cookie holds.
//! 2. [`accept`] (the ACS, the IdP's cross-site POST, no cookie): the request is found by
//!    `RelayState` and spent, the response verified against it (`hallpass-saml`), and the
//!    verified identity kept server-side under a random one-time handle. That token's id is
//!    derived from the assertion ID, so an assertion is accepted once: a replay is a conflict.
//! 3. [`finish`] (the 303 from the ACS turned into a same-site top-level GET, which carries the
//!    Lax cookie): the handle is spent, the browser must hold the secret the request was bound
//!    to (an `InResponseTo` of a request another browser made is refused here), and the user is
//!    signed in with the same account rules as OIDC SSO ([`super::sso::sign_in_as`]).
//!
//! An unsolicited (IdP-initiated) response is accepted only when the connection names an
//! `idp_initiated_client_id`; the user then lands at that client's `initiate_login_uri`.
//! Every refusal is audited (`user.sign_in_failed`, method `saml`) and creates nothing.

use super::sso::{sign_in_as, Failure, Profile, SsoError, SsoSignIn, Started, STATE_TTL};
use crate::clock::Timestamp;
use crate::context::Context;
use crate::crypto::{MasterKey, SecretHash};
use crate::error::CoreError;
use crate::ids::{ConnectionId, OneTimeTokenId};
use crate::oauth::OAuthPolicy;
use crate::rng::{random_bytes, random_token};
use crate::services::audit::{self, Actor};
use crate::services::saml_settings::{idp_config, idp_initiated_client, sp_config};
use crate::sessions::Device;
use crate::store::{Connection, ConnectionKind, OneTimePurpose, OneTimeToken, Redemption, StoreError};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hallpass_saml::{verify_response, Expected, VerifiedAssertion};
use serde_json::json;
use std::time::Duration;

/// How long the verified result waits for the browser's GET after the ACS's 303.
pub const HANDLE_TTL: Duration = Duration::from_secs(120);

/// The connection if it is a SAML one: `None` for another kind, `NoConnection` if it is a SAML
/// connection that is turned off.
pub async fn usable(ctx: &Context, id: &ConnectionId) -> Result<Option<Connection>, SsoError> {
    match ctx.store.get_connection(id).await? {
        Some(c) if c.kind == ConnectionKind::Saml && c.enabled => Ok(Some(c)),
        Some(c) if c.kind == ConnectionKind::Saml => Err(SsoError::NoConnection),
        _ => Ok(None),
    }
}

async fn saml_connection(ctx: &Context, id: &str) -> Result<Connection, SsoError> {
    let id = ConnectionId::parse(id).map_err(|_| SsoError::NoConnection)?;
    usable(ctx, &id).await?.ok_or(SsoError::NoConnection)
}

fn instant(t: Timestamp) -> time::OffsetDateTime {
    // The clock's seconds are always within OffsetDateTime's range.
    time::OffsetDateTime::from_unix_timestamp(t.0).unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

fn relay_hash(relay_state: &str) -> SecretHash {
    SecretHash::of(&format!("saml-relay:{relay_state}"))
}

fn browser_hash(browser_secret: &str) -> String {
    URL_SAFE_NO_PAD.encode(SecretHash::of(&format!("saml-browser:{browser_secret}")).as_bytes())
}

fn handle_hash(handle: &str) -> SecretHash {
    SecretHash::of(&format!("saml-handle:{handle}"))
}

/// Sends the browser to the IdP with an AuthnRequest (signed when the connection says so);
/// `return_to` is where the sign-in continues afterwards.
pub async fn begin(
    ctx: &Context,
    master: &MasterKey,
    issuer: &str,
    connection: &Connection,
    return_to: &str,
) -> Result<Started, SsoError> {
    let sp = sp_config(issuer, connection, master)?;
    let idp = idp_config(&connection.config)?;
    let rng = ctx.rng.as_ref();
    let (relay_state, browser_secret) = (random_token(rng), random_token(rng));
    let now = ctx.clock.now();
    let request = sp
        .authn_request(&idp, Some(&relay_state), random_bytes::<16>(rng), instant(now))
        .map_err(|e| CoreError::Key(format!("cannot make a SAML AuthnRequest: {e}")))?;
    let id = OneTimeTokenId::generate(ctx.clock.as_ref(), rng);
    ctx.store
        .issue_one_time_token(&OneTimeToken {
            email: id.to_string(),
            id,
            purpose: OneTimePurpose::SamlRequest,
            hash: relay_hash(&relay_state),
            payload: json!({
                "connection_id": connection.id,
                "request_id": request.id,
                "return_to": return_to,
                "browser": browser_hash(&browser_secret),
            }),
            attempts: 0,
            max_attempts: 1,
            created_at: now,
            expires_at: now.plus(STATE_TTL),
            consumed_at: None,
        })
        .await?;
    Ok(Started {
        authorize_url: request.url.into(),
        browser_secret,
    })
}

/// What the ACS hands the browser: the one-time handle of the verified result.
#[derive(Debug, Clone)]
pub struct Accepted {
    pub handle: String,
}

/// The ACS: verifies the IdP's `SAMLResponse` (decrypting its assertion with the connection's
/// SP key, if it has one) and keeps what it asserts under a handle.
pub async fn accept(
    ctx: &Context,
    master: &MasterKey,
    issuer: &str,
    connection_id: &str,
    saml_response: &str,
    relay_state: Option<&str>,
    device: &Device,
) -> Result<Accepted, Failure> {
    let mut return_to = None;
    let inner = accept_inner(
        ctx,
        master,
        issuer,
        connection_id,
        saml_response,
        relay_state,
        &mut return_to,
    );
    match inner.await {
        Ok(accepted) => Ok(accepted),
        Err(error) => Err(refused(ctx, connection_id, error, return_to, device).await),
    }
}

async fn accept_inner(
    ctx: &Context,
    master: &MasterKey,
    issuer: &str,
    connection_id: &str,
    saml_response: &str,
    relay_state: Option<&str>,
    return_to: &mut Option<String>,
) -> Result<Accepted, SsoError> {
    let connection = saml_connection(ctx, connection_id).await?;
    let now = ctx.clock.now();
    // The request this answers, spent whatever the outcome. A RelayState that finds none (an
    // IdP's own relay state in an IdP-initiated sign-in, or a request used already) leaves the
    // response unsolicited, which the verification then refuses unless the connection allows it.
    let request = match relay_state.filter(|r| !r.is_empty()) {
        Some(relay) => match ctx
            .store
            .redeem_one_time_token(OneTimePurpose::SamlRequest, &relay_hash(relay), now)
            .await?
        {
            Redemption::Redeemed(flow) if flow.payload["connection_id"].as_str() == Some(connection.id.as_str()) => {
                Some(flow.payload)
            }
            _ => None,
        },
        None => None,
    };
    let text = |k: &str| request.as_ref().and_then(|p| p[k].as_str()).map(str::to_owned);
    *return_to = text("return_to");
    let allow_idp_initiated = request.is_none() && idp_initiated_client(&connection).is_some();
    let expected = Expected {
        in_response_to: request.as_ref().and_then(|p| p["request_id"].as_str()),
        allow_idp_initiated,
    };
    let sp = sp_config(issuer, &connection, master)?;
    let idp = idp_config(&connection.config)?;
    let verified = verify_response(&sp, &idp, saml_response, expected, instant(now)).map_err(SsoError::Saml)?;
    let profile = profile_of(&verified);
    let handle = random_token(ctx.rng.as_ref());
    let id = assertion_token_id(&connection.id, &verified.assertion_id);
    let issued = ctx
        .store
        .issue_one_time_token(&OneTimeToken {
            email: id.to_string(),
            id,
            purpose: OneTimePurpose::SamlAssertion,
            hash: handle_hash(&handle),
            payload: json!({
                "connection_id": connection.id,
                "subject": profile.subject,
                "email": profile.email,
                "name": profile.name,
                "return_to": return_to.clone(),
                "browser": text("browser"),
                "idp_initiated": request.is_none(),
            }),
            attempts: 0,
            max_attempts: 1,
            created_at: now,
            expires_at: now.plus(HANDLE_TTL),
            consumed_at: None,
        })
        .await;
    match issued {
        Ok(()) => Ok(Accepted { handle }),
        Err(StoreError::Conflict(_)) => Err(SsoError::Replayed),
        Err(err) => Err(err.into()),
    }
}

/// One id per (connection, assertion ID): the replay check is the store's uniqueness of ids.
fn assertion_token_id(connection: &ConnectionId, assertion_id: &str) -> OneTimeTokenId {
    let digest = SecretHash::of(&format!("saml-assertion:{connection}:{assertion_id}"));
    let mut first = [0u8; 16];
    first.copy_from_slice(&digest.as_bytes()[..16]);
    OneTimeTokenId::derived(first)
}

fn profile_of(v: &VerifiedAssertion) -> Profile {
    let joined = match (&v.given_name, &v.family_name) {
        (Some(g), Some(f)) => Some(format!("{g} {f}")),
        (Some(n), None) | (None, Some(n)) => Some(n.clone()),
        (None, None) => None,
    };
    Profile {
        subject: v.name_id.clone(),
        email: v.email.clone(),
        // An enterprise connection vouches by its domains, not by this flag.
        email_verified: false,
        name: v.display_name.clone().or(joined),
    }
}

/// Where the browser goes once signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// Back into the pending authorization request (SP-initiated).
    ReturnTo(String),
    /// The client's `initiate_login_uri` with `iss` (IdP-initiated): the app starts an ordinary
    /// sign-in, which completes without asking.
    InitiateLogin(String),
}

#[derive(Debug)]
pub struct SamlSignIn {
    pub signed_in: SsoSignIn,
    pub next: Next,
}

/// The same-site GET after the ACS: spends the handle, checks the browser, signs in.
pub async fn finish(
    ctx: &Context,
    oauth: &OAuthPolicy,
    connection_id: &str,
    handle: &str,
    browser_secret: Option<&str>,
    device: Device,
) -> Result<SamlSignIn, Failure> {
    let mut return_to = None;
    match finish_inner(
        ctx,
        oauth,
        connection_id,
        handle,
        browser_secret,
        &device,
        &mut return_to,
    )
    .await
    {
        Ok(done) => Ok(done),
        Err(error) => Err(refused(ctx, connection_id, error, return_to, &device).await),
    }
}

async fn finish_inner(
    ctx: &Context,
    oauth: &OAuthPolicy,
    connection_id: &str,
    handle: &str,
    browser_secret: Option<&str>,
    device: &Device,
    return_to: &mut Option<String>,
) -> Result<SamlSignIn, SsoError> {
    let now = ctx.clock.now();
    let Redemption::Redeemed(result) = ctx
        .store
        .redeem_one_time_token(OneTimePurpose::SamlAssertion, &handle_hash(handle), now)
        .await?
    else {
        return Err(SsoError::BadState);
    };
    let payload = result.payload;
    let text = |k: &str| payload[k].as_str().map(str::to_owned);
    *return_to = text("return_to");
    if text("connection_id").as_deref() != Some(connection_id) {
        return Err(SsoError::BadState);
    }
    // SP-initiated: the browser that made the request must be the one finishing.
    if let Some(bound) = text("browser") {
        let presented = browser_secret.map(browser_hash).unwrap_or_default();
        if !SecretHash::of(&presented).ct_eq(&SecretHash::of(&bound)) {
            return Err(SsoError::BadState);
        }
    }
    let connection = saml_connection(ctx, connection_id).await?;
    let profile = Profile {
        subject: text("subject").unwrap_or_default(),
        email: text("email"),
        email_verified: false,
        name: text("name"),
    };
    let idp_initiated = payload["idp_initiated"].as_bool() == Some(true);
    let next = if idp_initiated {
        Next::InitiateLogin(initiate_login(ctx, &connection, &oauth.issuer).await?)
    } else {
        Next::ReturnTo(return_to.clone().unwrap_or_else(|| "/account".to_owned()))
    };
    let signed_in = sign_in_as(
        ctx,
        oauth,
        &connection,
        &profile,
        device.clone(),
        return_to.clone().unwrap_or_default(),
    )
    .await?;
    Ok(SamlSignIn { signed_in, next })
}

/// OpenID Connect Core §4 (third-party initiated login): the client's `initiate_login_uri`
/// with `iss`, so the app starts its ordinary sign-in at this issuer.
async fn initiate_login(ctx: &Context, connection: &Connection, issuer: &str) -> Result<String, SsoError> {
    let client = match idp_initiated_client(connection) {
        Some(id) => ctx.store.get_client(&id).await?,
        None => None,
    };
    let uri = client
        .and_then(|c| c.initiate_login_uri)
        .ok_or(SsoError::Saml(hallpass_saml::ResponseError::Unsolicited))?;
    let mut url = url::Url::parse(&uri).map_err(|_| CoreError::invalid("initiate_login_uri", "is not a URL"))?;
    url.query_pairs_mut().append_pair("iss", issuer);
    Ok(url.into())
}

/// Audits a refused sign-in and hands back what the error page needs.
async fn refused(
    ctx: &Context,
    connection_id: &str,
    error: SsoError,
    return_to: Option<String>,
    device: &Device,
) -> Failure {
    let details = json!({ "method": "saml", "connection_id": connection_id, "reason": error.to_string() });
    audit::record_from(
        ctx,
        &Actor::Anonymous,
        "user.sign_in_failed",
        None,
        details,
        Some(device),
    )
    .await;
    Failure { error, return_to }
}
