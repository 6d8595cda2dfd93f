//! Signing keys: generated on first start, encrypted at rest under the master
//! key, rotated on demand. A retired key stays in the JWKS until every token it
//! signed has expired.

use crate::context::Context;
use crate::crypto::jws::VerifyingKeys;
use crate::crypto::{Algorithm, MasterKey, SigningKey};
use crate::error::CoreError;
use crate::ids::KeyId;
use crate::store::{KeyStatus, SigningKeyRecord, StoreError};
use hallpass_proto::JwkSet;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// How long a retired key stays published: at least the longest lifetime of
/// anything it signed, plus clock skew.
#[derive(Debug, Clone, Copy)]
pub struct KeyPolicy {
    pub retired_publication: Duration,
}

/// The key set a node is using now, shared by whoever signs: replaced whole
/// when the keys are reloaded, so a reader always sees one consistent set.
#[derive(Debug, Clone, Default)]
pub struct KeyRing(Arc<std::sync::RwLock<Arc<KeySet>>>);

impl KeyRing {
    pub fn new(keys: KeySet) -> KeyRing {
        KeyRing(Arc::new(std::sync::RwLock::new(Arc::new(keys))))
    }

    pub fn current(&self) -> Arc<KeySet> {
        match self.0.read() {
            Ok(keys) => keys.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub fn replace(&self, keys: KeySet) {
        match self.0.write() {
            Ok(mut slot) => *slot = Arc::new(keys),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(keys),
        }
    }
}

/// The keys a node signs with and the JWKS it publishes, as loaded at one moment.
#[derive(Debug, Default)]
pub struct KeySet {
    active: BTreeMap<Algorithm, Arc<SigningKey>>,
    jwks: JwkSet,
    verifiers: VerifyingKeys,
}

impl KeySet {
    pub fn signer(&self, algorithm: Algorithm) -> Option<Arc<SigningKey>> {
        self.active.get(&algorithm).cloned()
    }

    pub fn jwks(&self) -> &JwkSet {
        &self.jwks
    }

    /// The published keys, parsed once, for checking our own tokens.
    pub fn verifiers(&self) -> &VerifyingKeys {
        &self.verifiers
    }
}

fn seal(ctx: &Context, master: &MasterKey, algorithm: Algorithm) -> Result<SigningKeyRecord, CoreError> {
    let id = KeyId::generate(ctx.clock.as_ref(), ctx.rng.as_ref());
    let generated = SigningKey::generate(algorithm, id.as_str()).map_err(|e| CoreError::Key(e.to_string()))?;
    Ok(SigningKeyRecord {
        encrypted_private_key: master.seal(ctx.rng.as_ref(), &generated.pkcs8, id.as_str()),
        id,
        algorithm,
        status: KeyStatus::Active,
        public_jwk: generated.public_jwk,
        created_at: ctx.clock.now(),
        retired_at: None,
        unpublish_at: None,
    })
}

/// Proves the master key opens every stored key, before anything is written.
pub async fn verify_master_key(ctx: &Context, master: &MasterKey) -> Result<usize, CoreError> {
    let keys = ctx.store.list_all_keys().await?;
    for record in &keys {
        open(master, record)?;
    }
    Ok(keys.len())
}

fn open(master: &MasterKey, record: &SigningKeyRecord) -> Result<SigningKey, CoreError> {
    let kid = record.id.as_str();
    let pkcs8 = master
        .open(&record.encrypted_private_key, kid)
        .map_err(|_| CoreError::WrongMasterKey { kid: kid.to_owned() })?;
    SigningKey::from_pkcs8(record.algorithm, kid, &pkcs8).map_err(|e| CoreError::Key(e.to_string()))
}

/// Makes sure every algorithm has an active key; returns the ones it created.
/// Safe when several nodes start at once: the store lets one key per algorithm win.
pub async fn ensure_signing_keys(ctx: &Context, master: &MasterKey) -> Result<Vec<KeyId>, CoreError> {
    let existing = ctx.store.list_published_keys(ctx.clock.now()).await?;
    let mut created = Vec::new();
    for algorithm in Algorithm::ALL {
        let has_active = existing
            .iter()
            .any(|k| k.algorithm == algorithm && k.status == KeyStatus::Active);
        if has_active {
            continue;
        }
        let record = seal(ctx, master, algorithm)?;
        if ctx.store.insert_first_signing_key(&record).await? {
            created.push(record.id);
        }
    }
    Ok(created)
}

/// Retires the algorithm's active key and activates a new one.
pub async fn rotate_signing_key(
    ctx: &Context,
    master: &MasterKey,
    algorithm: Algorithm,
    policy: KeyPolicy,
) -> Result<KeyId, CoreError> {
    let record = seal(ctx, master, algorithm)?;
    let now = ctx.clock.now();
    ctx.store
        .rotate_signing_key(&record, now, now.plus(policy.retired_publication))
        .await?;
    // Retired keys whose tokens have all expired leave for good.
    ctx.store.delete_unpublished_keys(now).await?;
    Ok(record.id)
}

pub async fn list_keys(ctx: &Context) -> Result<Vec<SigningKeyRecord>, CoreError> {
    Ok(ctx.store.list_all_keys().await?)
}

/// Decrypts the active keys and assembles the JWKS (active and still-published retired keys).
pub async fn load_key_set(ctx: &Context, master: &MasterKey) -> Result<KeySet, CoreError> {
    let published = ctx.store.list_published_keys(ctx.clock.now()).await?;
    let mut set = KeySet::default();
    for record in &published {
        if record.status == KeyStatus::Active {
            set.active.insert(record.algorithm, Arc::new(open(master, record)?));
        }
        set.jwks.keys.push(record.public_jwk.clone());
    }
    set.verifiers = VerifyingKeys::new(&set.jwks.keys);
    if set.active.is_empty() {
        return Err(CoreError::Store(StoreError::NotFound));
    }
    Ok(set)
}
