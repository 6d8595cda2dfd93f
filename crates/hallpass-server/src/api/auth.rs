//! Who is calling the management API: a machine client with a
//! client_credentials access token from this server (RFC 6750 bearer). The
//! client must still exist, and hold `hallpass:admin` or the resource's own
//! scope (`hallpass:users`, `hallpass:organizations`, ...).

use super::Refusal;
use crate::http::error::ApiError;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use hallpass_core::ids::ClientId;
use hallpass_core::oauth::access_tokens;
use hallpass_core::services::audit::Actor;

pub const ADMIN_SCOPE: &str = "hallpass:admin";

/// The resources, each with its own scope `hallpass:<name>`.
#[derive(Debug, Clone, Copy)]
pub enum Resource {
    Users,
    Organizations,
    Roles,
    Sessions,
    Keys,
    Audit,
    Invitations,
    Clients,
    Connections,
    Directories,
    Resources,
    Settings,
}

impl Resource {
    pub fn scope(self) -> &'static str {
        match self {
            Resource::Users => "hallpass:users",
            Resource::Organizations => "hallpass:organizations",
            Resource::Roles => "hallpass:roles",
            Resource::Sessions => "hallpass:sessions",
            Resource::Keys => "hallpass:keys",
            Resource::Audit => "hallpass:audit",
            Resource::Invitations => "hallpass:invitations",
            Resource::Clients => "hallpass:clients",
            Resource::Connections => "hallpass:connections",
            Resource::Directories => "hallpass:directories",
            Resource::Resources => "hallpass:resources",
            Resource::Settings => "hallpass:settings",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Caller {
    client_id: String,
    scopes: Vec<String>,
}

impl Caller {
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The scopes of the token, sorted (part of an idempotent request's identity).
    pub fn scopes(&self) -> String {
        let mut scopes = self.scopes.clone();
        scopes.sort();
        scopes.join(" ")
    }

    /// Giving or reaching management scopes (`hallpass:*`) takes `hallpass:admin`:
    /// otherwise a client allowed to manage clients could mint itself an admin.
    pub fn may_touch_scopes<'a>(&self, scopes: impl IntoIterator<Item = &'a String>) -> Result<(), Refusal> {
        let privileged = scopes.into_iter().any(|s| s.starts_with("hallpass:"));
        if !privileged || self.scopes.iter().any(|s| s == ADMIN_SCOPE) {
            return Ok(());
        }
        let description = format!("only `{ADMIN_SCOPE}` may manage clients that hold `hallpass:` scopes");
        let challenge = format!("Bearer error=\"insufficient_scope\", scope=\"{ADMIN_SCOPE}\"");
        Err(challenged(StatusCode::FORBIDDEN, "insufficient_scope", &description, &challenge).into())
    }

    /// The actor for audit events, if the token's scope covers `resource`; else 403.
    pub fn may(&self, resource: Resource) -> Result<Actor, Refusal> {
        let scope = resource.scope();
        if self.scopes.iter().any(|s| s == ADMIN_SCOPE || s == scope) {
            return Ok(Actor::Client(self.client_id.clone()));
        }
        let description = format!("this token's scope does not include `{scope}` or `{ADMIN_SCOPE}`");
        let challenge = format!("Bearer error=\"insufficient_scope\", scope=\"{scope}\"");
        Err(challenged(StatusCode::FORBIDDEN, "insufficient_scope", &description, &challenge).into())
    }
}

fn challenged(status: StatusCode, error: &str, description: &str, challenge: &str) -> Response {
    let mut response = ApiError::new(status, error, description).into_response();
    if let Ok(value) = HeaderValue::from_str(challenge) {
        response.headers_mut().insert(WWW_AUTHENTICATE, value);
    }
    response
}

fn unauthorized(description: &str) -> Response {
    challenged(
        StatusCode::UNAUTHORIZED,
        "invalid_token",
        description,
        "Bearer error=\"invalid_token\"",
    )
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        // Already checked for this request (the Idempotency-Key layer runs first).
        if let Some(caller) = parts.extensions.get::<Caller>() {
            return Ok(caller.clone());
        }
        let Some(header) = parts.headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()) else {
            return Err(challenged(
                StatusCode::UNAUTHORIZED,
                "invalid_request",
                "send an access token: `Authorization: Bearer <token>` from a client_credentials grant",
                "Bearer",
            )
            .into());
        };
        let token = match header.split_once(' ') {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
            _ => return Err(unauthorized("the Authorization header must use the Bearer scheme").into()),
        };
        let keys = state.keys();
        let claims = match access_tokens::verify(state.ctx(), &keys, state.policy(), token).await {
            Ok(Some(claims)) => claims,
            Ok(None) => return Err(unauthorized("the access token is invalid or has expired").into()),
            Err(err) => return Err(ApiError::from(err).into()),
        };
        if claims.aud != claims.client_id {
            return Err(unauthorized("this access token is for another resource (its `aud`), not Hallpass").into());
        }
        if claims.sid.is_some() || claims.sub != claims.client_id {
            return Err(
                unauthorized("the management API takes machine tokens (client_credentials), not a user's").into(),
            );
        }
        let client = match ClientId::parse(&claims.client_id) {
            Ok(id) => state.clients().get(state.ctx(), &id).await,
            Err(_) => Ok(None),
        };
        match client {
            Ok(Some(_)) => {}
            Ok(None) => return Err(unauthorized("the client of this token no longer exists").into()),
            Err(err) => return Err(ApiError::from(err).into()),
        }
        Ok(Caller {
            client_id: claims.client_id,
            scopes: claims.scope.split(' ').map(str::to_owned).collect(),
        })
    }
}
