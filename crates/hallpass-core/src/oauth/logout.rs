//! RP-Initiated Logout 1.0 at `/oidc/logout`: ends the browser's own Hallpass
//! session (and with it every refresh token of the session), then returns the
//! user to a registered post-logout URI. A link cannot force it: it ends at
//! once only when a valid `id_token_hint` names the browser's own session;
//! otherwise the user is asked first (§2–3 allow it). A session only a hint
//! names, without the browser's cookie, is never ended. The URL is one-time:
//! once its session is over, it ends nothing more and shows the signed-out page.

use super::OAuthPolicy;
use crate::context::Context;
use crate::crypto::jws;
use crate::error::CoreError;
use crate::ids::ClientId;
use crate::services::audit::{self, Actor};
use crate::services::keys::KeySet;
use crate::sessions::{self, EndReason};
use crate::store::Session;
use hallpass_proto::claims::IdTokenClaims;
use serde_json::json;
use url::Url;

#[derive(Debug, Clone, Default)]
pub struct LogoutRequest {
    pub id_token_hint: Option<String>,
    pub client_id: Option<String>,
    pub post_logout_redirect_uri: Option<String>,
    pub state: Option<String>,
    pub logout_hint: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The request is not acceptable; nothing was ended.
    Refuse(String),
    Redirect(String),
    SignedOut,
    /// The browser has a session the request does not prove it may end: ask
    /// its user, and end it when they confirm.
    Confirm(Confirmation),
}

/// What the confirmation page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    /// The account signed in here.
    pub email: String,
    /// The application that asked, when it said which.
    pub application: Option<String>,
}

#[derive(Debug)]
pub struct Logout {
    pub outcome: Outcome,
    /// Sessions this request ended: their clients get back-channel notices.
    pub ended: Vec<Session>,
}

pub async fn logout(
    ctx: &Context,
    keys: &KeySet,
    policy: &OAuthPolicy,
    cookie_session: Option<Session>,
    request: LogoutRequest,
    confirmed: bool,
) -> Result<Logout, CoreError> {
    let refuse = |message: String| {
        Ok(Logout {
            outcome: Outcome::Refuse(message),
            ended: Vec::new(),
        })
    };
    // An expired hint is fine (the user may come back long after): only the
    // signature and the issuer are checked.
    let hint = match &request.id_token_hint {
        Some(token) => match jws::parse(token).and_then(|p| p.verify::<IdTokenClaims>(keys.verifiers(), None)) {
            Ok(claims) if claims.iss == policy.issuer => Some(claims),
            _ => return refuse("The id_token_hint is not an ID token issued here.".into()),
        },
        None => None,
    };
    let client_id = match (hint.as_ref().map(|h| h.aud.as_str()), request.client_id.as_deref()) {
        (Some(aud), Some(given)) if aud != given => {
            return refuse("The client_id is not the application the id_token_hint was issued to.".into())
        }
        (Some(aud), _) => Some(aud.to_owned()),
        (None, given) => given.map(str::to_owned),
    };
    let client = match &client_id {
        Some(id) => match ClientId::parse(id) {
            Ok(id) => match ctx.store.get_client(&id).await? {
                Some(client) => Some(client),
                None => return refuse(format!("No application here has the id “{id}”.")),
            },
            Err(_) => return refuse(format!("No application here has the id “{id}”.")),
        },
        None => None,
    };
    let redirect = match (&request.post_logout_redirect_uri, &client) {
        (Some(_), None) => {
            return refuse(
                "A post_logout_redirect_uri needs an id_token_hint or a client_id to name the application.".into(),
            )
        }
        (Some(uri), Some(client)) if !client.post_logout_redirect_uris.iter().any(|r| r.as_str() == uri) => {
            return refuse(format!(
                "{} may not return to “{uri}” after signing out: it is not a registered address.",
                client.name
            ));
        }
        (Some(uri), Some(_)) => Some(uri.clone()),
        (None, _) => None,
    };

    let Some(session) = cookie_session else {
        return Ok(Logout {
            outcome: Outcome::SignedOut,
            ended: Vec::new(),
        });
    };
    let hint_is_this_session = hint
        .as_ref()
        .is_some_and(|h| h.sub == session.user_id.as_str() && h.sid == session.id.as_str());
    if !hint_is_this_session && !confirmed {
        let email = match ctx.store.get_user(&session.user_id).await? {
            Some(user) => user.email.to_string(),
            None => String::new(),
        };
        let application = client.map(|c| c.name);
        return Ok(Logout {
            outcome: Outcome::Confirm(Confirmation { email, application }),
            ended: Vec::new(),
        });
    }
    let mut ended = Vec::new();
    if let Some(session) = sessions::end(ctx, &session.id, EndReason::Logout).await? {
        let actor = Actor::User(session.user_id.to_string());
        audit::record(
            ctx,
            &actor,
            "session.logout",
            Some(session.user_id.as_str()),
            json!({ "session_id": session.id }),
        )
        .await;
        ended.push(session);
    }
    let outcome = match redirect {
        Some(uri) if !ended.is_empty() => {
            let mut url =
                Url::parse(&uri).map_err(|e| CoreError::invalid("post_logout_redirect_uri", e.to_string()))?;
            if let Some(state) = &request.state {
                url.query_pairs_mut().append_pair("state", state);
            }
            Outcome::Redirect(url.into())
        }
        _ => Outcome::SignedOut,
    };
    Ok(Logout { outcome, ended })
}
