//! What a hosted page reaches: the provider, and the pages' own part
//! (templates, limits, sign-in policy, mail). Taken from any router state
//! that holds both, so the pages never name the server's whole state.

use super::{Limits, Pages};
use crate::config::{Mode, ProxyHeader};
use crate::mail::Outbox;
use crate::mail_queue::MailQueue;
use crate::provider::Provider;
use axum::extract::FromRef;
use hallpass_core::crypto::CodeHasher;
use hallpass_core::oauth::OAuthPolicy;
use hallpass_core::services::keys::KeySet;
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
    /// `branding.primary_color`, for the theme stylesheet.
    pub primary_color: Option<String>,
    /// `limits.trusted_proxies` and `limits.proxy_header`: whose forwarding
    /// header names the client.
    pub trusted_proxies: Vec<IpNet>,
    pub proxy_header: ProxyHeader,
    /// The admin console's pages (`crate::admin`).
    pub console: Arc<crate::admin::Console>,
}

/// A hosted-page handler's state: two `Arc`s, cloned per request.
#[derive(Clone)]
pub struct PageState {
    provider: Arc<Provider>,
    hosted: Arc<HostedPages>,
}

impl<S> FromRef<S> for PageState
where
    Arc<Provider>: FromRef<S>,
    Arc<HostedPages>: FromRef<S>,
{
    fn from_ref(state: &S) -> Self {
        PageState {
            provider: Arc::from_ref(state),
            hosted: Arc::from_ref(state),
        }
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

    pub fn signin_policy(&self) -> SignInPolicy {
        self.hosted.signin.clone()
    }

    pub fn codes(&self) -> &CodeHasher {
        &self.hosted.codes
    }

    pub fn pages(&self) -> &Pages {
        &self.hosted.pages
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
