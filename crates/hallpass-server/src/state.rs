//! What every handler can reach, in three parts a handler can take alone
//! (axum `FromRef`): the provider (the services' context, the OAuth policy,
//! the signing keys), the hosted pages (templates, limits, sign-in policy,
//! mail) and operations (metrics, key reloading). The raw configuration is
//! read once here and not kept. Cloned per request (three `Arc`s).

use crate::config::{Config, DynamicRegistration, Mode};
use crate::http::metrics::Metrics;
use crate::mail::Outbox;
use crate::mail_queue::MailQueue;
use crate::oauth::backchannel::{Backchannel, BackchannelNotifier};
use crate::pages::{Limits, Pages};
use axum::extract::FromRef;
use hallpass_core::crypto::{CodeHasher, MasterKey};
use hallpass_core::oauth::client_auth::ClientCache;
use hallpass_core::oauth::metadata_document::DocumentFetcher;
use hallpass_core::oauth::OAuthPolicy;
use hallpass_core::services::keys::{KeyRing, KeySet};
use hallpass_core::signin::mailer::Mailer;
use hallpass_core::Context;
use std::sync::Arc;
use std::time::Duration;

pub use crate::pages::HostedPages;
pub use crate::provider::Provider;
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
        // Mail shows the branding in force, read from the store at each send.
        services.mailer.read_branding_from(ctx.store.clone());
        // The limits run on the app's clock, so tests move time instead of waiting.
        let limits = Limits::new(&config.limits, ctx.clock.clone());
        let pages = HostedPages {
            pages: Pages::new(config.signin.ask_name)?,
            limits,
            codes: CodeHasher::new(&master.derive("hallpass email codes v1")),
            signin,
            mail: MailQueue::start(services.mailer.clone())?,
            mail_now: services.mailer,
            outbox: services.outbox,
            same_browser_links: config.signin.same_browser_links,
            settings_defaults: config.signin_defaults(),
            trusted_proxies: config.limits.trusted_proxies.clone(),
            proxy_header: config.limits.proxy_header,
            console: Arc::new(crate::admin::Console::new(&config.branding.product_name)?),
        };
        let provider = Provider::new(
            Context {
                notifier: Arc::new(notifier),
                ..ctx
            },
            config.mode()?,
            policy,
            ClientCache::new(Duration::from_secs(u64::from(config.oauth.client_cache_secs))),
            keys,
            config.key_policy(),
            master,
        )
        .with_third_party(
            config.oauth.dynamic_registration == DynamicRegistration::Open,
            services.documents,
        );
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

    pub fn clients(&self) -> &ClientCache {
        &self.provider.clients
    }

    pub fn keys(&self) -> Arc<KeySet> {
        self.provider.keys()
    }

    /// The configuration's sign-in settings, under the stored ones (`services::settings`).
    pub fn signin_defaults(&self) -> &hallpass_core::services::settings::SignInSettings {
        &self.pages.settings_defaults
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
