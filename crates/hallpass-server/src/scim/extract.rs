//! What a SCIM request carries: the directory its token opens, its JSON
//! body, its query, and how answers and errors are written.

use crate::state::{AppState, Provider};
use axum::body::Bytes;
use axum::extract::{FromRef, FromRequest, FromRequestParts, Request};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, ETAG, LOCATION, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use hallpass_core::services::directories;
use hallpass_core::services::provisioning::ProvisionError;
use hallpass_core::store::Directory;
use hallpass_scim::ScimError;
use serde_json::Value;
use std::sync::Arc;

pub const SCIM_JSON: &str = "application/scim+json";

/// A SCIM error answer.
#[derive(Debug)]
pub struct Failure(pub ScimError);

impl From<ScimError> for Failure {
    fn from(err: ScimError) -> Self {
        Failure(err)
    }
}

impl From<ProvisionError> for Failure {
    fn from(err: ProvisionError) -> Self {
        match err {
            ProvisionError::Scim(e) => Failure(e),
            ProvisionError::Core(e) => {
                tracing::error!(err = %e, "SCIM request failed");
                Failure(ScimError::new(
                    500,
                    None,
                    "Something went wrong on our side; try again.",
                ))
            }
        }
    }
}

impl From<hallpass_core::CoreError> for Failure {
    fn from(err: hallpass_core::CoreError) -> Self {
        Failure::from(ProvisionError::Core(err))
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = Scim::new(status, self.0.body()).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"scim\""));
        }
        response
    }
}

/// A SCIM answer: a JSON body as `application/scim+json`, perhaps with an
/// `ETag` (from `meta.version`) and a `Location`.
pub struct Scim {
    status: StatusCode,
    body: Value,
    location: bool,
}

impl Scim {
    pub fn new(status: StatusCode, body: Value) -> Scim {
        Scim {
            status,
            body,
            location: false,
        }
    }

    /// 201 with `Location`.
    pub fn created(body: Value) -> Scim {
        Scim {
            status: StatusCode::CREATED,
            body,
            location: true,
        }
    }
}

impl IntoResponse for Scim {
    fn into_response(self) -> Response {
        let meta = self.body.get("meta");
        let etag = meta
            .and_then(|m| m.get("version"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let location = meta
            .and_then(|m| m.get("location"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let mut response = (self.status, self.body.to_string()).into_response();
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(SCIM_JSON));
        if let Some(v) = etag.and_then(|e| HeaderValue::from_str(&e).ok()) {
            headers.insert(ETAG, v);
        }
        if self.location {
            if let Some(v) = location.and_then(|l| HeaderValue::from_str(&l).ok()) {
                headers.insert(LOCATION, v);
            }
        }
        response
    }
}

/// The directory whose id is in the path and whose token is the bearer.
pub struct Caller {
    pub directory: Directory,
    /// This directory's SCIM base URL.
    pub base: String,
    pub provider: Arc<Provider>,
}

fn directory_in_path(path: &str) -> Option<&str> {
    path.strip_prefix("/scim/v2/")?
        .split('/')
        .next()
        .filter(|s| !s.is_empty())
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let provider = Arc::<Provider>::from_ref(state);
        let bearer = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim().to_owned());
        let (Some(bearer), Some(dir)) = (bearer, directory_in_path(parts.uri.path())) else {
            return Err(ScimError::unauthorized().into());
        };
        let directory = directories::authenticate(&provider.ctx, dir, &bearer)
            .await?
            .ok_or_else(ScimError::unauthorized)?;
        let base = crate::api::scim_base_url(&provider.policy.issuer, &directory.id);
        Ok(Caller {
            directory,
            base,
            provider,
        })
    }
}

/// A JSON request body: `application/scim+json` or `application/json`.
pub struct ScimBody(pub Value);

impl<S: Send + Sync> FromRequest<S> for ScimBody {
    type Rejection = Failure;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let content_type = request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or_default().trim().to_ascii_lowercase());
        if content_type
            .as_deref()
            .is_some_and(|t| t != SCIM_JSON && t != "application/json")
        {
            return Err(Failure(ScimError::new(
                415,
                None,
                "Send the body as application/scim+json (or application/json).",
            )));
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|e| ScimError::invalid_syntax(e.body_text()))?;
        let value = serde_json::from_slice(&bytes)
            .map_err(|e| ScimError::invalid_syntax(format!("The body is not valid JSON: {e}")))?;
        Ok(ScimBody(value))
    }
}
