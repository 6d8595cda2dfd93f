//! Sign-in for axum apps: ready handlers (`/login`, `/callback`, `/logout`,
//! `/backchannel-logout`), a middleware that keeps the user's tokens in one
//! sealed cookie and refreshes them when the access token has expired, and
//! extractors for handlers.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use axum::{routing::get, Router};
//! use hallpass_sdk::axum::{HallpassAuth, Session};
//!
//! let client = hallpass_sdk::Client::discover("https://auth.example.com", "cli_…", Some("secret")).await?;
//! let auth = HallpassAuth::new(client, b"32 or more bytes of the app's own secret", "https://app.example.com")?;
//! let app: Router = auth.protect(
//!     Router::new()
//!         .route("/dashboard", get(|session: Session| async move { format!("Hello {}", session.user.id) }))
//!         .merge(auth.routes()),
//! );
//! # Ok(()) }
//! ```

mod cookies;
mod extract;
mod handlers;
mod middleware;
mod resource;
mod revoked;

pub use extract::{MaybeSession, Session};
pub use middleware::session_middleware;
pub use resource::{Bearer, ResourceServer};

use crate::{Client, SealError, Sealer};
use axum::routing::{get, post};
use axum::Router;
use revoked::RevokedSessions;
use std::sync::Arc;

/// The app's sign-in: the SDK client, the cookie sealer and the paths.
#[derive(Clone, Debug)]
pub struct HallpassAuth {
    pub(crate) inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) client: Client,
    pub(crate) sealer: Sealer,
    pub(crate) settings: Settings,
    pub(crate) revoked: RevokedSessions,
}

/// Where things are. `base_url` is the app's public origin; the callback
/// (`{base_url}/callback`) and the after-logout page (`{base_url}/`) must be
/// registered for the client in Hallpass.
#[derive(Debug, Clone)]
pub struct Settings {
    pub base_url: String,
    pub login_path: String,
    pub callback_path: String,
    pub logout_path: String,
    pub backchannel_logout_path: String,
    pub after_logout_path: String,
    pub scopes: Vec<String>,
    /// How long the session cookie lives in the browser (the session at
    /// Hallpass may end sooner; then the next refresh fails).
    pub cookie_max_age_secs: u64,
}

impl Settings {
    pub fn new(base_url: &str) -> Settings {
        Settings {
            base_url: base_url.trim_end_matches('/').to_owned(),
            login_path: "/login".into(),
            callback_path: "/callback".into(),
            logout_path: "/logout".into(),
            backchannel_logout_path: "/backchannel-logout".into(),
            after_logout_path: "/".into(),
            scopes: ["openid", "profile", "email", "offline_access"]
                .map(String::from)
                .to_vec(),
            cookie_max_age_secs: 30 * 24 * 3600,
        }
    }

    pub(crate) fn redirect_uri(&self) -> String {
        format!("{}{}", self.base_url, self.callback_path)
    }

    /// `__Host-` cookies when the app is served over HTTPS.
    pub(crate) fn secure(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

impl HallpassAuth {
    pub fn new(client: Client, cookie_secret: &[u8], base_url: &str) -> Result<HallpassAuth, SealError> {
        Self::with_settings(client, cookie_secret, Settings::new(base_url))
    }

    pub fn with_settings(client: Client, cookie_secret: &[u8], settings: Settings) -> Result<HallpassAuth, SealError> {
        Ok(HallpassAuth {
            inner: Arc::new(Inner {
                client,
                sealer: Sealer::new(cookie_secret)?,
                settings,
                revoked: RevokedSessions::default(),
            }),
        })
    }

    pub fn client(&self) -> &Client {
        &self.inner.client
    }

    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    /// The sign-in routes, to merge into the app's router.
    pub fn routes<S: Clone + Send + Sync + 'static>(&self) -> Router<S> {
        let s = &self.inner.settings;
        Router::new()
            .route(&s.login_path, get(handlers::login))
            .route(&s.callback_path, get(handlers::callback))
            .route(&s.logout_path, post(handlers::logout))
            .route(&s.backchannel_logout_path, post(handlers::backchannel_logout))
            .with_state(self.clone())
    }

    /// Runs [`session_middleware`] in front of every route of `router`, so
    /// handlers can take [`Session`] or [`MaybeSession`].
    pub fn protect<S: Clone + Send + Sync + 'static>(&self, router: Router<S>) -> Router<S> {
        router.layer(axum::middleware::from_fn_with_state(self.clone(), session_middleware))
    }
}
