//! The OpenID provider as one running node holds it: the services' context,
//! the OAuth policy, the client cache and the signing keys. The OAuth
//! endpoints, the management API and the hosted pages all reach it.

use crate::config::Mode;
use crate::oauth::documents::HttpFetcher;
use hallpass_core::crypto::{Algorithm, MasterKey};
use hallpass_core::ids::KeyId;
use hallpass_core::oauth::client_auth::ClientCache;
use hallpass_core::oauth::metadata_document::{DocumentFetcher, MetadataDocuments};
use hallpass_core::oauth::OAuthPolicy;
use hallpass_core::services::keys::{self, KeyPolicy, KeyRing, KeySet};
use hallpass_core::upstream::discovery::Discovery;
use hallpass_core::{Context, CoreError};
use std::sync::Arc;

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
    /// Upstream identity providers' metadata and keys (SSO and social sign-in).
    pub discovery: Discovery,
}

impl Provider {
    pub fn new(
        ctx: Context,
        mode: Mode,
        policy: OAuthPolicy,
        clients: ClientCache,
        keys: KeyRing,
        key_policy: KeyPolicy,
        master: Arc<MasterKey>,
    ) -> Provider {
        let development = mode == Mode::Development;
        Provider {
            ctx,
            mode,
            policy,
            clients,
            registration_open: true,
            documents: MetadataDocuments::new(Arc::new(HttpFetcher::new(development)), development),
            keys,
            key_policy,
            master,
            discovery: Discovery::new(Arc::new(crate::oauth::upstream::HttpOutbound::new())),
        }
    }

    /// The master key, for sealing and opening secrets stored with it.
    pub fn master(&self) -> &MasterKey {
        &self.master
    }

    /// Third-party clients: whether dynamic registration is open, and where
    /// metadata documents are fetched from (tests replace the fetcher).
    pub fn with_third_party(mut self, registration_open: bool, fetcher: Option<Arc<dyn DocumentFetcher>>) -> Provider {
        self.registration_open = registration_open;
        if let Some(fetcher) = fetcher {
            self.documents = MetadataDocuments::new(fetcher, self.mode == Mode::Development);
        }
        self
    }

    /// The keys as last loaded.
    pub fn keys(&self) -> Arc<KeySet> {
        self.keys.current()
    }

    /// Retires the algorithm's active key, activates a new one and starts
    /// signing with it here (other nodes pick it up at their next reload).
    pub async fn rotate_signing_key(&self, algorithm: Algorithm) -> Result<KeyId, CoreError> {
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
