//! Signing up: the address is proved by a code before any account exists, so
//! an abandoned sign-up leaves nothing behind and can simply start again. The
//! code works only in the browser that started the sign-up (it is hashed with
//! a secret that browser keeps), so a second sign-up for the same address from
//! elsewhere cannot have the first one's owner verify it.

use super::mailer::{Mailer, Message};
use super::{six_digit_code, SignInPolicy};
use crate::context::Context;
use crate::crypto::CodeHasher;
use crate::error::CoreError;
use crate::ids::{OneTimeTokenId, UserId};
use crate::oauth::OAuthPolicy;
use crate::rng::random_bytes;
use crate::services::audit::{self, Actor};
use crate::services::passwords::check_new_password;
use crate::sessions::{self, Device};
use crate::store::{CodeAttempt, OneTimePurpose, OneTimeToken, Session, User};
use crate::values::Email;
use serde_json::json;

#[derive(Debug)]
pub enum Verification {
    /// The account exists now, and a session with it.
    SignedIn {
        token: String,
        session: Box<Session>,
    },
    Wrong {
        attempts_left: u32,
    },
    /// No live code: expired, used, or out of tries.
    NoLiveCode,
}

/// What the sign-up form sends.
pub struct SignUp<'a> {
    pub email: &'a str,
    pub name: Option<&'a str>,
    pub password: &'a str,
    /// The secret the asking browser keeps (in a cookie).
    pub browser_secret: &'a str,
}

/// Checks the input, then mails a code. Answers the same whether or not the
/// address already has an account (its owner gets a different mail).
pub async fn start(
    ctx: &Context,
    policy: &SignInPolicy,
    codes: &CodeHasher,
    mailer: &dyn Mailer,
    form: SignUp<'_>,
) -> Result<Email, CoreError> {
    let SignUp {
        email,
        name,
        password,
        browser_secret,
    } = form;
    let email = Email::parse(email).map_err(|e| CoreError::invalid("email", e.to_string()))?;
    let name = name.map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
    if name.as_ref().is_some_and(|n| n.chars().count() > 200) {
        return Err(CoreError::invalid("name", "must be at most 200 characters"));
    }
    // Without passwords, an account is one proved address; sign-in is by mail.
    let password = policy.methods.password.then_some(password);
    if let Some(password) = password {
        check_new_password(password)?;
    }
    // The same work whether or not the address has an account: Argon2id, a
    // stored code (never sent to an owner who already has an account, so a
    // guess is as wrong as for a new address), one mail and one audit event.
    let exists = ctx.store.find_user_by_email(&email).await?.is_some();
    let password_hash = match password {
        Some(password) => {
            let salt = random_bytes::<16>(ctx.rng.as_ref());
            Some(policy.passwords.hash_in(&ctx.hashing, password, &salt).await?)
        }
        None => None,
    };
    let code = six_digit_code(ctx.rng.as_ref());
    let now = ctx.clock.now();
    let token = OneTimeToken {
        id: OneTimeTokenId::generate(ctx.clock.as_ref(), ctx.rng.as_ref()),
        purpose: OneTimePurpose::EmailVerification,
        email: email.normalized().to_owned(),
        hash: codes.hash_for_browser(email.normalized(), &code, browser_secret),
        payload: json!({ "email": email.as_str(), "name": name, "password_hash": password_hash }),
        attempts: 0,
        max_attempts: policy.code_attempts,
        created_at: now,
        expires_at: now.plus(policy.code_ttl),
        consumed_at: None,
    };
    ctx.store.issue_one_time_token(&token).await?;
    let minutes = policy.code_ttl.as_secs().div_ceil(60);
    let (message, event) = if exists {
        (
            Message::AccountExists { to: email.to_string() },
            "user.signup_account_exists",
        )
    } else {
        let to = email.to_string();
        (Message::SignupCode { to, code, minutes }, "user.signup_code_sent")
    };
    send(mailer, &message).await;
    let details = json!({ "email": email.normalized() });
    audit::record(ctx, &Actor::Anonymous, event, None, details).await;
    Ok(email)
}

/// A mail that cannot go out is logged; the page still says a code was sent,
/// so nobody learns from the difference, and "send again" is offered.
async fn send(mailer: &dyn Mailer, message: &Message) {
    if let Err(err) = mailer.send(message).await {
        tracing::error!(%err, to = message.to(), "could not send mail");
    }
}

pub async fn verify(
    ctx: &Context,
    oauth: &OAuthPolicy,
    codes: &CodeHasher,
    email: &str,
    code: &str,
    browser_secret: &str,
    device: Device,
) -> Result<Verification, CoreError> {
    let email = Email::parse(email).map_err(|e| CoreError::invalid("email", e.to_string()))?;
    let code = code.trim();
    let hash = codes.hash_for_browser(email.normalized(), code, browser_secret);
    let now = ctx.clock.now();
    let token = match ctx
        .store
        .attempt_one_time_code(OneTimePurpose::EmailVerification, email.normalized(), &hash, now)
        .await?
    {
        CodeAttempt::Accepted(token) => token,
        CodeAttempt::Wrong { attempts_left } => return Ok(Verification::Wrong { attempts_left }),
        CodeAttempt::NoLiveCode => return Ok(Verification::NoLiveCode),
    };
    let payload = &token.payload;
    let user = User {
        id: UserId::generate(ctx.clock.as_ref(), ctx.rng.as_ref()),
        email: Email::from_trusted(payload["email"].as_str().unwrap_or(email.as_str()).to_owned()),
        email_verified: true,
        name: payload["name"].as_str().map(str::to_owned),
        password_hash: payload["password_hash"].as_str().map(str::to_owned),
        external_id: None,
        metadata: json!({}),
        created_at: now,
        updated_at: now,
    };
    ctx.store.insert_user(&user).await?;
    let actor = Actor::User(user.id.to_string());
    let details = json!({ "email": user.email.as_str() });
    audit::record_from(
        ctx,
        &actor,
        "user.signed_up",
        Some(user.id.as_str()),
        details,
        Some(&device),
    )
    .await;
    let (token, session) = sessions::start(ctx, oauth, &user, vec!["pwd".into(), "otp".into()], None, device).await?;
    Ok(Verification::SignedIn {
        token,
        session: Box::new(session),
    })
}
