//! What every handler can reach: the services' context, the configuration,
//! the signing keys and the metrics. Cloned per request (one `Arc`).

use crate::config::{Config, Mode};
use crate::http::metrics::Metrics;
use crate::mail::Outbox;
use crate::mail_queue::MailQueue;
use crate::oauth::backchannel::{Backchannel, BackchannelNotifier};
use crate::pages::{Limits, Pages};
use hallpass_core::crypto::{CodeHasher, MasterKey};
use hallpass_core::oauth::client_auth::ClientCache;
use hallpass_core::oauth::OAuthPolicy;
use hallpass_core::services::keys::{self, KeyRing, KeySet};
use hallpass_core::signin::mailer::Mailer;
use hallpass_core::signin::SignInPolicy;
use hallpass_core::Context;
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

/// The side-effecting collaborators, which tests replace.
pub struct Services {
    pub backchannel: Backchannel,
    pub mailer: Arc<dyn Mailer>,
    pub outbox: Option<Arc<Outbox>>,
}

struct Inner {
    ctx: Context,
    config: Config,
    mode: Mode,
    policy: OAuthPolicy,
    clients: ClientCache,
    signin: SignInPolicy,
    codes: CodeHasher,
    pages: Pages,
    limits: Limits,
    mail: MailQueue,
    mail_now: Arc<dyn Mailer>,
    outbox: Option<Arc<Outbox>>,
    master: Arc<MasterKey>,
    keys: KeyRing,
    metrics: Metrics,
}

impl AppState {
    pub fn new(
        ctx: Context,
        config: Config,
        master: Arc<MasterKey>,
        keys: KeySet,
        services: Services,
    ) -> anyhow::Result<AppState> {
        let mode = config.mode()?;
        let policy = config.oauth_policy();
        let keys = KeyRing::new(keys);
        let notifier = BackchannelNotifier {
            backchannel: services.backchannel,
            keys: keys.clone(),
            policy: policy.clone(),
        };
        let ctx = Context {
            notifier: Arc::new(notifier),
            ..ctx
        };
        // The limits run on the app's clock, so tests move time instead of waiting.
        let limits = Limits::new(&config.limits, ctx.clock.clone());
        Ok(AppState(Arc::new(Inner {
            ctx,
            policy,
            clients: ClientCache::new(Duration::from_secs(u64::from(config.oauth.client_cache_secs))),
            signin: config.signin_policy(),
            codes: CodeHasher::new(&master.derive("hallpass email codes v1")),
            pages: Pages::new(
                config.branding.clone(),
                config.signin_policy().methods,
                config.signin.ask_name,
            )?,
            limits,
            mail: MailQueue::start(services.mailer.clone())?,
            mail_now: services.mailer,
            outbox: services.outbox,
            config,
            mode,
            master,
            keys,
            metrics: Metrics::new(),
        })))
    }

    pub fn signin_policy(&self) -> SignInPolicy {
        self.0.signin.clone()
    }

    pub fn codes(&self) -> &CodeHasher {
        &self.0.codes
    }

    pub fn pages(&self) -> &Pages {
        &self.0.pages
    }

    pub fn limits(&self) -> &Limits {
        &self.0.limits
    }

    /// Where handlers send mail: a queue, delivered outside the request.
    pub fn mailer(&self) -> &MailQueue {
        &self.0.mail
    }

    /// Mail sent within the request, for an admin who must learn that it
    /// did not leave (an invitation whose mail fails is not made). Public
    /// forms use the queue, so their timing names no address.
    pub fn mailer_now(&self) -> &dyn Mailer {
        self.0.mail_now.as_ref()
    }

    /// The development outbox, when mail goes there.
    pub fn outbox(&self) -> Option<&Outbox> {
        self.0.outbox.as_deref()
    }

    pub fn policy(&self) -> &OAuthPolicy {
        &self.0.policy
    }

    /// Recently read clients, for client authentication.
    pub fn clients(&self) -> &ClientCache {
        &self.0.clients
    }

    pub fn ctx(&self) -> &Context {
        &self.0.ctx
    }

    pub fn config(&self) -> &Config {
        &self.0.config
    }

    pub fn mode(&self) -> Mode {
        self.0.mode
    }

    pub fn metrics(&self) -> &Metrics {
        &self.0.metrics
    }

    /// The keys as last loaded.
    pub fn keys(&self) -> Arc<KeySet> {
        self.0.keys.current()
    }

    /// Retires the algorithm's active key, activates a new one and starts
    /// signing with it here (other nodes pick it up at their next reload).
    pub async fn rotate_signing_key(
        &self,
        algorithm: hallpass_core::crypto::Algorithm,
    ) -> Result<hallpass_core::ids::KeyId, hallpass_core::CoreError> {
        let policy = self.0.config.key_policy();
        let kid = keys::rotate_signing_key(&self.0.ctx, &self.0.master, algorithm, policy).await?;
        self.reload_keys().await;
        Ok(kid)
    }

    /// Re-reads the keys from the database, so a rotation made by another node
    /// (or the CLI) reaches this one. On failure the old set stays in use.
    pub async fn reload_keys(&self) {
        match keys::load_key_set(&self.0.ctx, &self.0.master).await {
            Ok(fresh) => {
                let kids: Vec<String> = fresh.jwks().keys.iter().map(|k| k.kid.clone()).collect();
                self.0.keys.replace(fresh);
                // After the swap: whoever reads this line gets these keys.
                tracing::debug!(?kids, "signing keys reloaded");
            }
            Err(err) => tracing::warn!(%err, "could not reload signing keys; keeping the current set"),
        }
    }
}
