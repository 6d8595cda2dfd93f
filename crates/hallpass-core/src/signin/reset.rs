//! Password reset by mail: a single-use link; setting the new password signs
//! the user in and ends every other session (whoever knew the old password
//! is out).

use super::mailer::{Mailer, Message};
use super::SignInPolicy;
use crate::context::Context;
use crate::crypto::SecretHash;
use crate::error::CoreError;
use crate::ids::{OneTimeTokenId, UserId};
use crate::oauth::OAuthPolicy;
use crate::rng::{random_bytes, random_token};
use crate::services::audit::{self, Actor};
use crate::services::passwords::check_new_password;
use crate::sessions::{self, Device, EndReason};
use crate::store::{OneTimePurpose, OneTimeToken, Redemption, Session};
use crate::values::Email;
use serde_json::json;

#[derive(Debug)]
pub enum Reset {
    SignedIn {
        token: String,
        session: Box<Session>,
    },
    /// Expired, used, or unknown.
    LinkInvalid,
}

/// Mails a reset link if the address has an account; answers the same either
/// way, after the same work (a link nobody is sent is stored for an unknown
/// address; it names no account, so it resets nothing).
pub async fn request(
    ctx: &Context,
    policy: &SignInPolicy,
    mailer: &dyn Mailer,
    email: &str,
    link_base: &str,
) -> Result<Email, CoreError> {
    let email = Email::parse(email).map_err(|e| CoreError::invalid("email", e.to_string()))?;
    let user = ctx.store.find_user_by_email(&email).await?;
    let user_id = user.as_ref().map(|u| u.id.as_str());
    let now = ctx.clock.now();
    let secret = random_token(ctx.rng.as_ref());
    let token = OneTimeToken {
        id: OneTimeTokenId::generate(ctx.clock.as_ref(), ctx.rng.as_ref()),
        purpose: OneTimePurpose::PasswordReset,
        email: email.normalized().to_owned(),
        hash: SecretHash::of(&secret),
        payload: json!({ "user_id": user_id }),
        attempts: 0,
        max_attempts: 1,
        created_at: now,
        expires_at: now.plus(policy.code_ttl),
        consumed_at: None,
    };
    ctx.store.issue_one_time_token(&token).await?;
    if user_id.is_some() {
        let minutes = policy.code_ttl.as_secs().div_ceil(60);
        let message = Message::PasswordReset {
            to: email.to_string(),
            link: format!("{link_base}{secret}"),
            minutes,
        };
        // Queued: the request ends before any mail goes out, known address or not.
        if let Err(err) = mailer.send(&message).await {
            tracing::error!(%err, "could not send the password reset mail");
        }
    }
    let event = match user_id {
        Some(_) => "user.password_reset_requested",
        None => "user.password_reset_no_account",
    };
    audit::record(ctx, &Actor::Anonymous, event, user_id, json!({})).await;
    Ok(email)
}

/// Sets the new password. The password's rules are checked before the link
/// is used, so a refused password leaves the link working; the link is
/// redeemed before Argon2id runs, so a made-up link costs no hashing.
pub async fn complete(
    ctx: &Context,
    oauth: &OAuthPolicy,
    policy: &SignInPolicy,
    link_secret: &str,
    new_password: &str,
    device: Device,
) -> Result<Reset, CoreError> {
    check_new_password(new_password)?;
    let now = ctx.clock.now();
    let redeemed = ctx
        .store
        .redeem_one_time_token(OneTimePurpose::PasswordReset, &SecretHash::of(link_secret), now)
        .await?;
    let Redemption::Redeemed(token) = redeemed else {
        return Ok(Reset::LinkInvalid);
    };
    let user_id = token.payload["user_id"].as_str().and_then(|id| UserId::parse(id).ok());
    let user = match user_id {
        Some(id) => ctx.store.get_user(&id).await?,
        None => None,
    };
    let Some(mut user) = user else {
        return Ok(Reset::LinkInvalid);
    };
    let salt = random_bytes::<16>(ctx.rng.as_ref());
    user.password_hash = Some(policy.passwords.hash_in(&ctx.hashing, new_password, &salt).await?);
    user.email_verified = true;
    user.updated_at = now;
    ctx.store.update_user(&user).await?;
    sessions::end_for_user(ctx, &user.id, None, EndReason::PasswordReset).await?;
    let actor = Actor::User(user.id.to_string());
    let details = json!({ "via": "reset" });
    audit::record_from(
        ctx,
        &actor,
        "user.password_changed",
        Some(user.id.as_str()),
        details,
        Some(&device),
    )
    .await;
    let (cookie, session) = sessions::start(ctx, oauth, &user, vec!["pwd".into()], None, device).await?;
    Ok(Reset::SignedIn {
        token: cookie,
        session: Box::new(session),
    })
}
