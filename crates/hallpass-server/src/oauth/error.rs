//! OAuth error responses (RFC 6749 §5.2): JSON `{error, error_description}`,
//! never cached; `invalid_client` is a 401 with a `WWW-Authenticate` challenge.

use axum::http::header::{CACHE_CONTROL, PRAGMA, WWW_AUTHENTICATE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use hallpass_core::oauth::{ErrorCode, OAuthError};
use hallpass_proto::ErrorBody;

pub fn oauth_error(err: OAuthError) -> Response {
    let status = match err.code {
        ErrorCode::InvalidClient => StatusCode::UNAUTHORIZED,
        ErrorCode::ServerError => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    };
    let body = Json(ErrorBody::new(err.code.as_str(), err.description));
    let mut response = (status, [(CACHE_CONTROL, "no-store"), (PRAGMA, "no-cache")], body).into_response();
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            WWW_AUTHENTICATE,
            axum::http::HeaderValue::from_static("Basic realm=\"hallpass\""),
        );
    }
    response
}

/// A successful JSON body that must not be cached (tokens, introspection).
pub fn no_store<T: serde::Serialize>(body: &T) -> Response {
    ([(CACHE_CONTROL, "no-store"), (PRAGMA, "no-cache")], Json(body)).into_response()
}
