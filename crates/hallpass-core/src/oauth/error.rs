use std::fmt;

/// RFC 6749 §4.1.2.1 and §5.2 error codes, plus OpenID Connect's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    UnauthorizedClient,
    UnsupportedGrantType,
    InvalidScope,
    AccessDenied,
    UnsupportedResponseType,
    ServerError,
    LoginRequired,
    AccountSelectionRequired,
    InvalidToken,
    UnsupportedTokenType,
    /// OpenID Connect Core §3.1.2.6: consent is needed and `prompt=none` forbids asking.
    ConsentRequired,
    /// RFC 8707 §2: the requested resource is invalid, unknown or not granted.
    InvalidTarget,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::InvalidClient => "invalid_client",
            ErrorCode::InvalidGrant => "invalid_grant",
            ErrorCode::UnauthorizedClient => "unauthorized_client",
            ErrorCode::UnsupportedGrantType => "unsupported_grant_type",
            ErrorCode::InvalidScope => "invalid_scope",
            ErrorCode::AccessDenied => "access_denied",
            ErrorCode::UnsupportedResponseType => "unsupported_response_type",
            ErrorCode::ServerError => "server_error",
            ErrorCode::LoginRequired => "login_required",
            ErrorCode::AccountSelectionRequired => "account_selection_required",
            ErrorCode::InvalidToken => "invalid_token",
            ErrorCode::UnsupportedTokenType => "unsupported_token_type",
            ErrorCode::InvalidTarget => "invalid_target",
            ErrorCode::ConsentRequired => "consent_required",
        }
    }
}

/// An error a client sees: a code from the standard and a sentence for the developer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    pub code: ErrorCode,
    pub description: String,
}

impl OAuthError {
    pub fn new(code: ErrorCode, description: impl Into<String>) -> OAuthError {
        OAuthError {
            code,
            description: description.into(),
        }
    }

    pub fn invalid_request(description: impl Into<String>) -> OAuthError {
        OAuthError::new(ErrorCode::InvalidRequest, description)
    }

    pub fn invalid_grant(description: impl Into<String>) -> OAuthError {
        OAuthError::new(ErrorCode::InvalidGrant, description)
    }

    pub fn invalid_target(description: impl Into<String>) -> OAuthError {
        OAuthError::new(ErrorCode::InvalidTarget, description)
    }

    pub fn invalid_client(description: impl Into<String>) -> OAuthError {
        OAuthError::new(ErrorCode::InvalidClient, description)
    }

    /// For failures on our side: logged in full, described vaguely.
    pub fn server_error(cause: &dyn fmt::Display) -> OAuthError {
        tracing::error!(%cause, "OAuth request failed on the server");
        OAuthError::new(
            ErrorCode::ServerError,
            "the server could not complete the request; try again",
        )
    }
}

impl fmt::Display for OAuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.description)
    }
}

impl From<crate::store::StoreError> for OAuthError {
    fn from(err: crate::store::StoreError) -> OAuthError {
        OAuthError::server_error(&err)
    }
}

impl From<crate::CoreError> for OAuthError {
    fn from(err: crate::CoreError) -> OAuthError {
        OAuthError::server_error(&err)
    }
}
