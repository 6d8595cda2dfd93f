//! Request ids for `x-request-id` when the client sends none: a random
//! prefix drawn once per process and a counter. `MakeRequestUuid` asked the
//! kernel for 16 random bytes on every request (a `getrandom` system call);
//! an id only has to tell requests apart in the logs, across restarts and
//! nodes too, which the per-process prefix gives without a call per request.

use axum::http::{HeaderValue, Request};
use std::sync::atomic::{AtomicU64, Ordering};
use tower_http::request_id::{MakeRequestId, RequestId};

#[derive(Clone, Debug)]
pub struct MakeCountedRequestId {
    prefix: u64,
    next: std::sync::Arc<AtomicU64>,
}

impl MakeCountedRequestId {
    pub fn new() -> Self {
        use std::hash::{BuildHasher, Hasher};
        // RandomState's keys come from the operating system's randomness
        // (once per thread): hashing nothing with them is a random 64-bit
        // prefix, drawn without a call that can fail.
        let prefix = std::collections::hash_map::RandomState::new().build_hasher().finish();
        Self {
            prefix,
            next: std::sync::Arc::new(AtomicU64::new(0)),
        }
    }

    fn next_id(&self) -> String {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        format!("{:016x}{n:016x}", self.prefix)
    }
}

impl Default for MakeCountedRequestId {
    fn default() -> Self {
        Self::new()
    }
}

impl MakeRequestId for MakeCountedRequestId {
    fn make_request_id<B>(&mut self, _request: &Request<B>) -> Option<RequestId> {
        HeaderValue::from_str(&self.next_id()).ok().map(RequestId::new)
    }
}

#[cfg(test)]
mod tests {
    use super::MakeCountedRequestId;

    #[test]
    fn ids_differ_within_a_process_and_between_processes() {
        let one = MakeCountedRequestId::new();
        let (a, b) = (one.next_id(), one.next_id());
        assert_ne!(a, b);
        assert_eq!(a.len(), 32);
        assert_eq!(a[..16], b[..16], "one prefix per process");
        let other = MakeCountedRequestId::new();
        assert_ne!(other.next_id()[..16], a[..16], "another process draws another prefix");
    }
}
