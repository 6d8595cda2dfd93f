//! An optional cache of access tokens already verified: a token seen again
//! skips the signature check until it expires. Bounded; when full, expired
//! entries go first, then everything (a cache, not a store).

use hallpass_proto::claims::AccessTokenClaims;
use std::collections::HashMap;
use std::sync::Mutex;

pub(crate) struct VerifiedCache {
    capacity: usize,
    entries: Mutex<HashMap<String, AccessTokenClaims>>,
}

impl VerifiedCache {
    pub(crate) fn new(capacity: usize) -> VerifiedCache {
        VerifiedCache {
            capacity: capacity.max(1),
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The claims of `token` if it was verified before and is still within
    /// `valid_until(claims)`; the caller checks expiry with its own clock.
    pub(crate) fn get(&self, token: &str) -> Option<AccessTokenClaims> {
        self.entries.lock().ok()?.get(token).cloned()
    }

    pub(crate) fn insert(&self, token: &str, claims: &AccessTokenClaims, now: i64) {
        let Ok(mut entries) = self.entries.lock() else { return };
        if entries.len() >= self.capacity {
            entries.retain(|_, c| c.exp > now);
            if entries.len() >= self.capacity {
                entries.clear();
            }
        }
        entries.insert(token.to_owned(), claims.clone());
    }

    pub(crate) fn remove(&self, token: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(token);
        }
    }
}
