//! OpenID Back-Channel Logout 1.0: when a session ends, each client that got
//! tokens in it and registered a back-channel URI is told, with a signed
//! logout token. Building the notices is here; delivering them (HTTP, retries)
//! is the server's, through [`BackchannelSender`].

use super::OAuthPolicy;
use crate::context::Context;
use crate::crypto::jws;
use crate::error::CoreError;
use crate::rng::random_bytes;
use crate::services::keys::KeySet;
use crate::store::Session;
use async_trait::async_trait;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hallpass_proto::claims::{LogoutTokenClaims, BACKCHANNEL_LOGOUT_EVENT};
use serde_json::json;
use std::time::Duration;

/// How long a logout token is valid: long enough for retries to deliver it.
pub const LOGOUT_TOKEN_TTL: Duration = Duration::from_secs(120);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub client_id: String,
    pub uri: String,
    pub logout_token: String,
}

/// Delivers one notice: POST `logout_token` as a form to `uri`.
#[async_trait]
pub trait BackchannelSender: Send + Sync + std::fmt::Debug {
    async fn send(&self, notice: &Notice) -> Result<(), String>;
}

pub async fn notices(
    ctx: &Context,
    keys: &KeySet,
    policy: &OAuthPolicy,
    session: &Session,
) -> Result<Vec<Notice>, CoreError> {
    let now = ctx.clock.now();
    let mut notices = Vec::new();
    for client_id in ctx.store.clients_of_session(&session.id).await? {
        let Some(client) = ctx.store.get_client(&client_id).await? else {
            continue;
        };
        let Some(uri) = client.backchannel_logout_uri.clone() else {
            continue;
        };
        let Some(key) = keys.signer(client.id_token_algorithm) else {
            continue;
        };
        let claims = LogoutTokenClaims {
            iss: policy.issuer.clone(),
            aud: client.id.to_string(),
            iat: now.0,
            exp: now.plus(LOGOUT_TOKEN_TTL).0,
            jti: URL_SAFE_NO_PAD.encode(random_bytes::<16>(ctx.rng.as_ref())),
            sub: session.user_id.to_string(),
            sid: session.id.to_string(),
            events: json!({ BACKCHANNEL_LOGOUT_EVENT: {} }),
        };
        let logout_token = jws::sign(&key, "logout+jwt", &claims).map_err(|e| CoreError::Key(e.to_string()))?;
        notices.push(Notice {
            client_id: client.id.to_string(),
            uri,
            logout_token,
        });
    }
    Ok(notices)
}
