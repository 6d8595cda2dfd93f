//! Passwordless sign-in: one mail carries both a six-digit code (typed on the
//! page that asked) and a magic link (clicked), each single use, short-lived,
//! and voided when a new mail is requested.

use super::mailer::{Mailer, Message};
use super::{six_digit_code, SignInPolicy};
use crate::context::Context;
use crate::crypto::{CodeHasher, SecretHash};
use crate::error::CoreError;
use crate::ids::{OneTimeTokenId, UserId};
use crate::oauth::OAuthPolicy;
use crate::rng::random_token;
use crate::services::audit::{self, Actor};
use crate::sessions::{self, Device};
use crate::store::{CodeAttempt, OneTimePurpose, OneTimeToken, Redemption, Session, User};
use crate::values::Email;
use serde_json::json;

#[derive(Debug)]
pub enum CodeSignIn {
    SignedIn {
        token: String,
        session: Box<Session>,
        return_to: Option<String>,
    },
    Wrong {
        attempts_left: u32,
    },
    /// Expired, used, voided by a newer mail, out of tries, or (for a link
    /// bound to a browser) opened in another browser.
    NoLiveCode,
    /// The user's organization requires SSO: they sign in through this connection instead.
    SsoRequired {
        connection: Box<crate::store::Connection>,
    },
}

/// What the page that asks for a code passes along.
pub struct CodeRequest<'a> {
    pub email: &'a str,
    /// Where the sign-in continues (kept with the magic link).
    pub return_to: &'a str,
    /// `{issuer}/login/link?token=` — the link's start.
    pub link_base: &'a str,
    /// A secret the asking browser keeps (in a cookie), when links must be
    /// opened in the same browser: the link only works together with it.
    pub browser_secret: Option<&'a str>,
}

fn link_hash(token: &str, browser_secret: Option<&str>) -> SecretHash {
    match browser_secret {
        Some(secret) => SecretHash::of(&format!("{token}:{secret}")),
        None => SecretHash::of(token),
    }
}

/// Mails a code and a link to the account's owner. Answers the same whether
/// or not the address has an account, after the same work: without one, the
/// mail says so, and a code and a link nobody is sent are stored all the
/// same, so a guessed code is as wrong (not as absent) as for a real account.
pub async fn request(
    ctx: &Context,
    policy: &SignInPolicy,
    codes: &CodeHasher,
    mailer: &dyn Mailer,
    request: CodeRequest<'_>,
) -> Result<Email, CoreError> {
    if !policy.methods.mail() {
        return Err(CoreError::invalid("method", "signing in by mail is turned off"));
    }
    let email = Email::parse(request.email).map_err(|e| CoreError::invalid("email", e.to_string()))?;
    let user = ctx.store.find_user_by_email(&email).await?;
    let user_id = user.as_ref().map(|u| u.id.as_str());
    let now = ctx.clock.now();
    let code = six_digit_code(ctx.rng.as_ref());
    let link_token = random_token(ctx.rng.as_ref());
    let token = |purpose, hash, max_attempts| OneTimeToken {
        id: OneTimeTokenId::generate(ctx.clock.as_ref(), ctx.rng.as_ref()),
        purpose,
        email: email.normalized().to_owned(),
        hash,
        payload: json!({ "user_id": user_id, "return_to": request.return_to }),
        attempts: 0,
        max_attempts,
        created_at: now,
        expires_at: now.plus(policy.code_ttl),
        consumed_at: None,
    };
    if policy.methods.email_code {
        let hash = codes.hash(email.normalized(), &code);
        ctx.store
            .issue_one_time_token(&token(OneTimePurpose::SignInCode, hash, policy.code_attempts))
            .await?;
    }
    if policy.methods.magic_link {
        let hash = link_hash(&link_token, request.browser_secret);
        ctx.store
            .issue_one_time_token(&token(OneTimePurpose::MagicLink, hash, 1))
            .await?;
    }
    let message = match user_id {
        Some(_) => Message::SignInCode {
            to: email.to_string(),
            code: policy.methods.email_code.then_some(code),
            link: policy
                .methods
                .magic_link
                .then(|| format!("{}{link_token}", request.link_base)),
            minutes: policy.code_ttl.as_secs().div_ceil(60),
        },
        None => Message::NoAccount { to: email.to_string() },
    };
    deliver(mailer, &message).await;
    let event = match user_id {
        Some(_) => "user.sign_in_code_sent",
        None => "user.sign_in_code_no_account",
    };
    audit::record(ctx, &Actor::Anonymous, event, user_id, json!({})).await;
    Ok(email)
}

async fn deliver(mailer: &dyn Mailer, message: &Message) {
    if let Err(err) = mailer.send(message).await {
        tracing::error!(%err, to = message.to(), "could not send mail");
    }
}

/// Checks a typed code.
pub async fn verify_code(
    ctx: &Context,
    oauth: &OAuthPolicy,
    codes: &CodeHasher,
    email: &str,
    code: &str,
    device: Device,
) -> Result<CodeSignIn, CoreError> {
    let email = Email::parse(email).map_err(|e| CoreError::invalid("email", e.to_string()))?;
    let hash = codes.hash(email.normalized(), code.trim());
    let attempt = ctx
        .store
        .attempt_one_time_code(OneTimePurpose::SignInCode, email.normalized(), &hash, ctx.clock.now())
        .await?;
    match attempt {
        CodeAttempt::Accepted(token) => finish(ctx, oauth, &token, "code", device).await,
        CodeAttempt::Wrong { attempts_left } => Ok(CodeSignIn::Wrong { attempts_left }),
        CodeAttempt::NoLiveCode => Ok(CodeSignIn::NoLiveCode),
    }
}

/// Redeems a clicked link.
pub async fn redeem_link(
    ctx: &Context,
    oauth: &OAuthPolicy,
    link_token: &str,
    browser_secret: Option<&str>,
    device: Device,
) -> Result<CodeSignIn, CoreError> {
    let hash = link_hash(link_token, browser_secret);
    match ctx
        .store
        .redeem_one_time_token(OneTimePurpose::MagicLink, &hash, ctx.clock.now())
        .await?
    {
        Redemption::Redeemed(token) => finish(ctx, oauth, &token, "link", device).await,
        Redemption::Used | Redemption::Expired | Redemption::Unknown => Ok(CodeSignIn::NoLiveCode),
    }
}

/// The mail reached its owner: the address is proved, and a session starts.
async fn finish(
    ctx: &Context,
    oauth: &OAuthPolicy,
    token: &OneTimeToken,
    how: &str,
    device: Device,
) -> Result<CodeSignIn, CoreError> {
    let user_id = token.payload["user_id"].as_str().and_then(|id| UserId::parse(id).ok());
    let user: Option<User> = match user_id {
        Some(id) => ctx.store.get_user(&id).await?,
        None => None,
    };
    let Some(mut user) = user else {
        return Ok(CodeSignIn::NoLiveCode);
    };
    if let Some(connection) = crate::services::connections::sso_required_for(ctx, &user.id).await? {
        return Ok(CodeSignIn::SsoRequired {
            connection: Box::new(connection),
        });
    }
    if !user.email_verified {
        user.email_verified = true;
        user.updated_at = ctx.clock.now();
        ctx.store.update_user(&user).await?;
    }
    let (cookie, session) = sessions::start(ctx, oauth, &user, vec!["otp".into()], None, device.clone()).await?;
    let details = json!({ "session_id": session.id, "method": how });
    audit::record_from(
        ctx,
        &Actor::User(user.id.to_string()),
        "user.signed_in",
        Some(user.id.as_str()),
        details,
        Some(&device),
    )
    .await;
    let return_to = token.payload["return_to"].as_str().map(str::to_owned);
    Ok(CodeSignIn::SignedIn {
        token: cookie,
        session: Box::new(session),
        return_to,
    })
}
