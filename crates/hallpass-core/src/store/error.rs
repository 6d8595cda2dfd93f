/// What can go wrong in a store, in terms a service can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule refused the write; names what clashed (`email`, `slug`, ...).
    #[error("{0} is already taken")]
    Conflict(&'static str),
    /// The row to change does not exist.
    #[error("not found")]
    NotFound,
    /// A limit the store enforces (e.g. two active client secrets) refused the write.
    #[error("{0}")]
    Limit(&'static str),
    /// The database cannot be reached.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Anything else: a bug or a damaged row. Logged, never shown to users.
    #[error("database error: {0}")]
    Backend(String),
}
