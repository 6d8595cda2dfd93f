//! Loads the session from its cookie before the handler runs: validates the
//! access token, refreshes it when it has expired (and rewrites the cookie),
//! and drops the cookie when the session is over.

use super::cookies::{self, StoredSession};
use super::extract::Session;
use super::HallpassAuth;
use crate::{Error, TokenError, User};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

enum Loaded {
    None,
    Live(Session),
    Refreshed(Session, Box<StoredSession>),
    Ended,
}

pub async fn session_middleware(State(auth): State<HallpassAuth>, mut request: Request, next: Next) -> Response {
    let loaded = load(&auth, request.headers()).await;
    request.extensions_mut().insert(auth.clone());
    let settings = &auth.inner.settings;
    let name = cookies::session_name(settings);
    let set_cookie = match loaded {
        Loaded::None => None,
        Loaded::Live(session) => {
            request.extensions_mut().insert(session);
            None
        }
        Loaded::Refreshed(session, stored) => {
            request.extensions_mut().insert(session);
            match auth.inner.sealer.seal(name, stored.as_ref()) {
                Ok(sealed) => cookies::set(settings, name, &sealed, settings.cookie_max_age_secs),
                Err(_) => None,
            }
        }
        Loaded::Ended => cookies::set(settings, name, "", 0),
    };
    let mut response = next.run(request).await;
    cookies::append(response.headers_mut(), set_cookie);
    response
}

async fn load(auth: &HallpassAuth, headers: &axum::http::HeaderMap) -> Loaded {
    let settings = &auth.inner.settings;
    let name = cookies::session_name(settings);
    let Some(sealed) = cookies::read(headers, name) else {
        return Loaded::None;
    };
    let Ok(stored) = auth.inner.sealer.open::<StoredSession>(name, sealed) else {
        return Loaded::Ended;
    };
    if stored
        .sid
        .as_deref()
        .is_some_and(|sid| auth.inner.revoked.contains(sid))
    {
        return Loaded::Ended;
    }
    let client = &auth.inner.client;
    let expired = client.now() >= stored.tokens.expires_at;
    if !expired {
        match client.validate_access_token(&stored.tokens.access_token).await {
            Ok(claims) => return Loaded::Live(Session::new(stored, claims)),
            Err(TokenError::Expired) => {}
            // The keys may come back; the cookie stays, this request goes unauthenticated.
            Err(TokenError::KeysUnavailable(_)) => return Loaded::None,
            Err(_) => return Loaded::Ended,
        }
    }
    refresh(auth, stored).await
}

async fn refresh(auth: &HallpassAuth, stored: StoredSession) -> Loaded {
    let Some(refresh_token) = stored.tokens.refresh_token.as_deref() else {
        return Loaded::Ended;
    };
    match auth.inner.client.refresh(refresh_token).await {
        Ok(refreshed) => {
            // OpenID Connect Core §12.2: a refreshed ID token is about the same user.
            if refreshed.access_token.sub != stored.user.id {
                return Loaded::Ended;
            }
            let user = match &refreshed.id_token {
                Some(id) => User::from(id),
                None => stored.user,
            };
            let mut tokens = refreshed.tokens;
            if tokens.id_token.is_none() {
                tokens.id_token = stored.tokens.id_token;
            }
            let fresh = StoredSession {
                user,
                sid: refreshed.access_token.sid.clone().or(stored.sid),
                tokens,
            };
            if fresh.sid.as_deref().is_some_and(|sid| auth.inner.revoked.contains(sid)) {
                return Loaded::Ended;
            }
            Loaded::Refreshed(Session::new(fresh.clone(), refreshed.access_token), Box::new(fresh))
        }
        // Hallpass unreachable: not the user's fault; keep the cookie for the next request.
        Err(Error::Http(_)) => Loaded::None,
        Err(_) => Loaded::Ended,
    }
}
