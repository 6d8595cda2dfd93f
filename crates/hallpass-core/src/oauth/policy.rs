use std::time::Duration;

/// The provider's settings, from the configuration.
#[derive(Debug, Clone)]
pub struct OAuthPolicy {
    /// The `iss` of every token, without a trailing slash.
    pub issuer: String,
    pub access_token_ttl: Duration,
    pub id_token_ttl: Duration,
    pub code_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub session_idle: Duration,
    pub session_absolute: Duration,
    pub refresh_grace: Duration,
    /// PKCE for every client, not only public ones (OAuth 2.1, RFC 9700).
    pub require_pkce: bool,
}

impl OAuthPolicy {
    /// Sensible defaults for tests and examples.
    pub fn for_issuer(issuer: &str) -> OAuthPolicy {
        OAuthPolicy {
            issuer: issuer.trim_end_matches('/').to_owned(),
            access_token_ttl: Duration::from_secs(300),
            id_token_ttl: Duration::from_secs(3600),
            code_ttl: Duration::from_secs(60),
            refresh_token_ttl: Duration::from_secs(30 * 86_400),
            session_idle: Duration::from_secs(7 * 86_400),
            session_absolute: Duration::from_secs(30 * 86_400),
            refresh_grace: Duration::from_secs(5),
            require_pkce: true,
        }
    }
}
