//! Signing in with email and password.

use crate::context::Context;
use crate::error::CoreError;
use crate::oauth::OAuthPolicy;
use crate::rng::random_bytes;
use crate::services::audit::{self, Actor};
use crate::services::passwords::PasswordPolicy;
use crate::sessions::{self, Device};
use crate::store::Session;
use crate::values::Email;
use serde_json::json;
use std::sync::LazyLock;

#[derive(Debug)]
pub enum PasswordSignIn {
    /// A new session; `token` goes in the cookie.
    SignedIn { token: String, session: Box<Session> },
    /// Wrong email or password; deliberately not saying which.
    Rejected,
    /// The right password, but the user's organization requires SSO: they
    /// sign in through this connection instead.
    SsoRequired { connection: Box<crate::store::Connection> },
}

/// A hash to verify against when there is no user, so a missing account
/// takes as long to refuse as a wrong password (no enumeration by timing).
static DECOY: LazyLock<Option<String>> =
    LazyLock::new(|| PasswordPolicy::default().hash("decoy password", &[0u8; 16]).ok());

pub async fn sign_in(
    ctx: &Context,
    oauth: &OAuthPolicy,
    passwords: &PasswordPolicy,
    email: &str,
    password: &str,
    device: Device,
) -> Result<PasswordSignIn, CoreError> {
    let user = match Email::parse(email) {
        Ok(email) => ctx.store.find_user_by_email(&email).await?,
        Err(_) => None,
    };
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let matched = match &stored {
        Some(hash) => passwords.verify_in(&ctx.hashing, password, hash).await,
        None => {
            if let Some(decoy) = DECOY.as_ref() {
                passwords.verify_in(&ctx.hashing, password, decoy).await;
            }
            false
        }
    };
    let (Some(mut user), true) = (user, matched) else {
        let details = json!({ "email": email.trim().to_lowercase() });
        audit::record_from(
            ctx,
            &Actor::Anonymous,
            "user.sign_in_failed",
            None,
            details,
            Some(&device),
        )
        .await;
        return Ok(PasswordSignIn::Rejected);
    };
    if let Some(connection) = crate::services::connections::sso_required_for(ctx, &user.id).await? {
        return Ok(PasswordSignIn::SsoRequired {
            connection: Box::new(connection),
        });
    }
    if stored.as_deref().is_some_and(|h| passwords.needs_rehash(h)) {
        let salt = random_bytes::<16>(ctx.rng.as_ref());
        user.password_hash = Some(passwords.hash_in(&ctx.hashing, password, &salt).await?);
        user.updated_at = ctx.clock.now();
        ctx.store.update_user(&user).await?;
    }
    let (token, session) = sessions::start(ctx, oauth, &user, vec!["pwd".into()], None, device.clone()).await?;
    let details = json!({ "session_id": session.id, "method": "password" });
    audit::record_from(
        ctx,
        &Actor::User(user.id.to_string()),
        "user.signed_in",
        Some(user.id.as_str()),
        details,
        Some(&device),
    )
    .await;
    Ok(PasswordSignIn::SignedIn {
        token,
        session: Box::new(session),
    })
}
