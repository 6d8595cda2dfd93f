//! What every handler can reach, in three parts a handler can take alone
//! (axum `FromRef`): the provider (the services' context, the OAuth policy,
//! the signing keys), the hosted pages (templates, limits, sign-in policy,
//! mail) and operations (metrics, key reloading). The raw configuration is
//! read once here and not kept. Cloned per request (three `Arc`s).

use crate::config::{Config, DynamicRegistration, Mode, ProxyHeader};
use crate::http::metrics::Metrics;
use crate::mail::Outbox;
use crate::mail_queue::MailQueue;
use crate::oauth::backchannel::{Backchannel, BackchannelNotifier};
use crate::oauth::documents::HttpFetcher;
use crate::pages::{Limits, Pages};
use axum::extract::FromRef;
use hallpass_core::crypto::{CodeHasher, MasterKey};
use hallpass_core::oauth::client_auth::ClientCache;
use hallpass_core::oauth::metadata_document::{DocumentFetcher, MetadataDocuments};
use hallpass_core::oauth::OAuthPolicy;
use hallpass_core::services::keys::{self, KeyPolicy, KeyRing, KeySet};
use hallpass_core::signin::mailer::Mailer;
use hallpass_core::signin::SignInPolicy;
use hallpass_core::Context;
use ipnet::IpNet;
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone)]
pub struct AppState {
    provider: Arc<Provider>,
    pages: Arc<HostedPages>,
    operations: Arc<Operations>,
}

/// The side-effecting collaborators, which tests replace.
pub struct Services {
    pub backchannel: Backchannel,
    pub mailer: Arc<dyn Mailer>,
    pub outbox: Option<Arc<Outbox>>,
    /// Outbound HTTP for client ID metadata documents; `None`: the real one
    /// (`oauth::documents`), private addresses allowed only in development.
    pub documents: Option<Arc<dyn DocumentFetcher>>,
}

/// The OpenID provider: what the OAuth endpoints, the management API and the
/// pages' sessions share.
pub struct Provider {
    pub ctx: Context,
    pub mode: Mode,
    pub policy: OAuthPolicy,
    /// Recently read clients, for client authentication.
    pub clients: ClientCache,
    /// `oauth.dynamic_registration = open`: `/oauth/register` takes registrations.
    pub registration_open: bool,
    /// Client ID metadata documents fetched recently (URL `client_id`s).
    pub documents: MetadataDocuments,
    keys: KeyRing,
    key_policy: KeyPolicy,
    master: Arc<MasterKey>,
}

/// What the hosted pages need beyond the provider.
pub struct HostedPages {
    pub pages: Pages,
    pub limits: Limits,
    pub signin: SignInPolicy,
    pub codes: CodeHasher,
    /// Where handlers send mail: a queue, delivered outside the request.
    pub mail: MailQueue,
    /// Mail sent within the request, for an admin who must learn that it
    /// did not leave (an invitation whose mail fails is not made). Public
    /// forms use the queue, so their timing names no address.
    pub mail_now: Arc<dyn Mailer>,
    /// The development outbox, when mail goes there.
    pub outbox: Option<Arc<Outbox>>,
    /// `signin.same_browser_links`.
    pub same_browser_links: bool,
    /// `branding.primary_color`, for the theme stylesheet.
    pub primary_color: Option<String>,
    /// `limits.trusted_proxies` and `limits.proxy_header`: whose forwarding
    /// header names the client.
    pub trusted_proxies: Vec<IpNet>,
    pub proxy_header: ProxyHeader,
}

/// Running the node.
pub struct Operations {
    pub metrics: Metrics,
    /// How often the signing keys are re-read (`tokens.key_reload_secs`).
    pub key_reload: Duration,
}

impl AppState {
    pub fn new(
        ctx: Context,
        config: Config,
        master: Arc<MasterKey>,
        keys: KeySet,
        services: Services,
    ) -> anyhow::Result<AppState> {
        let policy = config.oauth_policy();
        let keys = KeyRing::new(keys);
        let notifier = BackchannelNotifier {
            backchannel: services.backchannel,
            keys: keys.clone(),
            policy: policy.clone(),
        };
        let signin = config.signin_policy();
        // The limits run on the app's clock, so tests move time instead of waiting.
        let limits = Limits::new(&config.limits, ctx.clock.clone());
        let pages = HostedPages {
            pages: Pages::new(config.branding.clone(), signin.methods, config.signin.ask_name)?,
            limits,
            codes: CodeHasher::new(&master.derive("hallpass email codes v1")),
            signin,
            mail: MailQueue::start(services.mailer.clone())?,
            mail_now: services.mailer,
            outbox: services.outbox,
            same_browser_links: config.signin.same_browser_links,
            primary_color: config.branding.primary_color.clone(),
            trusted_proxies: config.limits.trusted_proxies.clone(),
            proxy_header: config.limits.proxy_header,
        };
        let provider = Provider {
            ctx: Context {
                notifier: Arc::new(notifier),
                ..ctx
            },
            mode: config.mode()?,
            policy,
            clients: ClientCache::new(Duration::from_secs(u64::from(config.oauth.client_cache_secs))),
            registration_open: config.oauth.dynamic_registration == DynamicRegistration::Open,
            documents: {
                let development = config.mode()? == Mode::Development;
                let fetcher = services
                    .documents
                    .unwrap_or_else(|| Arc::new(HttpFetcher::new(development)));
                MetadataDocuments::new(fetcher, development)
            },
            keys,
            key_policy: config.key_policy(),
            master,
        };
        let operations = Operations {
            metrics: Metrics::new(),
            key_reload: Duration::from_secs(u64::from(config.tokens.key_reload_secs)),
        };
        Ok(AppState {
            provider: Arc::new(provider),
            pages: Arc::new(pages),
            operations: Arc::new(operations),
        })
    }

    pub fn provider(&self) -> &Provider {
        &self.provider
    }

    pub fn hosted_pages(&self) -> &HostedPages {
        &self.pages
    }

    pub fn operations(&self) -> &Operations {
        &self.operations
    }

    pub fn ctx(&self) -> &Context {
        &self.provider.ctx
    }

    pub fn mode(&self) -> Mode {
        self.provider.mode
    }

    pub fn policy(&self) -> &OAuthPolicy {
        &self.provider.policy
    }

    pub fn documents(&self) -> &MetadataDocuments {
        &self.provider.documents
    }

    pub fn registration_open(&self) -> bool {
        self.provider.registration_open
    }

    pub fn clients(&self) -> &ClientCache {
        &self.provider.clients
    }

    pub fn keys(&self) -> Arc<KeySet> {
        self.provider.keys()
    }

    pub fn signin_policy(&self) -> SignInPolicy {
        self.pages.signin.clone()
    }

    pub fn codes(&self) -> &CodeHasher {
        &self.pages.codes
    }

    pub fn pages(&self) -> &Pages {
        &self.pages.pages
    }

    pub fn limits(&self) -> &Limits {
        &self.pages.limits
    }

    pub fn mailer(&self) -> &MailQueue {
        &self.pages.mail
    }

    pub fn mailer_now(&self) -> &dyn Mailer {
        self.pages.mail_now.as_ref()
    }

    pub fn outbox(&self) -> Option<&Outbox> {
        self.pages.outbox.as_deref()
    }

    pub fn metrics(&self) -> &Metrics {
        &self.operations.metrics
    }

    pub async fn rotate_signing_key(
        &self,
        algorithm: hallpass_core::crypto::Algorithm,
    ) -> Result<hallpass_core::ids::KeyId, hallpass_core::CoreError> {
        self.provider.rotate_signing_key(algorithm).await
    }

    pub async fn reload_keys(&self) {
        self.provider.reload_keys().await
    }
}

impl Provider {
    /// The keys as last loaded.
    pub fn keys(&self) -> Arc<KeySet> {
        self.keys.current()
    }

    /// Retires the algorithm's active key, activates a new one and starts
    /// signing with it here (other nodes pick it up at their next reload).
    pub async fn rotate_signing_key(
        &self,
        algorithm: hallpass_core::crypto::Algorithm,
    ) -> Result<hallpass_core::ids::KeyId, hallpass_core::CoreError> {
        let kid = keys::rotate_signing_key(&self.ctx, &self.master, algorithm, self.key_policy).await?;
        self.reload_keys().await;
        Ok(kid)
    }

    /// Re-reads the keys from the database, so a rotation made by another node
    /// (or the CLI) reaches this one. On failure the old set stays in use.
    pub async fn reload_keys(&self) {
        match keys::load_key_set(&self.ctx, &self.master).await {
            Ok(fresh) => {
                let kids: Vec<String> = fresh.jwks().keys.iter().map(|k| k.kid.clone()).collect();
                self.keys.replace(fresh);
                // After the swap: whoever reads this line gets these keys.
                tracing::debug!(?kids, "signing keys reloaded");
            }
            Err(err) => tracing::warn!(%err, "could not reload signing keys; keeping the current set"),
        }
    }
}

impl FromRef<AppState> for Arc<Provider> {
    fn from_ref(state: &AppState) -> Self {
        state.provider.clone()
    }
}

impl FromRef<AppState> for Arc<HostedPages> {
    fn from_ref(state: &AppState) -> Self {
        state.pages.clone()
    }
}

impl FromRef<AppState> for Arc<Operations> {
    fn from_ref(state: &AppState) -> Self {
        state.operations.clone()
    }
}

impl FromRef<AppState> for Metrics {
    fn from_ref(state: &AppState) -> Self {
        state.operations.metrics.clone()
    }
}
