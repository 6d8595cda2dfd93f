use crate::store::StoreError;

/// A domain error: what went wrong in terms the caller can act on. The HTTP
/// edge maps each variant to a status; the CLI prints it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoreError {
    /// Input that breaks a rule; `field` names the input.
    #[error("{field}: {message}")]
    Invalid { field: &'static str, message: String },
    /// A uniqueness rule: `what` is already taken.
    #[error("{0} is already taken")]
    Conflict(&'static str),
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A limit was reached (e.g. two active client secrets).
    #[error("{0}")]
    Limit(&'static str),
    /// The stored signing keys cannot be decrypted with the configured master key.
    #[error("the master key cannot decrypt the stored signing key {kid}: is HALLPASS_MASTER_KEY (or the master key file) the one this database was created with?")]
    WrongMasterKey { kid: String },
    #[error("key material error: {0}")]
    Key(String),
    /// The database failed; never shown to users verbatim.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for CoreError {
    fn from(err: StoreError) -> CoreError {
        match err {
            StoreError::Conflict(what) => CoreError::Conflict(what),
            StoreError::Limit(what) => CoreError::Limit(what),
            other => CoreError::Store(other),
        }
    }
}

impl CoreError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> CoreError {
        CoreError::Invalid {
            field,
            message: message.into(),
        }
    }
}
