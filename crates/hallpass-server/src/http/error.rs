//! The one error type at the HTTP edge: domain errors in, JSON
//! `{error, error_description}` out. Unexpected errors are logged with the
//! request's id and answered with an opaque 500, never internal text.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use hallpass_core::CoreError;
use hallpass_proto::ErrorBody;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
}

impl ApiError {
    pub fn new(status: StatusCode, error: &str, description: impl Into<String>) -> ApiError {
        ApiError {
            status,
            body: ErrorBody::new(error, description),
        }
    }

    pub fn not_found(what: &str) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("no {what} at this address"))
    }
}

impl From<CoreError> for ApiError {
    fn from(err: CoreError) -> ApiError {
        match &err {
            CoreError::Invalid { field, .. } => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_field",
                format!("{err} (field `{field}`)"),
            ),
            CoreError::Conflict(_) => ApiError::new(StatusCode::CONFLICT, "conflict", err.to_string()),
            CoreError::NotFound(what) => ApiError::not_found(what),
            CoreError::Limit(_) => ApiError::new(StatusCode::CONFLICT, "limit_reached", err.to_string()),
            CoreError::WrongMasterKey { .. } | CoreError::Key(_) | CoreError::Store(_) => {
                tracing::error!(error = %err, "internal error");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "server_error",
                    "something went wrong on our side; the request id is in the X-Request-Id header",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

pub async fn not_found() -> ApiError {
    ApiError::not_found("resource")
}
