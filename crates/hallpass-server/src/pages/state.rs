//! What a hosted page reaches: the provider, the pages' own part
//! (templates, limits, sign-in policy, mail), and the sign-in settings in
//! force for this request. Taken from any router state that holds the first
//! two, so the pages never name the server's whole state.

use super::templates::PageView;
use super::{Limits, Pages};
use crate::config::{Mode, ProxyHeader};
use crate::mail::Outbox;
use crate::mail_queue::MailQueue;
use crate::provider::Provider;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use hallpass_core::crypto::CodeHasher;
use hallpass_core::oauth::OAuthPolicy;
use hallpass_core::services::keys::KeySet;
use hallpass_core::services::settings::{self, SignInSettings};
use hallpass_core::signin::mailer::Mailer;
use hallpass_core::signin::SignInPolicy;
use hallpass_core::Context;
use ipnet::IpNet;
use std::sync::Arc;

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
    /// The configuration's branding and methods: the defaults under the
    /// stored sign-in settings (`services::settings`).
    pub settings_defaults: SignInSettings,
    /// `limits.trusted_proxies` and `limits.proxy_header`: whose forwarding
    /// header names the client.
    pub trusted_proxies: Vec<IpNet>,
    pub proxy_header: ProxyHeader,
    /// The admin console's pages (`crate::admin`).
    pub console: Arc<crate::admin::Console>,
}

/// What every node shares, without the per-request settings: for the
/// extractors that need only the mode and the store.
#[derive(Clone)]
pub struct PageParts {
    provider: Arc<Provider>,
    hosted: Arc<HostedPages>,
}

impl<S> FromRef<S> for PageParts
where
    Arc<Provider>: FromRef<S>,
    Arc<HostedPages>: FromRef<S>,
{
    fn from_ref(state: &S) -> Self {
        PageParts {
            provider: Arc::from_ref(state),
            hosted: Arc::from_ref(state),
        }
    }
}

impl PageParts {
    pub fn mode(&self) -> Mode {
        self.provider.mode
    }

    pub fn ctx(&self) -> &Context {
        &self.provider.ctx
    }

    /// With the sign-in settings in force now: one single-row read, so a
    /// change made on any node shows on the very next request. A store that
    /// cannot answer leaves the configuration's (logged): the request itself
    /// will fail at its first read anyway.
    pub async fn load(self) -> PageState {
        let defaults = &self.hosted.settings_defaults;
        let settings = match settings::effective(self.provider.ctx.store.as_ref(), defaults).await {
            Ok(settings) => settings,
            Err(err) => {
                tracing::error!(%err, "reading the sign-in settings failed; the configuration's apply");
                defaults.clone()
            }
        };
        self.with(settings)
    }

    /// With the configuration's settings, for answering when the store failed.
    pub fn with_defaults(self) -> PageState {
        let defaults = self.hosted.settings_defaults.clone();
        self.with(defaults)
    }

    fn with(self, settings: SignInSettings) -> PageState {
        PageState {
            provider: self.provider,
            hosted: self.hosted,
            settings: Arc::new(settings),
        }
    }
}

/// A hosted-page handler's state: the shared parts and this request's
/// sign-in settings (branding, methods). An extractor rather than axum
/// `State`, since the settings are read from the store per request.
#[derive(Clone)]
pub struct PageState {
    provider: Arc<Provider>,
    hosted: Arc<HostedPages>,
    settings: Arc<SignInSettings>,
}

impl<S> FromRequestParts<S> for PageState
where
    S: Send + Sync,
    PageParts: FromRef<S>,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(_parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(PageParts::from_ref(state).load().await)
    }
}

impl PageState {
    pub fn provider(&self) -> &Provider {
        &self.provider
    }

    pub fn hosted_pages(&self) -> &HostedPages {
        &self.hosted
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

    pub fn keys(&self) -> Arc<KeySet> {
        self.provider.keys()
    }

    /// The configured policy with the methods in force now.
    pub fn signin_policy(&self) -> SignInPolicy {
        SignInPolicy {
            methods: self.settings.methods,
            ..self.hosted.signin.clone()
        }
    }

    /// The sign-in settings in force for this request.
    pub fn settings(&self) -> &SignInSettings {
        &self.settings
    }

    pub fn codes(&self) -> &CodeHasher {
        &self.hosted.codes
    }

    /// The templates, rendering with this request's branding and methods.
    pub fn pages(&self) -> PageView<'_> {
        self.hosted.pages.with(&self.settings)
    }

    pub fn limits(&self) -> &Limits {
        &self.hosted.limits
    }

    pub fn mailer(&self) -> &MailQueue {
        &self.hosted.mail
    }

    pub fn mailer_now(&self) -> &dyn Mailer {
        self.hosted.mail_now.as_ref()
    }

    pub fn outbox(&self) -> Option<&Outbox> {
        self.hosted.outbox.as_deref()
    }
}
