//! The configured client: the issuer's metadata and keys, and this app's
//! credentials. Cheap to clone; share one per app.

use crate::authorize::{self, AuthorizationOptions, AuthorizationUrl};
use crate::keys::KeyCache;
use crate::verified_cache::VerifiedCache;
use crate::Error;
use hallpass_proto::oauth::ProviderMetadata;
use std::sync::Arc;
use std::time::Duration;

/// Seconds since the Unix epoch; injectable so tests can move time.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) metadata: ProviderMetadata,
    pub(crate) client_id: String,
    pub(crate) client_secret: Option<String>,
    pub(crate) audience: String,
    pub(crate) leeway: i64,
    pub(crate) clock: Clock,
    pub(crate) keys: KeyCache,
    pub(crate) verified: Option<VerifiedCache>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("issuer", &self.inner.metadata.issuer)
            .field("client_id", &self.inner.client_id)
            .finish_non_exhaustive()
    }
}

/// Settings beyond the issuer and the client's credentials, with safe defaults.
pub struct ClientBuilder {
    issuer: String,
    client_id: String,
    client_secret: Option<String>,
    audience: Option<String>,
    leeway: Duration,
    jwks_ttl: Duration,
    min_jwks_refresh: Duration,
    verified_cache: Option<usize>,
    clock: Option<Clock>,
    http: Option<reqwest::Client>,
}

impl Client {
    /// Reads `{issuer}/.well-known/openid-configuration` and the JWKS, with
    /// the default settings. `client_secret` is `None` for a public client.
    pub async fn discover(issuer: &str, client_id: &str, client_secret: Option<&str>) -> Result<Client, Error> {
        let mut builder = Client::builder(issuer, client_id);
        if let Some(secret) = client_secret {
            builder = builder.client_secret(secret);
        }
        builder.discover().await
    }

    pub fn builder(issuer: &str, client_id: &str) -> ClientBuilder {
        ClientBuilder {
            issuer: issuer.trim_end_matches('/').to_owned(),
            client_id: client_id.to_owned(),
            client_secret: None,
            audience: None,
            leeway: Duration::from_secs(30),
            jwks_ttl: Duration::from_secs(300),
            min_jwks_refresh: Duration::from_secs(10),
            verified_cache: None,
            clock: None,
            http: None,
        }
    }

    pub fn issuer(&self) -> &str {
        &self.inner.metadata.issuer
    }

    pub fn client_id(&self) -> &str {
        &self.inner.client_id
    }

    pub fn metadata(&self) -> &ProviderMetadata {
        &self.inner.metadata
    }

    /// How many times the JWKS has been fetched since discovery.
    pub fn jwks_fetches(&self) -> u64 {
        self.inner.keys.fetches()
    }

    pub(crate) fn now(&self) -> i64 {
        (self.inner.clock)()
    }

    /// The URL that starts a sign-in, with fresh `state`, `nonce` and PKCE pair.
    pub fn authorization_url(&self, options: &AuthorizationOptions) -> Result<AuthorizationUrl, Error> {
        authorize::build(
            &self.inner.metadata.authorization_endpoint,
            &self.inner.client_id,
            options,
        )
    }

    /// Where to send the browser to sign out of Hallpass (RP-initiated
    /// logout); `post_logout_redirect_uri` must be registered for the client.
    pub fn logout_url(
        &self,
        id_token_hint: Option<&str>,
        post_logout_redirect_uri: Option<&str>,
        state: Option<&str>,
    ) -> Result<String, Error> {
        crate::logout::url(
            &self.inner.metadata.end_session_endpoint,
            &self.inner.client_id,
            id_token_hint,
            post_logout_redirect_uri,
            state,
        )
    }
}

impl ClientBuilder {
    pub fn client_secret(mut self, secret: &str) -> Self {
        self.client_secret = Some(secret.to_owned());
        self
    }

    /// The `aud` access tokens must carry; Hallpass issues them to the
    /// client that asked, so this defaults to the client id.
    pub fn audience(mut self, audience: &str) -> Self {
        self.audience = Some(audience.to_owned());
        self
    }

    /// Clock skew tolerated on `exp` and `nbf` (default 30 s).
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// How long the JWKS is used before it is fetched again (default 5 min),
    /// on the client's clock in whole seconds.
    pub fn jwks_ttl(mut self, ttl: Duration) -> Self {
        self.jwks_ttl = ttl;
        self
    }

    /// The least time between two fetches of the JWKS (default 10 s), on the
    /// client's clock in whole seconds.
    pub fn min_jwks_refresh(mut self, interval: Duration) -> Self {
        self.min_jwks_refresh = interval;
        self
    }

    /// Remember up to `capacity` verified access tokens, so a token seen
    /// again skips the signature check until it expires. Off by default.
    pub fn verified_token_cache(mut self, capacity: usize) -> Self {
        self.verified_cache = Some(capacity);
        self
    }

    /// Read the time from `clock` (seconds since the epoch) instead of the system.
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Use this HTTP client (it must not follow redirects to other hosts
    /// with credentials; the default follows none).
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    pub async fn discover(self) -> Result<Client, Error> {
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(10))
                .build()?,
        };
        let url = format!("{}/.well-known/openid-configuration", self.issuer);
        let response = http.get(&url).send().await?;
        if !response.status().is_success() {
            return Err(Error::Discovery(format!("{url} answered {}", response.status())));
        }
        let metadata: ProviderMetadata = response
            .json()
            .await
            .map_err(|e| Error::Discovery(format!("{url}: {e}")))?;
        // OpenID Connect Discovery §4.3: the issuer must be exactly the one asked for.
        if metadata.issuer != self.issuer {
            return Err(Error::Discovery(format!(
                "the document names issuer {} but was fetched for {}",
                metadata.issuer, self.issuer
            )));
        }
        let clock: Clock = self.clock.unwrap_or_else(|| Arc::new(system_now));
        let keys = KeyCache::load(
            &http,
            &metadata.jwks_uri,
            self.jwks_ttl,
            self.min_jwks_refresh,
            clock.clone(),
        )
        .await
        .map_err(Error::Discovery)?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                audience: self.audience.unwrap_or_else(|| self.client_id.clone()),
                client_id: self.client_id,
                client_secret: self.client_secret,
                metadata,
                leeway: i64::try_from(self.leeway.as_secs()).unwrap_or(i64::MAX),
                clock,
                keys,
                verified: self.verified_cache.map(VerifiedCache::new),
            }),
        })
    }
}

/// The SDK runs inside other people's apps, without Hallpass's clock.
#[allow(clippy::disallowed_methods)]
fn system_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}
