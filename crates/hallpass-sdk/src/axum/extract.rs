//! Extractors: [`Session`] for pages that need a signed-in user (others are
//! sent to sign in, or get 401 when they are not a page load), and
//! [`MaybeSession`] for pages that only adapt to one.

use super::cookies::StoredSession;
use super::HallpassAuth;
use crate::{AccessTokenClaims, Tokens, User};
use axum::http::header::{ACCEPT, LOCATION};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};

/// The signed-in user, their validated access token's claims (organization,
/// roles, permissions) and their tokens.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub claims: AccessTokenClaims,
    pub tokens: Tokens,
}

impl Session {
    pub(crate) fn new(stored: StoredSession, claims: AccessTokenClaims) -> Session {
        Session {
            user: stored.user,
            claims,
            tokens: stored.tokens,
        }
    }

    /// Whether the user holds `permission` (`resource:action`) in the current organization.
    pub fn has_permission(&self, permission: &str) -> bool {
        self.claims.permissions.iter().any(|p| p == permission)
    }

    pub fn has_role(&self, role: &str) -> bool {
        self.claims.roles.iter().any(|r| r == role)
    }
}

#[derive(Debug, Clone)]
pub struct MaybeSession(pub Option<Session>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Session {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        if let Some(session) = parts.extensions.get::<Session>() {
            return Ok(session.clone());
        }
        let Some(auth) = parts.extensions.get::<HallpassAuth>() else {
            let message = "the Hallpass session middleware is not installed on this route (HallpassAuth::protect)";
            return Err((StatusCode::INTERNAL_SERVER_ERROR, message).into_response());
        };
        Err(sign_in_first(auth, parts))
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for MaybeSession {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeSession(parts.extensions.get::<Session>().cloned()))
    }
}

/// A page load goes to sign in and comes back; anything else gets 401.
fn sign_in_first(auth: &HallpassAuth, parts: &Parts) -> Response {
    let wants_page = parts.method == Method::GET
        && parts
            .headers
            .get(ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"));
    if !wants_page {
        return (
            StatusCode::UNAUTHORIZED,
            [("www-authenticate", "Bearer")],
            "sign in first",
        )
            .into_response();
    }
    let return_to = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let login = format!(
        "{}?return_to={}",
        auth.inner.settings.login_path,
        url::form_urlencoded::byte_serialize(return_to.as_bytes()).collect::<String>()
    );
    (StatusCode::SEE_OTHER, [(LOCATION, login)]).into_response()
}
