//! The issuer's published keys, cached in memory. Fetched again when the TTL
//! has passed, and when a token names a key not in the cache (a rotation),
//! but at most once per `min_refresh_interval`: a flood of tokens with
//! made-up `kid`s costs the issuer one request per interval, not one each.
//! Both are measured on the client's clock (whole seconds), so tests move
//! them with the time they inject.

use crate::client::Clock;
use crate::TokenError;
use hallpass_jose::{JwsError, Parsed, VerifyingKeys};
use hallpass_proto::JwkSet;
use serde::de::DeserializeOwned;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

struct Loaded {
    keys: VerifyingKeys,
    /// When these keys were fetched (seconds on the client's clock).
    fetched_at: i64,
    /// Which fetch brought them (1 is discovery's).
    generation: u64,
}

pub(crate) struct KeyCache {
    jwks_uri: String,
    ttl: Duration,
    min_refresh_interval: Duration,
    clock: Clock,
    current: RwLock<Arc<Loaded>>,
    /// One fetch at a time; holds when the last one was tried.
    last_attempt: tokio::sync::Mutex<i64>,
    fetches: AtomicU64,
}

impl KeyCache {
    pub(crate) async fn load(
        http: &reqwest::Client,
        jwks_uri: &str,
        ttl: Duration,
        min_refresh_interval: Duration,
        clock: Clock,
    ) -> Result<KeyCache, String> {
        let keys = fetch(http, jwks_uri).await?;
        let now = clock();
        let loaded = Loaded {
            keys,
            fetched_at: now,
            generation: 1,
        };
        Ok(KeyCache {
            jwks_uri: jwks_uri.to_owned(),
            ttl,
            min_refresh_interval,
            clock,
            current: RwLock::new(Arc::new(loaded)),
            last_attempt: tokio::sync::Mutex::new(now),
            fetches: AtomicU64::new(1),
        })
    }

    /// How long since `then` on the client's clock (zero if it went back).
    fn since(&self, then: i64) -> Duration {
        Duration::from_secs(u64::try_from((self.clock)().saturating_sub(then)).unwrap_or(0))
    }

    /// How many times the JWKS has been fetched (for metrics and tests).
    pub(crate) fn fetches(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    fn current(&self) -> Arc<Loaded> {
        match self.current.read() {
            Ok(loaded) => loaded.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Verifies `parsed` with the key it names; the algorithm is the key's.
    pub(crate) async fn verify<T: DeserializeOwned>(
        &self,
        http: &reqwest::Client,
        parsed: &Parsed<'_>,
        typ: Option<&str>,
    ) -> Result<T, TokenError> {
        let loaded = self.current();
        if self.since(loaded.fetched_at) < self.ttl {
            match parsed.verify(&loaded.keys, typ) {
                Err(JwsError::UnknownKey) => {}
                other => return other.map_err(TokenError::from),
            }
        }
        let refreshed = self.refresh(http, loaded.generation).await;
        parsed.verify(&refreshed.keys, typ).map_err(TokenError::from)
    }

    /// Fetches the JWKS again unless another task just did, or the last try
    /// was too recent; either way returns the newest keys there are.
    async fn refresh(&self, http: &reqwest::Client, seen: u64) -> Arc<Loaded> {
        // One task fetches; the others go on with the keys there are rather
        // than wait for a slow or unreachable issuer.
        let Ok(mut last_attempt) = self.last_attempt.try_lock() else {
            return self.current();
        };
        let loaded = self.current();
        if loaded.generation != seen || self.since(*last_attempt) < self.min_refresh_interval {
            return loaded;
        }
        *last_attempt = (self.clock)();
        let generation = self.fetches.fetch_add(1, Ordering::Relaxed) + 1;
        match fetch(http, &self.jwks_uri).await {
            Ok(keys) => {
                let fresh = Arc::new(Loaded {
                    keys,
                    fetched_at: (self.clock)(),
                    generation,
                });
                if let Ok(mut current) = self.current.write() {
                    *current = fresh.clone();
                }
                fresh
            }
            // Keep verifying with the keys we have; the next try comes after the interval.
            Err(_) => loaded,
        }
    }
}

async fn fetch(http: &reqwest::Client, jwks_uri: &str) -> Result<VerifyingKeys, String> {
    let response = http.get(jwks_uri).send().await.map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("{jwks_uri} answered {}", response.status()));
    }
    let set: JwkSet = response.json().await.map_err(|e| format!("{jwks_uri}: {e}"))?;
    let keys = VerifyingKeys::new(&set.keys);
    if keys.is_empty() {
        return Err(format!("{jwks_uri} publishes no key this SDK can verify with"));
    }
    Ok(keys)
}
