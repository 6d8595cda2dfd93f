/// Which field a uniqueness rule protects, from the name of the constraint or
/// index that refused a write (each backend's error names it its own way, but
/// the names all come from the same schema).
pub fn conflicting_field(constraint: &str) -> &'static str {
    if constraint.contains("connection_domains") {
        "domains"
    } else if constraint.contains("user_identities") {
        "identity"
    } else if constraint.contains("scim_resources") {
        "userName"
    } else if constraint.contains("identifier") {
        "identifier"
    } else if constraint.contains("invitations") {
        "pending invitation"
    } else if constraint.contains("email") {
        "email"
    } else if constraint.contains("slug") {
        "slug"
    } else if constraint.contains("external_id") {
        "external_id"
    } else if constraint.contains("roles") {
        "role name"
    } else if constraint.contains("signing_keys") {
        "active signing key"
    } else {
        "value"
    }
}

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
