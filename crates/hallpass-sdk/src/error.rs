/// Why a token was refused. Each is final for that token except
/// `KeysUnavailable`, which may pass once the issuer's keys can be fetched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the token is not a well-formed JWT of the expected kind")]
    Malformed,
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid yet")]
    NotYetValid,
    #[error("the token's signature does not verify")]
    BadSignature,
    #[error("the token is signed by a key the issuer does not publish")]
    UnknownKey,
    #[error("the token's header names an algorithm other than its key's")]
    AlgorithmMismatch,
    #[error("the token was issued by another issuer")]
    WrongIssuer,
    #[error("the token is meant for another audience")]
    WrongAudience,
    #[error("the token is of another type (typ)")]
    WrongType,
    #[error("the ID token's nonce is not the one this sign-in sent")]
    WrongNonce,
    #[error("the ID token's at_hash does not match the access token")]
    WrongAtHash,
    #[error("the ID token's subject is not the session's user")]
    WrongSubject,
    #[error("the issuer's keys could not be fetched: {0}")]
    KeysUnavailable(String),
}

impl From<hallpass_jose::JwsError> for TokenError {
    fn from(err: hallpass_jose::JwsError) -> Self {
        use hallpass_jose::JwsError as J;
        match err {
            J::Malformed | J::Claims => TokenError::Malformed,
            J::UnknownKey => TokenError::UnknownKey,
            J::AlgorithmMismatch => TokenError::AlgorithmMismatch,
            J::BadSignature => TokenError::BadSignature,
            J::WrongType => TokenError::WrongType,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid URL: {0}")]
    Url(#[from] url::ParseError),
    #[error("the operating system did not supply random bytes")]
    Random,
    #[error("request to the issuer failed: {0}")]
    Http(#[from] reqwest::Error),
    #[error("the issuer's metadata is unusable: {0}")]
    Discovery(String),
    /// The issuer answered with an OAuth error (RFC 6749 §5.2).
    #[error("the issuer refused: {error}{}", description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    OAuth {
        status: u16,
        error: String,
        description: Option<String>,
    },
    /// The management API refused (`status` 401, 403, 404, 409, 422, ...).
    #[error("the management API answered {status} {error}{}", description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    Api {
        status: u16,
        error: String,
        description: Option<String>,
    },
    #[error("the issuer's answer is not what the protocol says: {0}")]
    Protocol(String),
    #[error(transparent)]
    Token(#[from] TokenError),
}

impl Error {
    /// `invalid_grant` on a refresh: the session is over (signed out, expired
    /// or revoked) and the user must sign in again.
    pub fn is_invalid_grant(&self) -> bool {
        matches!(self, Error::OAuth { error, .. } if error == "invalid_grant")
    }
}
