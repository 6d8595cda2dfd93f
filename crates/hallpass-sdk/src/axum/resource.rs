//! The resource-server side (an API or an MCP server): accept only access
//! tokens issued for this resource (`aud` = its identifier, RFC 8707), serve
//! its protected-resource metadata (RFC 9728), and answer as the MCP
//! authorization specification asks: 401 with `WWW-Authenticate: Bearer
//! resource_metadata="…", scope="…"`, 403 with `error="insufficient_scope"`.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use axum::{routing::post, Router};
//! use hallpass_sdk::axum::{Bearer, ResourceServer};
//!
//! let rs = ResourceServer::discover("https://auth.example.com", "https://mcp.example.com/mcp")
//!     .await?
//!     .scopes(&["mcp:tools"]);
//! let app: Router = rs
//!     .protect(Router::new().route("/mcp", post(|bearer: Bearer| async move { bearer.claims.sub })))
//!     .merge(rs.metadata_routes());
//! # Ok(()) }
//! ```

use crate::{AccessTokenClaims, Client, Error, TokenError};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use hallpass_proto::oauth::ProtectedResourceMetadata;
use std::sync::Arc;

/// One protected resource: its identifier, the issuer it trusts, the scopes
/// it understands and those every request needs.
#[derive(Clone, Debug)]
pub struct ResourceServer {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    client: Client,
    resource: String,
    name: Option<String>,
    scopes: Vec<String>,
    required: Vec<String>,
}

/// The caller of a protected route: a token verified for this resource.
#[derive(Debug, Clone)]
pub struct Bearer {
    pub claims: AccessTokenClaims,
}

impl Bearer {
    pub fn has_scope(&self, scope: &str) -> bool {
        self.claims.scope.split(' ').any(|s| s == scope)
    }
}

impl ResourceServer {
    /// Reads the issuer's metadata and keys; tokens must name `resource` as their audience.
    pub async fn discover(issuer: &str, resource: &str) -> Result<ResourceServer, Error> {
        let client = Client::builder(issuer, resource).audience(resource).discover().await?;
        Ok(ResourceServer::new(client, resource))
    }

    /// From an SDK client built with `.audience(resource)` (e.g. with a test clock).
    pub fn new(client: Client, resource: &str) -> ResourceServer {
        ResourceServer {
            inner: Arc::new(Inner {
                client,
                resource: resource.to_owned(),
                name: None,
                scopes: Vec::new(),
                required: Vec::new(),
            }),
        }
    }

    fn with(self, change: impl FnOnce(&mut Inner)) -> ResourceServer {
        let mut inner = Arc::try_unwrap(self.inner).unwrap_or_else(|shared| Inner {
            client: shared.client.clone(),
            resource: shared.resource.clone(),
            name: shared.name.clone(),
            scopes: shared.scopes.clone(),
            required: shared.required.clone(),
        });
        change(&mut inner);
        ResourceServer { inner: Arc::new(inner) }
    }

    /// The scopes this resource understands (`scopes_supported`); every
    /// request needs all of them unless [`ResourceServer::require`] says less.
    pub fn scopes(self, scopes: &[&str]) -> ResourceServer {
        let scopes: Vec<String> = scopes.iter().map(|s| s.to_string()).collect();
        self.with(|inner| {
            inner.required = scopes.clone();
            inner.scopes = scopes;
        })
    }

    /// The scopes every request must carry (403 `insufficient_scope` otherwise).
    pub fn require(self, scopes: &[&str]) -> ResourceServer {
        self.with(|inner| inner.required = scopes.iter().map(|s| s.to_string()).collect())
    }

    /// A name for people (`resource_name`).
    pub fn name(self, name: &str) -> ResourceServer {
        self.with(|inner| inner.name = Some(name.to_owned()))
    }

    pub fn resource(&self) -> &str {
        &self.inner.resource
    }

    /// RFC 9728 §2.
    pub fn metadata(&self) -> ProtectedResourceMetadata {
        ProtectedResourceMetadata {
            resource: self.inner.resource.clone(),
            authorization_servers: vec![self.inner.client.issuer().to_owned()],
            scopes_supported: self.inner.scopes.clone(),
            bearer_methods_supported: vec!["header".into()],
            resource_name: self.inner.name.clone(),
        }
    }

    /// Where the metadata lives (RFC 9728 §3.1): the well-known name inserted
    /// between the identifier's origin and its path.
    pub fn metadata_path(&self) -> String {
        let path = url::Url::parse(&self.inner.resource)
            .map(|u| u.path().trim_end_matches('/').to_owned())
            .unwrap_or_default();
        format!("/.well-known/oauth-protected-resource{path}")
    }

    pub fn metadata_url(&self) -> String {
        match url::Url::parse(&self.inner.resource) {
            Ok(url) => format!("{}{}", url.origin().ascii_serialization(), self.metadata_path()),
            Err(_) => self.metadata_path(),
        }
    }

    /// Serves the metadata at [`ResourceServer::metadata_path`].
    pub fn metadata_routes<S: Clone + Send + Sync + 'static>(&self) -> Router<S> {
        let document = self.metadata();
        Router::new().route(
            &self.metadata_path(),
            get(move || {
                let document = document.clone();
                async move { ([(CACHE_CONTROL, "public, max-age=300")], Json(document)) }
            }),
        )
    }

    /// Every route of `router` answers only with a valid token for this resource.
    pub fn protect<S: Clone + Send + Sync + 'static>(&self, router: Router<S>) -> Router<S> {
        router.layer(axum::middleware::from_fn_with_state(self.clone(), require_token))
    }

    /// Checks a bearer token for this resource and its required scopes.
    pub async fn check(&self, authorization: Option<&str>) -> Result<Bearer, Box<Response>> {
        let token = match authorization.and_then(|v| v.split_once(' ')) {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => token.trim(),
            _ => return Err(Box::new(self.challenge(StatusCode::UNAUTHORIZED, None))),
        };
        let claims = match self.inner.client.validate_access_token(token).await {
            Ok(claims) => claims,
            Err(TokenError::KeysUnavailable(_)) => {
                return Err(Box::new(StatusCode::SERVICE_UNAVAILABLE.into_response()));
            }
            Err(_) => {
                return Err(Box::new(
                    self.challenge(StatusCode::UNAUTHORIZED, Some("invalid_token")),
                ))
            }
        };
        let bearer = Bearer { claims };
        if !self.inner.required.iter().all(|s| bearer.has_scope(s)) {
            return Err(Box::new(
                self.challenge(StatusCode::FORBIDDEN, Some("insufficient_scope")),
            ));
        }
        Ok(bearer)
    }

    /// `WWW-Authenticate: Bearer [error="…", ]resource_metadata="…"[, scope="…"]`.
    fn challenge(&self, status: StatusCode, error: Option<&str>) -> Response {
        let mut parts = Vec::new();
        if let Some(error) = error {
            parts.push(format!("error=\"{error}\""));
        }
        parts.push(format!("resource_metadata=\"{}\"", self.metadata_url()));
        if !self.inner.required.is_empty() {
            parts.push(format!("scope=\"{}\"", self.inner.required.join(" ")));
        }
        let mut response = status.into_response();
        if let Ok(value) = HeaderValue::from_str(&format!("Bearer {}", parts.join(", "))) {
            response.headers_mut().insert(WWW_AUTHENTICATE, value);
        }
        response
    }
}

async fn require_token(State(rs): State<ResourceServer>, mut request: Request, next: Next) -> Response {
    let authorization = request.headers().get(AUTHORIZATION).and_then(|v| v.to_str().ok());
    match rs.check(authorization).await {
        Ok(bearer) => {
            request.extensions_mut().insert(bearer);
            next.run(request).await
        }
        Err(response) => *response,
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Bearer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Response> {
        parts
            .extensions
            .get::<Bearer>()
            .cloned()
            .ok_or_else(|| tracing_free_500("Bearer used on a route that ResourceServer::protect does not cover"))
    }
}

fn tracing_free_500(message: &'static str) -> Response {
    (StatusCode::INTERNAL_SERVER_ERROR, message).into_response()
}
